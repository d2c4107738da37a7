import type { CompareOp, Expr } from './ast.ts'
import { sqlFunctions } from './functions.ts'
import { SuiteQlError } from './suiteql-error.ts'
import type { ColumnDef, Row, SuiteQlTable } from './tables.ts'
import { compareValues, type EvalContext, type SqlValue, toNumber } from './values.ts'

/**
 * Compiles expressions to closures over the current rows. Names resolve at compile time, so an unknown
 * column fails even when no row is read, as NetSuite's does. Predicates use SQL's three-valued logic
 * (null = unknown).
 */

/** One table reference in scope; JOINs (issue 3/9) put several in a scope. */
export interface Source {
  alias: string
  table: SuiteQlTable
}

/** The current row of every source, by alias. */
export type RowSet = Readonly<Record<string, Row>>
export type ValueFn = (rs: RowSet) => SqlValue
export type PredicateFn = (rs: RowSet) => boolean | null

export interface ExpressionCompiler {
  value(expr: Expr): ValueFn
  predicate(expr: Expr): PredicateFn
  /** The column a name denotes, undefined when no source has it. */
  resolve(expr: Extract<Expr, { kind: 'column' }>): { source: Source; column: ColumnDef } | undefined
  /** `{alias=table, …}`, as NetSuite lists them in errors. */
  identifiers: string
}

export function createExpressionCompiler(
  sources: readonly Source[],
  params: readonly SqlValue[],
  ctx: EvalContext,
): ExpressionCompiler {
  const identifiers = `{${sources.map((s) => `${s.alias}=${s.table.name}`).join(', ')}}`

  function resolve(expr: Extract<Expr, { kind: 'column' }>): { source: Source; column: ColumnDef } | undefined {
    if (expr.qualifier) {
      const source = sources.find((s) => s.alias === expr.qualifier)
      if (!source) {
        throw new SuiteQlError(
          `Unknown identifier '${expr.qualifier}'. Available identifiers are: ${identifiers}.`,
          expr.pos,
        )
      }
      const column = source.table.column(expr.name)
      if (!column) {
        throw new SuiteQlError(
          `Field '${expr.name}' for record '${source.table.name}' was not found. Reason: NOT_EXPOSED - Not available for channel SEARCH`,
          expr.pos,
        )
      }
      return { source, column }
    }
    const found = sources.flatMap((source) => {
      const column = source.table.column(expr.name)
      return column ? [{ source, column }] : []
    })
    if (found.length > 1) throw new SuiteQlError(`Column ambiguously defined: '${expr.name}'.`, expr.pos)
    return found[0]
  }

  function value(expr: Expr): ValueFn {
    switch (expr.kind) {
      case 'literal':
        return () => expr.value
      case 'param':
        return () => params[expr.index] ?? null
      case 'column': {
        const hit = resolve(expr)
        if (hit) {
          const { alias } = hit.source
          const name = hit.column.name
          return (rs) => rs[alias]?.[name] ?? null
        }
        // SYSDATE and friends are written without parentheses.
        if (sqlFunctions[expr.name]?.max === 0)
          return call({ kind: 'call', name: expr.name, args: [], star: false, pos: expr.pos })
        throw new SuiteQlError(
          `Unknown identifier '${expr.name}'. Available identifiers are: ${identifiers}.`,
          expr.pos,
        )
      }
      case 'call':
        return call(expr)
      case 'negate': {
        const operand = value(expr.operand)
        return (rs) => {
          const v = operand(rs)
          return v === null ? null : -toNumber(v instanceof Date ? Number.NaN : v)
        }
      }
      case 'arith':
        return arithmetic(expr)
      default:
        throw new SuiteQlError('A condition is not allowed where a value is expected.', expr.pos)
    }
  }

  function call(expr: Extract<Expr, { kind: 'call' }>): ValueFn {
    if (expr.name === 'builtin.df') {
      const arg = expr.args[0]
      if (expr.args.length !== 1 || !arg) throw new SuiteQlError('BUILTIN.DF takes one argument.', expr.pos)
      const inner = value(arg)
      const hit = arg.kind === 'column' ? resolve(arg) : undefined
      const display = hit?.column.display
      const alias = hit?.source.alias
      return (rs) => {
        const v = inner(rs)
        if (v === null) return null
        return display ? display(v, alias ? rs[alias] : undefined) : v instanceof Date ? v : String(v)
      }
    }
    const fn = sqlFunctions[expr.name]
    if (!fn || expr.star)
      throw new SuiteQlError(`Invalid or unsupported function: ${expr.name.toUpperCase()}.`, expr.pos)
    if (expr.args.length < fn.min || expr.args.length > fn.max) {
      throw new SuiteQlError(`Invalid number of arguments for ${expr.name.toUpperCase()}.`, expr.pos)
    }
    const args = expr.args.map(value)
    return (rs) =>
      fn.call(
        args.map((a) => a(rs)),
        ctx,
      )
  }

  function arithmetic(expr: Extract<Expr, { kind: 'arith' }>): ValueFn {
    const left = value(expr.left)
    const right = value(expr.right)
    if (expr.op === '||') {
      // Oracle concatenation treats NULL as the empty string.
      return (rs) => {
        const text = [left(rs), right(rs)]
          .map((v) => (v === null ? '' : v instanceof Date ? String(v.getTime()) : String(v)))
          .join('')
        return text === '' ? null : text
      }
    }
    return (rs) => {
      const a = left(rs)
      const b = right(rs)
      if (a === null || b === null) return null
      if (a instanceof Date && !(b instanceof Date) && (expr.op === '+' || expr.op === '-')) {
        // Date arithmetic is in days.
        return new Date(a.getTime() + (expr.op === '+' ? 1 : -1) * toNumber(b) * 86_400_000)
      }
      if (a instanceof Date && b instanceof Date && expr.op === '-') return (a.getTime() - b.getTime()) / 86_400_000
      if (a instanceof Date || b instanceof Date)
        throw new SuiteQlError('Inconsistent datatypes in arithmetic.', expr.pos)
      const x = toNumber(a)
      const y = toNumber(b)
      if (expr.op === '+') return x + y
      if (expr.op === '-') return x - y
      if (expr.op === '*') return x * y
      if (y === 0) throw new SuiteQlError('Divisor is equal to zero.', expr.pos)
      return x / y
    }
  }

  function predicate(expr: Expr): PredicateFn {
    switch (expr.kind) {
      case 'logical': {
        const left = predicate(expr.left)
        const right = predicate(expr.right)
        if (expr.op === 'and') {
          return (rs) => {
            const a = left(rs)
            if (a === false) return false
            const b = right(rs)
            return b === false ? false : a === null || b === null ? null : true
          }
        }
        return (rs) => {
          const a = left(rs)
          if (a === true) return true
          const b = right(rs)
          return b === true ? true : a === null || b === null ? null : false
        }
      }
      case 'not': {
        const operand = predicate(expr.operand)
        return (rs) => {
          const v = operand(rs)
          return v === null ? null : !v
        }
      }
      case 'compare': {
        const left = value(expr.left)
        const right = value(expr.right)
        const test = comparators[expr.op]
        return (rs) => {
          const c = compareValues(left(rs), right(rs), ctx)
          return c === null ? null : test(c)
        }
      }
      case 'isNull': {
        const operand = value(expr.operand)
        return (rs) => (operand(rs) === null) !== expr.negated
      }
      case 'in': {
        const operand = value(expr.operand)
        const list = expr.list.map(value)
        return (rs) => {
          const v = operand(rs)
          let unknown = v === null
          for (const item of list) {
            const c = compareValues(v, item(rs), ctx)
            if (c === 0) return !expr.negated
            if (c === null) unknown = true
          }
          return unknown ? null : expr.negated
        }
      }
      case 'between': {
        const operand = value(expr.operand)
        const low = value(expr.low)
        const high = value(expr.high)
        return (rs) => {
          const v = operand(rs)
          const a = compareValues(v, low(rs), ctx)
          const b = compareValues(v, high(rs), ctx)
          if (a === null || b === null) return null
          return (a >= 0 && b <= 0) !== expr.negated
        }
      }
      case 'like': {
        const operand = value(expr.operand)
        const pattern = value(expr.pattern)
        return (rs) => {
          const v = operand(rs)
          const p = pattern(rs)
          if (v === null || p === null) return null
          return likeRegex(String(p)).test(v instanceof Date ? String(v.getTime()) : String(v)) !== expr.negated
        }
      }
      default:
        throw new SuiteQlError('Expected a condition.', expr.pos)
    }
  }

  return { value, predicate, resolve, identifiers }
}

const comparators: Record<CompareOp, (c: number) => boolean> = {
  '=': (c) => c === 0,
  '<>': (c) => c !== 0,
  '<': (c) => c < 0,
  '>': (c) => c > 0,
  '<=': (c) => c <= 0,
  '>=': (c) => c >= 0,
}

function likeRegex(pattern: string): RegExp {
  const body = [...pattern]
    .map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${body}$`, 's')
}
