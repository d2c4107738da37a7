import { SfApiError } from '../api-error.ts'
import { normalizeId } from '../ids.ts'
import type { FieldDescribe } from '../schema.ts'
import type { CompareOp, Literal } from './ast.ts'
import { dateLiteralRange } from './date-literals.ts'
import { pointAt } from './tokenize.ts'

/**
 * A literal converted to the field's stored representation (ids canonical, datetimes as instants), or
 * the range of instants a date literal such as TODAY covers.
 */
export type Operand =
  | { kind: 'value'; value: unknown; pattern?: RegExp }
  | { kind: 'range'; from: number; to: number; asDate: boolean }

/**
 * Checks a literal against the field's type the way SOQL does (a quoted number or an unquoted text is an
 * INVALID_FIELD error, a malformed id an INVALID_QUERY_FILTER_OPERATOR) and converts it.
 */
export function operandFor(
  field: FieldDescribe,
  lit: Literal,
  op: CompareOp,
  ctx: { soql: string; pos: number; now: number },
): Operand {
  const typeError = (expected: string, quoted = false) =>
    new SfApiError(
      400,
      'INVALID_FIELD',
      pointAt(
        ctx.soql,
        ctx.pos,
        `value of filter criterion for field '${field.name}' must be of type ${expected} and should ${quoted ? '' : 'not '}be enclosed in quotes`,
      ),
    )
  if (lit.kind === 'null') return { kind: 'value', value: null }
  switch (field.type) {
    case 'datetime':
      if (lit.kind === 'datetime') return { kind: 'value', value: lit.ms }
      if (lit.kind === 'dateLiteral')
        return { kind: 'range', ...dateLiteralRange(lit.name, lit.n, ctx.now), asDate: false }
      throw typeError('dateTime')
    case 'date':
      if (lit.kind === 'date') return { kind: 'value', value: lit.value }
      if (lit.kind === 'dateLiteral')
        return { kind: 'range', ...dateLiteralRange(lit.name, lit.n, ctx.now), asDate: true }
      throw typeError('date')
    case 'double':
    case 'currency':
    case 'percent':
    case 'int':
      if (lit.kind === 'number') return { kind: 'value', value: lit.value }
      throw typeError(field.type === 'int' ? 'integer' : 'double')
    case 'boolean':
      if (lit.kind === 'boolean') return { kind: 'value', value: lit.value }
      throw typeError('boolean')
    case 'id':
    case 'reference': {
      if (lit.kind !== 'string') throw typeError('id', true)
      if (op === 'like') return { kind: 'value', value: lit.value, pattern: likeToRegExp(lit.pattern) }
      const id = normalizeId(lit.value)
      if (!id) {
        throw new SfApiError(
          400,
          'INVALID_QUERY_FILTER_OPERATOR',
          pointAt(ctx.soql, ctx.pos, `invalid ID field: ${lit.value}`),
        )
      }
      return { kind: 'value', value: id }
    }
    default:
      if (lit.kind !== 'string') throw typeError('string', true)
      return op === 'like'
        ? { kind: 'value', value: lit.value, pattern: likeToRegExp(lit.pattern) }
        : { kind: 'value', value: lit.value }
  }
}

/**
 * Whether a stored value satisfies `op operand`. SOQL differs from SQL on nulls: `= null` matches nulls,
 * and `!=` / `NOT IN` keep the records whose field is null.
 */
export function matchesOperand(actual: unknown, op: CompareOp, operand: Operand): boolean {
  if (operand.kind === 'range') return matchesRange(asInstant(actual, operand.asDate), op, operand)
  const want = operand.value
  if (op === '=') return want === null ? actual === null : actual !== null && compareScalars(actual, want) === 0
  if (op === '!=') return want === null ? actual !== null : actual === null || compareScalars(actual, want) !== 0
  if (actual === null || want === null) return false
  if (op === 'like') return typeof actual === 'string' && operand.pattern !== undefined && operand.pattern.test(actual)
  const c = compareScalars(actual, want)
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0
}

function matchesRange(t: number | null, op: CompareOp, r: { from: number; to: number }): boolean {
  if (t === null) return op === '!='
  switch (op) {
    case '=':
      return t >= r.from && t < r.to
    case '!=':
      return t < r.from || t >= r.to
    case '<':
      return t < r.from
    case '<=':
      return t < r.to
    case '>':
      return t >= r.to
    case '>=':
      return t >= r.from
    default:
      return false
  }
}

function asInstant(v: unknown, asDate: boolean): number | null {
  if (asDate && typeof v === 'string') return Date.parse(`${v}T00:00:00Z`)
  return typeof v === 'number' ? v : null
}

/** Orders two non-null values: text case-insensitively (SOQL compares and sorts text that way), else by value. */
export function compareScalars(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toLowerCase()
    const y = b.toLowerCase()
    return x < y ? -1 : x > y ? 1 : 0
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1
  const x = Number(a)
  const y = Number(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/** LIKE: `%` any run, `_` one character, `\%` and `\_` themselves; case-insensitive. */
export function likeToRegExp(pattern: string): RegExp {
  let body = ''
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string
    if (ch === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) {
      body += pattern[++i]
    } else if (ch === '%') body += '.*'
    else if (ch === '_') body += '.'
    else body += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${body}$`, 'is')
}
