import { fromWall, toWall, wallFields } from '../account-time.ts'
import { parseWall } from './format-model.ts'
import { SuiteQlError } from './suiteql-error.ts'

/**
 * SuiteQL runtime values and Oracle's comparison rules. Checkboxes are the strings 'T'/'F' (as SuiteQL
 * stores them), dates are instants, '' never occurs (Oracle reads it as NULL).
 */
export type SqlValue = string | number | Date | null

export interface EvalContext {
  /** The account's time zone: SuiteQL shows and parses datetimes as local time (reference §5). */
  timeZone: string
  /** Server clock, for SYSDATE. */
  now: number
}

export function toNumber(value: string | number, what = 'value'): number {
  if (typeof value === 'number') return value
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n)) throw new SuiteQlError(`Invalid number: '${value}' in ${what}`)
  return n
}

/** Implicit string-to-date conversion, in the formats NetSuite users type. */
export function toDate(value: string, ctx: EvalContext): Date {
  for (const model of ['YYYY-MM-DD HH24:MI:SS', 'MM/DD/YYYY HH:MI AM', 'MM/DD/YYYY']) {
    try {
      return new Date(fromWall(parseWall(value, model), ctx.timeZone))
    } catch {
      // Try the next format.
    }
  }
  throw new SuiteQlError(`Invalid date value '${value}'`)
}

/** Oracle comparison: numbers numerically, dates in time, a string converted to the other side's type. */
export function compareValues(a: SqlValue, b: SqlValue, ctx: EvalContext): number | null {
  if (a === null || b === null) return null
  if (a instanceof Date || b instanceof Date) {
    const x = a instanceof Date ? a.getTime() : typeof a === 'string' ? toDate(a, ctx).getTime() : Number.NaN
    const y = b instanceof Date ? b.getTime() : typeof b === 'string' ? toDate(b, ctx).getTime() : Number.NaN
    if (Number.isNaN(x) || Number.isNaN(y)) throw new SuiteQlError('Inconsistent datatypes: expected DATE got NUMBER')
    return Math.sign(x - y)
  }
  if (typeof a === 'number' || typeof b === 'number') return Math.sign(toNumber(a) - toNumber(b))
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * How a value travels in a SuiteQL row (reference §5): always a string; a datetime shown in the account's
 * time zone in the user's date format (`M/D/YYYY`, the time dropped), unless TO_CHAR formatted it.
 */
export function renderValue(value: Exclude<SqlValue, null>, ctx: EvalContext): string {
  if (value instanceof Date) {
    const f = wallFields(toWall(value.getTime(), ctx.timeZone))
    return `${f.month}/${f.day}/${f.year}`
  }
  return String(value)
}

/** A result row as the query service sends it: `links: []`, then the non-null columns as strings. */
export function renderRow(row: readonly (readonly [string, SqlValue])[], ctx: EvalContext): Record<string, unknown> {
  const item: Record<string, unknown> = { links: [] }
  for (const [key, value] of row) if (value !== null) item[key] = renderValue(value, ctx)
  return item
}
