import { compileStep, type Step, type StepOptions } from './compile-step.ts'
import { compileExpression } from './expression.ts'
import type { FieldRule } from './field-rule-schema.ts'
import { MappingError, type MappingProblem, MissingReferenceError } from './mapping-error.ts'
import { getPath, isEmptyValue, type SourceData } from './source-path.ts'
import { concat } from './transforms/text.ts'

/** What a rule may call on while mapping one record; the engine provides it, the mapping stays pure. */
export interface MapEnv {
  /** Target id of a record synced by `flow`, or undefined when it is not synced yet. */
  resolveRef(flow: string, sourceId: string): Promise<string | undefined>
  /** How the target connection writes a reference to a record it holds (`"001…"` or `{ id: "42" }`). */
  referenceValue(targetId: string): unknown
  warn(field: string, message: string): void
  /** A field of the first target record of `object` whose fields equal `where`; undefined when none does. */
  lookup(object: string, where: Readonly<Record<string, unknown>>, field: string): Promise<unknown>
}

export type CompiledRule = (record: SourceData, field: string, env: MapEnv) => Promise<unknown>

export interface RuleCompileResult {
  rule?: CompiledRule
  /** Source paths the rule reads, so the connector fetches them. */
  reads: string[]
  problems: MappingProblem[]
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value))
}

/**
 * Compiles one field rule to a function: read (`from`, `value`, `expr`, `concat`) → `default` when empty →
 * `transform` steps → `map` → `ref`. `path` locates problems in the file (`fields.terms`).
 */
export function compileRule(rule: FieldRule, path: (string | number)[], opts: StepOptions): RuleCompileResult {
  const problems: MappingProblem[] = []
  const reads: string[] = []

  let read: (record: SourceData) => unknown | Promise<unknown>
  if (rule.from !== undefined) {
    const from = rule.from
    reads.push(from)
    read = (record) => getPath(record, from)
  } else if (rule.concat !== undefined) {
    const { from, separator } = rule.concat
    reads.push(...from)
    read = (record) =>
      concat(
        from.map((p) => getPath(record, p)),
        separator,
      )
  } else if (rule.expr !== undefined) {
    const compiled = compileExpression(rule.expr)
    if (!compiled.ok) {
      problems.push({ path: [...path, 'expr'], message: compiled.message })
      return { reads, problems }
    }
    const { expression } = compiled
    reads.push(...expression.reads)
    read = (record) => expression.evaluate(record)
  } else if (rule.lookup !== undefined) {
    const { object, where, field: take, missing } = rule.lookup
    const conditions = Object.entries(where)
    for (const [, v] of conditions) if (typeof v === 'object') reads.push(v.from)
    const lookup: CompiledRule = async (record, field, env) => {
      const values: Record<string, unknown> = {}
      for (const [k, v] of conditions) values[k] = typeof v === 'object' ? getPath(record, v.from) : v
      // A condition on an empty source value matches nothing: no value rather than an arbitrary record.
      if (Object.values(values).some(isEmptyValue)) return null
      const found = await env.lookup(object, values, take)
      // The record's id names a record of the target: written the way the target writes references.
      if (found !== undefined) return take === 'id' && found !== null ? env.referenceValue(String(found)) : found
      if (missing === 'null') return null
      throw new MappingError('MAPPING_INVALID_VALUE', field, `no ${object} record has ${JSON.stringify(values)}`)
    }
    return { rule: lookup, reads, problems }
  } else {
    const constant = rule.value
    return { rule: async () => constant, reads, problems }
  }

  const steps: Step[] = []
  for (const [i, step] of (rule.transform ?? []).entries()) {
    // A money step reads the record's currency too; the connector must fetch it.
    if (typeof step === 'object' && 'money' in step && step.money.currencyFrom) reads.push(step.money.currencyFrom)
    const compiled = compileStep(step, opts)
    if (typeof compiled === 'function') steps.push(compiled)
    else problems.push({ path: [...path, 'transform', i], message: compiled.problem })
  }
  if (problems.length > 0) return { reads, problems }

  const hasDefault = 'default' in rule
  const fallback = rule.default
  const table = rule.map ? new Map(Object.entries(rule.map)) : undefined
  const otherwise = rule.otherwise ?? 'fail'
  const ref =
    rule.ref === undefined
      ? undefined
      : typeof rule.ref === 'string'
        ? { flow: rule.ref, missing: 'sync-first' as const }
        : rule.ref

  const compiledRule: CompiledRule = async (record, field, env) => {
    let value: unknown
    try {
      value = await read(record)
    } catch (err) {
      throw new MappingError('MAPPING_EXPRESSION', field, `expression failed: ${(err as Error).message}`)
    }
    if (isEmptyValue(value)) {
      if (hasDefault) value = fallback
      else if (value === undefined || value === '') value = null
    }
    const ctx = { field, record, warn: (message: string) => env.warn(field, message) }
    for (const step of steps) value = step(value, ctx)
    if (table && value !== null && value !== undefined) {
      const key = String(value)
      if (table.has(key)) value = table.get(key)
      else if (otherwise === 'fail') {
        const known = [...table.keys()].map(show).join(', ')
        throw new MappingError(
          'MAPPING_UNMAPPED_VALUE',
          field,
          `${show(value)} is not in the value map (${known}) and there is no otherwise`,
        )
      } else if (otherwise !== 'keep') value = otherwise.value
    }
    if (ref && value !== null && value !== undefined) {
      const sourceId = String(value)
      const targetId = await env.resolveRef(ref.flow, sourceId)
      if (targetId !== undefined) return env.referenceValue(targetId)
      if (ref.missing === 'null') return null
      throw new MissingReferenceError(field, { flow: ref.flow, sourceId }, ref.missing)
    }
    return value
  }
  return { rule: compiledRule, reads, problems }
}
