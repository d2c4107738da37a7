import { toWall } from './account-time.ts'
import { invalidParameter } from './ns-error.ts'
import { type FieldDef, fieldValue, isRef, type RecordTypeDef, type StoredRecord } from './record-types/record-type.ts'

/**
 * The record service's `q` filter (reference §4): `field OP value` joined by AND/OR (AND binds tighter),
 * parentheses, quoted values, `[a, b]` lists for BETWEEN/WITHIN/ANY_OF, and a `_NOT` form of every
 * operator. String operators ignore case, as NetSuite searches do; dates are `M/D/YYYY` in the account's
 * time zone and compare by day.
 */

type Operand = string | string[] | null
type Filter =
  | { kind: 'and' | 'or'; left: Filter; right: Filter }
  | { kind: 'cond'; field: string; op: string; negate: boolean; value: Operand }

const operators = new Set([
  'IS',
  'CONTAIN',
  'START_WITH',
  'END_WITH',
  'EQUAL',
  'GREATER',
  'GREATER_OR_EQUAL',
  'LESS',
  'LESS_OR_EQUAL',
  'BETWEEN',
  'WITHIN',
  'ANY_OF',
  'AFTER',
  'BEFORE',
  'ON',
  'ON_OR_AFTER',
  'ON_OR_BEFORE',
  'EMPTY',
])

function fail(message: string): never {
  throw invalidParameter('q', `Invalid query: ${message}`)
}

function tokenize(q: string): string[] {
  const tokens: string[] = []
  const pattern = /\s*(?:("(?:[^"\\]|\\.)*")|([()[\],])|([^\s()[\],"]+))/y
  let pos = 0
  while (pos < q.length) {
    if (/^\s*$/.test(q.slice(pos))) break
    pattern.lastIndex = pos
    const m = pattern.exec(q)
    if (!m) fail(`unexpected character at ${pos}`)
    tokens.push(m[1] ?? m[2] ?? m[3]!)
    pos = pattern.lastIndex
  }
  return tokens
}

function unquote(token: string): string {
  return token.startsWith('"') ? token.slice(1, -1).replace(/\\(.)/g, '$1') : token
}

/** Parses a `q` expression; errors are 400 INVALID_PARAMETER naming `q`. */
export function parseListFilter(q: string): Filter {
  const tokens = tokenize(q)
  let i = 0
  const peek = () => tokens[i]
  const next = () => tokens[i++] ?? fail('unexpected end of the filter')

  function value(): Operand {
    if (peek() !== '[') return unquote(next())
    next()
    const list: string[] = []
    while (peek() !== ']') {
      list.push(unquote(next()))
      if (peek() === ',') next()
      else if (peek() !== ']') fail(`expected , or ] but found ${peek() ?? 'the end'}`)
    }
    next()
    return list
  }
  function term(): Filter {
    if (peek() === '(') {
      next()
      const inner = or()
      if (next() !== ')') fail('missing )')
      return inner
    }
    const field = next()
    const raw = next().toUpperCase()
    const negate = raw.endsWith('_NOT')
    const op = negate ? raw.slice(0, -4) : raw
    if (!operators.has(op)) fail(`unknown operator ${raw}`)
    return { kind: 'cond', field, op, negate, value: op === 'EMPTY' ? null : value() }
  }
  function and(): Filter {
    let left = term()
    while (peek()?.toUpperCase() === 'AND') {
      next()
      left = { kind: 'and', left, right: term() }
    }
    return left
  }
  function or(): Filter {
    let left = and()
    while (peek()?.toUpperCase() === 'OR') {
      next()
      left = { kind: 'or', left, right: and() }
    }
    return left
  }
  const filter = or()
  if (i < tokens.length) fail(`unexpected ${tokens[i]}`)
  return filter
}

/** Local calendar day (wall ms at midnight) of `M/D/YYYY`. */
function parseDay(text: string): number {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text)
  if (!m) fail(`invalid date ${text}; use M/D/YYYY`)
  return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]))
}

function asList(value: Operand, n?: number): string[] {
  const list = Array.isArray(value) ? value : value === null ? [] : [value]
  if (n !== undefined && list.length !== n) fail(`expected ${n} values in [ ]`)
  return list
}

function asNumber(text: string): number {
  const n = Number(text)
  if (text.trim() === '' || !Number.isFinite(n)) fail(`invalid number ${text}`)
  return n
}

function test(cond: Extract<Filter, { kind: 'cond' }>, field: FieldDef | 'id', rec: StoredRecord, tz: string): boolean {
  const raw = field === 'id' ? rec.id : fieldValue(rec, field)
  const kind = field === 'id' ? 'integer' : field.kind
  const { op, value } = cond
  if (op === 'EMPTY') return raw === null || raw === undefined || raw === ''
  if (raw === null || raw === undefined) return false
  if (kind === 'enum') {
    // An enum compares by its id (`status ANY_OF [A, B]`, `orderStatus IS B`).
    const have = String(raw).toLowerCase()
    if (op === 'ANY_OF') return asList(value).some((v) => v.toLowerCase() === have)
    if (op === 'IS') return have === asList(value, 1)[0]!.toLowerCase()
  } else if (kind === 'text') {
    const have = String(raw).toLowerCase()
    const want = asList(value, 1)[0]!.toLowerCase()
    if (op === 'IS') return have === want
    if (op === 'CONTAIN') return have.includes(want)
    if (op === 'START_WITH') return have.startsWith(want)
    if (op === 'END_WITH') return have.endsWith(want)
  } else if (kind === 'boolean') {
    if (op === 'IS') return String(raw) === asList(value, 1)[0]!.toLowerCase()
  } else if (kind === 'ref' || kind === 'integer' || kind === 'float') {
    const have = kind === 'ref' && isRef(raw) ? Number(raw.id) : Number(raw)
    if (op === 'ANY_OF') return asList(value).map(asNumber).includes(have)
    if (op === 'BETWEEN' || op === 'WITHIN') {
      const [lo, hi] = asList(value, 2).map(asNumber) as [number, number]
      return have >= lo && have <= hi
    }
    const want = asNumber(asList(value, 1)[0]!)
    if (op === 'EQUAL' || op === 'IS') return have === want
    if (op === 'GREATER') return have > want
    if (op === 'GREATER_OR_EQUAL') return have >= want
    if (op === 'LESS') return have < want
    if (op === 'LESS_OR_EQUAL') return have <= want
  } else if ((kind === 'datetime' && typeof raw === 'number') || (kind === 'date' && typeof raw === 'string')) {
    // A date field is a calendar day already; a datetime falls on the day of the account's time zone.
    const day =
      typeof raw === 'string'
        ? Date.parse(`${raw}T00:00:00Z`)
        : Math.floor(toWall(raw as number, tz) / 86_400_000) * 86_400_000
    if (op === 'WITHIN') {
      const [lo, hi] = asList(value, 2).map(parseDay) as [number, number]
      return day >= lo && day <= hi
    }
    const want = parseDay(asList(value, 1)[0]!)
    if (op === 'ON') return day === want
    if (op === 'AFTER') return day > want
    if (op === 'BEFORE') return day < want
    if (op === 'ON_OR_AFTER') return day >= want
    if (op === 'ON_OR_BEFORE') return day <= want
  }
  return fail(`operator ${op} does not apply to ${cond.field}`)
}

/** A predicate over stored records of `def`; unknown fields fail at once, before any record is read. */
export function compileListFilter(
  filter: Filter,
  def: RecordTypeDef,
  timeZone: string,
): (rec: StoredRecord) => boolean {
  if (filter.kind !== 'cond') {
    const left = compileListFilter(filter.left, def, timeZone)
    const right = compileListFilter(filter.right, def, timeZone)
    return filter.kind === 'and' ? (r) => left(r) && right(r) : (r) => left(r) || right(r)
  }
  const lower = filter.field.toLowerCase()
  // Body fields only (reference §4): sublists and subrecords are not filterable.
  const field =
    lower === 'id'
      ? 'id'
      : def.fields.find((f) => f.name.toLowerCase() === lower && f.kind !== 'sublist' && f.kind !== 'subrecord')
  if (!field) fail(`unknown field ${filter.field}`)
  return (rec) => test(filter, field, rec, timeZone) !== filter.negate
}
