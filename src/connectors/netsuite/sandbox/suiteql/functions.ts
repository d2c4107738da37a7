import { fromWall, toWall } from '../account-time.ts'
import { formatWall, parseWall } from './format-model.ts'
import { SuiteQlError } from './suiteql-error.ts'
import { type EvalContext, type SqlValue, toNumber } from './values.ts'

/**
 * SQL functions the simulator knows. TO_CHAR / TO_TIMESTAMP / TO_DATE work in the account's time zone,
 * which is why SuiteQL watermarks are local time (reference §5). BUILTIN.DF needs column metadata and
 * lives in the evaluator.
 */

interface SqlFunction {
  min: number
  max: number
  call(args: SqlValue[], ctx: EvalContext): SqlValue
}

/** Default model when TO_CHAR/TO_DATE get none: the account's date format. */
const userDateModel = 'MM/DD/YYYY'

function text(value: SqlValue): string | null {
  if (value === null) return null
  if (value instanceof Date) throw new SuiteQlError('Inconsistent datatypes: expected CHAR got DATE')
  return String(value)
}

function parseInstant(args: SqlValue[], ctx: EvalContext): SqlValue {
  const [value, model] = args
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value
  const wall = parseWall(String(value), model === undefined || model === null ? userDateModel : String(model))
  return new Date(fromWall(wall, ctx.timeZone))
}

export const sqlFunctions: Record<string, SqlFunction> = {
  to_char: {
    min: 1,
    max: 2,
    call([value, model], ctx) {
      if (value === null || value === undefined) return null
      if (value instanceof Date) {
        return formatWall(
          toWall(value.getTime(), ctx.timeZone),
          model === undefined || model === null ? userDateModel : String(model),
        )
      }
      return String(value)
    },
  },
  to_timestamp: { min: 1, max: 2, call: parseInstant },
  to_date: { min: 1, max: 2, call: parseInstant },
  to_number: {
    min: 1,
    max: 1,
    call: ([v]) => (v === null || v === undefined ? null : toNumber(text(v)!, 'TO_NUMBER')),
  },
  upper: { min: 1, max: 1, call: ([v]) => text(v ?? null)?.toUpperCase() ?? null },
  lower: { min: 1, max: 1, call: ([v]) => text(v ?? null)?.toLowerCase() ?? null },
  length: { min: 1, max: 1, call: ([v]) => text(v ?? null)?.length ?? null },
  abs: { min: 1, max: 1, call: ([v]) => (v === null || v === undefined ? null : Math.abs(toNumber(text(v)!, 'ABS'))) },
  nvl: { min: 2, max: 2, call: ([a, b]) => a ?? b ?? null },
  coalesce: { min: 1, max: 64, call: (args) => args.find((a) => a !== null) ?? null },
  // Pseudo-columns Oracle writes without parentheses; the evaluator calls them when no column matches.
  sysdate: { min: 0, max: 0, call: (_args, ctx) => new Date(Math.floor(ctx.now / 1000) * 1000) },
  current_date: { min: 0, max: 0, call: (_args, ctx) => new Date(Math.floor(ctx.now / 1000) * 1000) },
  current_timestamp: { min: 0, max: 0, call: (_args, ctx) => new Date(ctx.now) },
}
