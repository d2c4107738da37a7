import { SfApiError } from '../api-error.ts'
import { parseDatetime } from '../datetime.ts'
import type { CompareOp, Condition, FieldRef, Literal, OrderItem, Query, SelectItem } from './ast.ts'
import { dateLiterals, dateLiteralsWithN } from './date-literals.ts'
import { malformed, type Token, tokenize } from './tokenize.ts'

/** Words that cannot name a field (SOQL "Reserved Characters and Keywords", the ones this subset reads). */
const reserved = new Set([
  'AND',
  'ASC',
  'DESC',
  'FIRST',
  'FROM',
  'GROUP',
  'HAVING',
  'IN',
  'LAST',
  'LIKE',
  'LIMIT',
  'NOT',
  'NULL',
  'NULLS',
  'OFFSET',
  'OR',
  'ORDER',
  'SELECT',
  'WHERE',
  'WITH',
])

/** SOQL refuses OFFSET beyond 2,000 ("OFFSET" in the SOQL reference). */
const maxOffset = 2_000

/**
 * Parses SOQL by recursive descent into a Query. Syntax errors answer MALFORMED_QUERY pointing at the
 * offending token. As on the platform, AND and OR cannot be mixed at one level without parentheses, and
 * NOT may only open a condition (the start of WHERE or of a parenthesised group).
 */
export function parseSoql(soql: string): Query {
  const tokens = tokenize(soql)
  let i = 0

  const peek = (ahead = 0): Token => tokens[Math.min(i + ahead, tokens.length - 1)] as Token
  const next = (): Token => tokens[i++] as Token
  const isKeyword = (word: string, t: Token = peek()) => t.kind === 'ident' && t.text.toUpperCase() === word
  const isPunct = (p: string, t: Token = peek()) => t.kind === 'punct' && t.text === p
  const fail = (t: Token = peek()) =>
    malformed(soql, t.pos, `unexpected token: ${t.kind === 'string' ? `'${t.text}'` : t.text}`)
  const accept = (word: string): boolean => {
    if (!isKeyword(word)) return false
    i++
    return true
  }
  const expectKeyword = (word: string) => {
    if (!isKeyword(word)) throw fail()
    i++
  }
  const expectPunct = (p: string) => {
    if (!isPunct(p)) throw fail()
    i++
  }
  const commaList = <T>(item: () => T): T[] => {
    const items = [item()]
    while (isPunct(',')) {
      i++
      items.push(item())
    }
    return items
  }

  function fieldRef(): FieldRef {
    const t = peek()
    if (t.kind !== 'ident' || reserved.has(t.text.toUpperCase())) throw fail()
    i++
    return { path: t.text.split('.'), pos: t.pos }
  }

  function integer(): number {
    const t = peek()
    if (t.kind !== 'number' || !/^\d+$/.test(t.text)) throw fail()
    i++
    return Number(t.text)
  }

  function query(nested: boolean): Query {
    expectKeyword('SELECT')
    let select: SelectItem[] = []
    const count = isKeyword('COUNT') && isPunct('(', peek(1)) && isPunct(')', peek(2))
    if (count) i += 3
    else select = commaList(() => selectItem(nested))
    expectKeyword('FROM')
    const fromToken = peek()
    if (fromToken.kind !== 'ident' || fromToken.text.includes('.') || reserved.has(fromToken.text.toUpperCase())) {
      throw fail()
    }
    i++
    const where = accept('WHERE') ? condition() : null
    let orderBy: OrderItem[] = []
    if (accept('ORDER')) {
      expectKeyword('BY')
      orderBy = commaList(orderItem)
    }
    const limit = accept('LIMIT') ? integer() : null
    let offset: number | null = null
    if (accept('OFFSET')) {
      offset = integer()
      if (offset > maxOffset) {
        throw new SfApiError(400, 'NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is ${maxOffset}`, [])
      }
    }
    return { select, count, from: { name: fromToken.text, pos: fromToken.pos }, where, orderBy, limit, offset }
  }

  function selectItem(nested: boolean): SelectItem {
    const t = peek()
    if (!isPunct('(')) return { kind: 'field', ...fieldRef() }
    if (nested) throw fail()
    i++
    const sub = query(true)
    expectPunct(')')
    return { kind: 'subquery', query: sub, pos: t.pos }
  }

  function orderItem(): OrderItem {
    const ref = fieldRef()
    let direction: OrderItem['direction'] = 'asc'
    if (accept('DESC')) direction = 'desc'
    else accept('ASC')
    // Salesforce puts nulls first in ascending order and last in descending order unless told otherwise.
    let nulls: OrderItem['nulls'] = direction === 'asc' ? 'first' : 'last'
    if (accept('NULLS')) {
      if (accept('FIRST')) nulls = 'first'
      else if (accept('LAST')) nulls = 'last'
      else throw fail()
    }
    return { ...ref, direction, nulls }
  }

  /** `[NOT] term (AND term)*` or `[NOT] term (OR term)*`; switching operator without parentheses is an error. */
  function condition(): Condition {
    const first = accept('NOT') ? ({ kind: 'not', item: term() } as const) : term()
    const joiner = isKeyword('AND') ? 'AND' : isKeyword('OR') ? 'OR' : null
    if (!joiner) return first
    const items: Condition[] = [first]
    while (accept(joiner)) items.push(term())
    if (isKeyword('AND') || isKeyword('OR')) throw fail()
    return { kind: joiner === 'AND' ? 'and' : 'or', items }
  }

  function term(): Condition {
    if (!isPunct('(')) return fieldExpression()
    i++
    const inner = condition()
    expectPunct(')')
    return inner
  }

  function fieldExpression(): Condition {
    const ref = fieldRef()
    if (isKeyword('IN') || (isKeyword('NOT') && isKeyword('IN', peek(1)))) {
      const negated = accept('NOT')
      i++
      expectPunct('(')
      const values = commaList(literal)
      expectPunct(')')
      return { kind: 'in', ...ref, negated, values }
    }
    const t = peek()
    let op: CompareOp
    if (t.kind === 'op') op = t.text as CompareOp
    else if (isKeyword('LIKE')) op = 'like'
    else throw fail()
    i++
    const value = literal()
    if (op === 'like' && value.kind !== 'string') throw fail(tokens[i - 1])
    return { kind: 'compare', ...ref, op, value }
  }

  function literal(): Literal {
    const t = next()
    switch (t.kind) {
      case 'string':
        return { kind: 'string', value: t.text.replace(/\\([%_])/g, '$1'), pattern: t.text }
      case 'number':
        return { kind: 'number', value: Number(t.text) }
      case 'date':
        return { kind: 'date', value: t.text }
      case 'datetime': {
        const ms = parseDatetime(t.text)
        if (Number.isNaN(ms))
          throw malformed(soql, t.pos, `line 1:${t.pos} no viable alternative at character '${t.text}'`)
        return { kind: 'datetime', ms }
      }
      case 'ident': {
        const word = t.text.toUpperCase()
        if (word === 'NULL') return { kind: 'null' }
        if (word === 'TRUE' || word === 'FALSE') return { kind: 'boolean', value: word === 'TRUE' }
        if (dateLiterals.has(word)) return { kind: 'dateLiteral', name: word, n: null }
        if (dateLiteralsWithN.has(word)) {
          expectPunct(':')
          return { kind: 'dateLiteral', name: word, n: integer() }
        }
        throw fail(t)
      }
      default:
        throw fail(t)
    }
  }

  const parsed = query(false)
  if (peek().kind !== 'eof') throw fail()
  return parsed
}
