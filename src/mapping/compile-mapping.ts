import type { ObjectSchema } from '../connectors/types.ts'
import { compileRule, type MapEnv, type RuleOptions } from './compile-rule.ts'
import { type CompiledExpression, compileExpression } from './expression.ts'
import type { FieldRule } from './field-rule-schema.ts'
import type { MappingProblem } from './mapping-error.ts'
import type { MappingConfig } from './mapping-schema.ts'
import { type CompiledLine, condition, type MapResult, mapRecord, type RuleSlot } from './record-run.ts'
import { compilePath, type SourceData } from './source-path.ts'

export type { MapEnv } from './compile-rule.ts'
export type { MapResult } from './record-run.ts'

export interface CompileOptions {
  /** The target object's schema: field lengths for `truncate`. */
  targetSchema?: ObjectSchema
  /** The zone the target keeps dates in; date steps default to it. */
  defaultZone?: string
  /** Country assumed for phone numbers without `+`. */
  defaultCountry?: string
  /**
   * `false` evaluates every expression with JSONata rather than directly: the two give the same results
   * (the tests hold them to it), so this is for comparing them, or to rule the direct evaluator out.
   */
  directExpressions?: boolean
}

export interface CompiledMapping {
  flow: string
  /** Field and parent paths the mapping reads from the source record: what the connector must fetch. */
  sourceFields: string[]
  /** Source lists (child relationships, sublists) the mapping reads, each with the fields of one row. */
  sourceLists: { path: string; fields: string[] }[]
  /** Whether the source record passes the flow's `source.when` condition. */
  accepts(record: SourceData): Promise<boolean>
  /** The target payload for one source record, the match key included. Throws MappingError on bad data. */
  map(sourceId: string, record: SourceData, env: MapEnv): Promise<MapResult>
}

export type CompileResult = { ok: true; mapping: CompiledMapping } | { ok: false; problems: MappingProblem[] }

function compileRules(
  fields: Record<string, FieldRule>,
  path: (string | number)[],
  schemaFields: ObjectSchema['fields'] | undefined,
  base: Omit<RuleOptions, 'targetLength'>,
  problems: MappingProblem[],
  reads: Set<string>,
): RuleSlot[] {
  const out: RuleSlot[] = []
  for (const [target, rule] of Object.entries(fields)) {
    const length = schemaFields?.[target]?.length
    const result = compileRule(rule, [...path, target], { ...base, ...(length ? { targetLength: length } : {}) })
    problems.push(...result.problems)
    for (const r of result.reads) reads.add(r)
    if (result.rule) out.push({ target, rule: result.rule })
  }
  return out
}

/**
 * Compiles a validated mapping once into plain functions; nothing is interpreted per record. Every problem
 * (a JSONata syntax error, a `truncate` with no known length) is returned with its path in the file.
 */
export function compileMapping(config: MappingConfig, opts: CompileOptions = {}): CompileResult {
  const problems: MappingProblem[] = []
  const base = {
    defaultZone: opts.defaultZone ?? 'UTC',
    defaultCountry: opts.defaultCountry ?? 'US',
    ...(opts.directExpressions === false ? { directExpressions: false } : {}),
  }
  const expressionOptions = opts.directExpressions === false ? { direct: false } : {}
  const reads = new Set<string>()
  const rules = compileRules(config.fields, ['fields'], opts.targetSchema?.fields, base, problems, reads)
  // Write-back fields are read too, so a write-back that would change nothing is skipped (no echo loop).
  const { statusValues: _values, ...writeBack } = config.writeBack ?? { statusValues: undefined }
  for (const field of Object.values(writeBack)) reads.add(field)
  for (const c of config.cascade ?? []) reads.add(c.from)

  const lines: CompiledLine[] = []
  const sourceLists: { path: string; fields: string[] }[] = []
  for (const [name, line] of Object.entries(config.lines ?? {})) {
    const lineReads = new Set<string>()
    const lineFields = opts.targetSchema?.fields[name]?.lineFields
    const lineRules = compileRules(line.fields, ['lines', name, 'fields'], lineFields, base, problems, lineReads)
    let when: CompiledExpression | undefined
    if (line.when) {
      const compiled = compileExpression(line.when, expressionOptions)
      if (compiled.ok) {
        when = compiled.expression
        for (const r of compiled.expression.reads) lineReads.add(r)
      } else problems.push({ path: ['lines', name, 'when'], message: compiled.message })
    }
    const rules = lineRules.map((slot) => ({ ...slot, names: [] }))
    lines.push({ name, read: compilePath(line.from), ...(when ? { when } : {}), rules })
    sourceLists.push({ path: line.from, fields: [...lineReads] })
  }

  let when: CompiledExpression | undefined
  if (config.source.when) {
    const compiled = compileExpression(config.source.when, expressionOptions)
    if (compiled.ok) {
      when = compiled.expression
      for (const r of compiled.expression.reads) reads.add(r)
    } else problems.push({ path: ['source', 'when'], message: compiled.message })
  }
  if (problems.length > 0) return { ok: false, problems }

  // A list is fetched whole by its own query; its path is not a field of the record.
  const listPaths = new Set(sourceLists.map((l) => l.path))
  const sourceFields = [...reads].filter((r) => !listPaths.has(r.split('.')[0] ?? r))
  const matchKey = config.target.externalId

  return {
    ok: true,
    mapping: {
      flow: config.flow,
      sourceFields,
      sourceLists,
      async accepts(record) {
        return when ? condition(when, record, 'source.when') : true
      },
      map(sourceId, record, env) {
        const payload: Record<string, unknown> = {}
        if (matchKey !== undefined) payload[matchKey] = sourceId
        return mapRecord(rules, lines, payload, record, env)
      },
    },
  }
}
