import type { ObjectSchema } from '../connectors/types.ts'
import { type CompiledRule, compileRule, type MapEnv } from './compile-rule.ts'
import type { StepOptions } from './compile-step.ts'
import { type CompiledExpression, compileExpression } from './expression.ts'
import type { FieldRule } from './field-rule-schema.ts'
import { MappingError, type MappingProblem, type MappingWarning } from './mapping-error.ts'
import type { MappingConfig } from './mapping-schema.ts'
import { getPath, listRows, type SourceData } from './source-path.ts'

export type { MapEnv } from './compile-rule.ts'

export interface CompileOptions {
  /** The target object's schema: field lengths for `truncate`. */
  targetSchema?: ObjectSchema
  /** The zone the target keeps dates in; date steps default to it. */
  defaultZone?: string
  /** Country assumed for phone numbers without `+`. */
  defaultCountry?: string
}

export interface MapResult {
  payload: Record<string, unknown>
  warnings: MappingWarning[]
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

async function condition(expression: CompiledExpression, record: SourceData, where: string): Promise<boolean> {
  try {
    return Boolean(await expression.evaluate(record))
  } catch (err) {
    throw new MappingError('MAPPING_EXPRESSION', where, `condition failed: ${(err as Error).message}`)
  }
}

export type CompileResult = { ok: true; mapping: CompiledMapping } | { ok: false; problems: MappingProblem[] }

interface CompiledLine {
  name: string
  from: string
  when?: CompiledExpression
  rules: [string, CompiledRule][]
}

function compileRules(
  fields: Record<string, FieldRule>,
  path: (string | number)[],
  schemaFields: ObjectSchema['fields'] | undefined,
  base: Omit<StepOptions, 'targetLength'>,
  problems: MappingProblem[],
  reads: Set<string>,
): [string, CompiledRule][] {
  const out: [string, CompiledRule][] = []
  for (const [target, rule] of Object.entries(fields)) {
    const length = schemaFields?.[target]?.length
    const result = compileRule(rule, [...path, target], { ...base, ...(length ? { targetLength: length } : {}) })
    problems.push(...result.problems)
    for (const r of result.reads) reads.add(r)
    if (result.rule) out.push([target, result.rule])
  }
  return out
}

/**
 * Compiles a validated mapping once into plain functions; nothing is interpreted per record. Every problem
 * (a JSONata syntax error, a `truncate` with no known length) is returned with its path in the file.
 */
export function compileMapping(config: MappingConfig, opts: CompileOptions = {}): CompileResult {
  const problems: MappingProblem[] = []
  const base = { defaultZone: opts.defaultZone ?? 'UTC', defaultCountry: opts.defaultCountry ?? 'US' }
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
      const compiled = compileExpression(line.when)
      if (compiled.ok) {
        when = compiled.expression
        for (const r of compiled.expression.reads) lineReads.add(r)
      } else problems.push({ path: ['lines', name, 'when'], message: compiled.message })
    }
    lines.push({ name, from: line.from, ...(when ? { when } : {}), rules: lineRules })
    sourceLists.push({ path: line.from, fields: [...lineReads] })
  }

  let when: CompiledExpression | undefined
  if (config.source.when) {
    const compiled = compileExpression(config.source.when)
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
      async map(sourceId, record, env) {
        const warnings: MappingWarning[] = []
        const ruleEnv: MapEnv = {
          ...env,
          warn: (field, message) => {
            warnings.push({ field, message })
            env.warn(field, message)
          },
        }
        const payload: Record<string, unknown> = matchKey === undefined ? {} : { [matchKey]: sourceId }
        for (const [target, rule] of rules) payload[target] = await rule(record, target, ruleEnv)
        for (const line of lines) {
          const out: Record<string, unknown>[] = []
          for (const row of listRows(getPath(record, line.from))) {
            if (line.when && !(await condition(line.when, row, `lines.${line.name}.when`))) continue
            const mapped: Record<string, unknown> = {}
            const at = `${line.name}[${out.length}]`
            for (const [target, rule] of line.rules) mapped[target] = await rule(row, `${at}.${target}`, ruleEnv)
            out.push(mapped)
          }
          payload[line.name] = out
        }
        return { payload, warnings }
      },
    },
  }
}
