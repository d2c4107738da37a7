import { compileStep, type Step, type StepOptions } from './compile-step.ts'
import { compileExpression } from './expression.ts'
import type { FieldRule } from './field-rule-schema.ts'
import { PendingLookup, PendingRead, PendingRef, type RuleEnv, settleValue } from './map-env.ts'
import { MappingError, type MappingProblem } from './mapping-error.ts'
import { compilePath, isEmptyValue, type SourceData } from './source-path.ts'
import { concat } from './transforms/text.ts'

export type { MapEnv, RuleEnv } from './map-env.ts'

/**
 * One field's rule. It returns the value; a PendingValue when only a reference or a lookup (the engine's
 * I/O) is left, which touches nothing else, so the mapping resolves it alongside the others; or a
 * PendingRead. A record whose rules do no I/O is mapped without any wait.
 */
export type CompiledRule = (record: SourceData, field: string, env: RuleEnv) => unknown

export interface RuleOptions extends StepOptions {
  /** `false` evaluates every expression with JSONata, never directly (see direct-expression.ts). */
  directExpressions?: boolean
}

export interface RuleCompileResult {
  rule?: CompiledRule
  /** Source paths the rule reads, so the connector fetches them. */
  reads: string[]
  problems: MappingProblem[]
}

function expressionFailed(field: string, err: unknown): MappingError {
  return new MappingError('MAPPING_EXPRESSION', field, `expression failed: ${(err as Error).message}`)
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value))
}

/**
 * Compiles one field rule to a function: read (`from`, `value`, `expr`, `concat`) → `default` when empty →
 * `transform` steps → `map` → `ref`. `path` locates problems in the file (`fields.terms`).
 */
export function compileRule(rule: FieldRule, path: (string | number)[], opts: RuleOptions): RuleCompileResult {
  const problems: MappingProblem[] = []
  const reads: string[] = []

  // A read gives the value, or a promise of it while JSONata evaluates an expression.
  let read: (record: SourceData) => unknown
  if (rule.from !== undefined) {
    reads.push(rule.from)
    read = compilePath(rule.from)
  } else if (rule.concat !== undefined) {
    const { from, separator } = rule.concat
    reads.push(...from)
    const readers = from.map((p) => compilePath(p))
    read = (record) =>
      concat(
        readers.map((r) => r(record)),
        separator,
      )
  } else if (rule.expr !== undefined) {
    const compiled = compileExpression(rule.expr, opts.directExpressions === false ? { direct: false } : {})
    if (!compiled.ok) {
      problems.push({ path: [...path, 'expr'], message: compiled.message })
      return { reads, problems }
    }
    const { expression } = compiled
    reads.push(...expression.reads)
    read = expression.evaluate
  } else if (rule.lookup !== undefined) {
    const { object, where, field: take, missing } = rule.lookup
    const conditions = Object.entries(where).map(([k, v]) => {
      if (typeof v !== 'object') return { key: k, value: v }
      reads.push(v.from)
      return { key: k, read: compilePath(v.from) }
    })
    const lookup: CompiledRule = (record, field, env) => {
      const values: Record<string, unknown> = {}
      for (const c of conditions) {
        const value = c.read ? c.read(record) : c.value
        // A condition on an empty source value matches nothing: no value rather than an arbitrary record.
        if (isEmptyValue(value)) return null
        values[c.key] = value
      }
      return new PendingLookup(env, object, values, take, field, missing)
    }
    return { rule: lookup, reads, problems }
  } else {
    const constant = rule.value
    return { rule: () => constant, reads, problems }
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

  // Everything after the read; synchronous up to the reference, which is left pending.
  const finish = (read: unknown, record: SourceData, field: string, env: RuleEnv): unknown => {
    let value = read
    if (isEmptyValue(value)) {
      if (hasDefault) value = fallback
      else if (value === undefined || value === '') value = null
    }
    if (steps.length > 0) {
      const ctx = env.stepContext(field, record)
      for (const step of steps) value = step(value, ctx)
    }
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
    if (ref && value !== null && value !== undefined)
      return new PendingRef(env, ref.flow, String(value), field, ref.missing)
    return value
  }

  const compiledRule: CompiledRule = (record, field, env) => {
    let value: unknown
    try {
      value = read(record)
    } catch (err) {
      throw expressionFailed(field, err)
    }
    // Values are mostly primitives: the typeof test spares them the prototype walk of instanceof.
    if (typeof value !== 'object' || value === null || !(value instanceof Promise))
      return finish(value, record, field, env)
    // Awaited in place by the mapping, so a reference after it is resolved here rather than alongside.
    return new PendingRead(
      value.then(
        (v) => settleValue(finish(v, record, field, env), env),
        (err) => {
          throw expressionFailed(field, err)
        },
      ),
    )
  }
  // The commonest rule, a plain copy (`{ from: Name }`): after the read, only a missing value becomes null.
  if (rule.from !== undefined && steps.length === 0 && !hasDefault && !table && !ref) {
    const copy: CompiledRule = (record, field, env) => {
      let value: unknown
      try {
        value = read(record)
      } catch (err) {
        throw expressionFailed(field, err)
      }
      if (typeof value === 'object' && value instanceof Promise) return compiledRule(record, field, env)
      return value === undefined || value === '' ? null : value
    }
    return { rule: copy, reads, problems }
  }
  return { rule: compiledRule, reads, problems }
}
