import type { CompareOp, Expr, OrderItem, SelectItem, SelectQuery, TableRef } from './ast.ts'
import { SuiteQlError } from './suiteql-error.ts'
import { type Token, tokenize } from './tokenizer.ts'

/**
 * Recursive-descent parser for the SELECT subset SuiteQL clients use. Precedence, loosest first: OR, AND,
 * NOT, comparison / IN / BETWEEN / LIKE / IS NULL, `+ - ||`, `* /`, unary minus. Grammar:
 *
 *   query   := SELECT [DISTINCT] item {, item} FROM table {join} [WHERE expr] [ORDER BY order {, order}] [;]
 *   item    := * | name.* | expr [[AS] alias]          table := name [[AS] alias]
 *   join    := [INNER] JOIN table ON expr | LEFT [OUTER] JOIN table ON expr
 *   order   := expr [ASC|DESC] [NULLS FIRST|LAST]
 */

// Words that end an expression, so they are never read as a bare alias (`FROM customer WHERE …`).
const reserved = new Set(
  (
    'select from where and or not in is null between like order by asc desc as distinct nulls join on group ' +
    'having union case when then else end inner left right outer full cross fetch offset minus intersect'
  ).split(' '),
)

const compareOps: Record<string, CompareOp> = {
  '=': '=',
  '<>': '<>',
  '!=': '<>',
  '^=': '<>',
  '<': '<',
  '>': '>',
  '<=': '<=',
  '>=': '>=',
}

export function parseSuiteQl(sql: string): SelectQuery {
  const tokens = tokenize(sql)
  let i = 0
  let paramCount = 0

  const peek = (ahead = 0): Token => tokens[Math.min(i + ahead, tokens.length - 1)]!
  const advance = (): Token => {
    const t = peek()
    if (t.kind !== 'eof') i++
    return t
  }
  const isKeyword = (t: Token, word: string) => t.kind === 'ident' && !t.quoted && t.text === word
  const accept = (word: string): boolean => {
    if (!isKeyword(peek(), word)) return false
    i++
    return true
  }
  const unexpected = (t: Token): never => {
    throw new SuiteQlError(t.kind === 'eof' ? 'Unexpected end of query' : `Syntax error near '${t.text}'`, t.pos)
  }
  const expectKeyword = (word: string) => {
    if (!accept(word)) unexpected(peek())
  }
  const expectPunct = (p: string) => {
    const t = advance()
    if (t.kind !== 'punct' || t.text !== p) unexpected(t)
  }
  const isPunct = (p: string, t = peek()) => t.kind === 'punct' && t.text === p
  const name = (): string => {
    const t = advance()
    if (t.kind !== 'ident' || (!t.quoted && reserved.has(t.text))) unexpected(t)
    return t.text
  }
  /** An alias after an expression or table: `AS x`, or a bare non-reserved identifier. */
  const alias = (): string | undefined => {
    if (accept('as')) return name()
    const t = peek()
    if (t.kind === 'ident' && (t.quoted || !reserved.has(t.text))) return name()
    return undefined
  }

  function primary(): Expr {
    const t = peek()
    if (t.kind === 'number') {
      advance()
      return { kind: 'literal', value: t.value as number, pos: t.pos }
    }
    if (t.kind === 'string') {
      advance()
      // Oracle treats '' as NULL.
      return { kind: 'literal', value: t.value === '' ? null : (t.value as string), pos: t.pos }
    }
    if (t.kind === 'param') {
      advance()
      return { kind: 'param', index: paramCount++, pos: t.pos }
    }
    if (isPunct('(')) {
      advance()
      const inner = expression()
      expectPunct(')')
      return inner
    }
    if (isKeyword(t, 'null')) {
      advance()
      return { kind: 'literal', value: null, pos: t.pos }
    }
    const first = name()
    let qualifier: string | undefined
    let ident = first
    if (isPunct('.') && peek(1).kind === 'ident') {
      advance()
      qualifier = first
      ident = name()
    }
    if (isPunct('(')) {
      advance()
      const args: Expr[] = []
      let star = false
      if (peek().kind === 'op' && peek().text === '*') {
        advance()
        star = true
      } else if (!isPunct(')')) {
        do args.push(expression())
        while (isPunct(',') && advance())
      }
      expectPunct(')')
      return { kind: 'call', name: qualifier ? `${qualifier}.${ident}` : ident, args, star, pos: t.pos }
    }
    return { kind: 'column', ...(qualifier ? { qualifier } : {}), name: ident, pos: t.pos }
  }

  function unary(): Expr {
    const t = peek()
    if (t.kind === 'op' && (t.text === '-' || t.text === '+')) {
      advance()
      const operand = unary()
      return t.text === '-' ? { kind: 'negate', operand, pos: t.pos } : operand
    }
    return primary()
  }

  function binaryLevel(next: () => Expr, ops: readonly string[]): () => Expr {
    return () => {
      let left = next()
      for (;;) {
        const t = peek()
        if (t.kind !== 'op' || !ops.includes(t.text)) return left
        advance()
        left = { kind: 'arith', op: t.text as '+', left, right: next(), pos: t.pos }
      }
    }
  }
  const multiplicative = binaryLevel(unary, ['*', '/'])
  const additive = binaryLevel(multiplicative, ['+', '-', '||'])

  function predicate(): Expr {
    const left = additive()
    const t = peek()
    if (t.kind === 'op' && compareOps[t.text]) {
      advance()
      return { kind: 'compare', op: compareOps[t.text]!, left, right: additive(), pos: t.pos }
    }
    if (accept('is')) {
      const negated = accept('not')
      expectKeyword('null')
      return { kind: 'isNull', operand: left, negated, pos: t.pos }
    }
    const negated = isKeyword(t, 'not') && ['in', 'between', 'like'].some((w) => isKeyword(peek(1), w))
    if (negated) advance()
    if (accept('in')) {
      expectPunct('(')
      const list: Expr[] = []
      do list.push(additive())
      while (isPunct(',') && advance())
      expectPunct(')')
      return { kind: 'in', operand: left, list, negated, pos: t.pos }
    }
    if (accept('between')) {
      const low = additive()
      expectKeyword('and')
      return { kind: 'between', operand: left, low, high: additive(), negated, pos: t.pos }
    }
    if (accept('like')) return { kind: 'like', operand: left, pattern: additive(), negated, pos: t.pos }
    return left
  }

  function negation(): Expr {
    const t = peek()
    if (accept('not')) return { kind: 'not', operand: negation(), pos: t.pos }
    return predicate()
  }

  function conjunction(): Expr {
    let left = negation()
    for (let t = peek(); accept('and'); t = peek())
      left = { kind: 'logical', op: 'and', left, right: negation(), pos: t.pos }
    return left
  }

  function expression(): Expr {
    let left = conjunction()
    for (let t = peek(); accept('or'); t = peek())
      left = { kind: 'logical', op: 'or', left, right: conjunction(), pos: t.pos }
    return left
  }

  function selectItem(): SelectItem {
    const t = peek()
    if (t.kind === 'op' && t.text === '*') {
      advance()
      return { kind: 'star', pos: t.pos }
    }
    if (t.kind === 'ident' && isPunct('.', peek(1)) && peek(2).kind === 'op' && peek(2).text === '*') {
      i += 3
      return { kind: 'star', qualifier: t.text, pos: t.pos }
    }
    const expr = expression()
    const as = alias()
    return as === undefined ? { kind: 'expr', expr } : { kind: 'expr', expr, alias: as }
  }

  function tableRef(): TableRef {
    const pos = peek().pos
    const table = name()
    const as = alias()
    return as === undefined ? { table, pos } : { table, alias: as, pos }
  }

  function orderItem(): OrderItem {
    const expr = expression()
    const descending = accept('desc')
    if (!descending) accept('asc')
    let nullsFirst = descending
    if (accept('nulls')) {
      if (accept('first')) nullsFirst = true
      else if (accept('last')) nullsFirst = false
      else unexpected(peek())
    }
    return { expr, descending, nullsFirst }
  }

  expectKeyword('select')
  const distinct = accept('distinct')
  const columns: SelectItem[] = []
  do columns.push(selectItem())
  while (isPunct(',') && advance())
  expectKeyword('from')
  const from = [tableRef()]
  for (;;) {
    const t = peek()
    let kind: 'inner' | 'left' | undefined
    if (accept('join')) kind = 'inner'
    else if (isKeyword(t, 'inner') && isKeyword(peek(1), 'join')) {
      i += 2
      kind = 'inner'
    } else if (isKeyword(t, 'left')) {
      advance()
      accept('outer')
      expectKeyword('join')
      kind = 'left'
    } else if (['right', 'full', 'cross'].some((w) => isKeyword(t, w)) || isPunct(',')) {
      // Only the joins integrators write on ids are simulated; the rest is refused, not guessed at.
      throw new SuiteQlError(`Unsupported join near '${t.text}': use [INNER] JOIN or LEFT [OUTER] JOIN … ON`, t.pos)
    }
    if (!kind) break
    const ref = tableRef()
    expectKeyword('on')
    from.push({ ...ref, join: { kind, on: expression() } })
  }
  const where = accept('where') ? expression() : undefined
  const orderBy: OrderItem[] = []
  if (accept('order')) {
    expectKeyword('by')
    do orderBy.push(orderItem())
    while (isPunct(',') && advance())
  }
  if (isPunct(';')) advance()
  if (peek().kind !== 'eof') unexpected(peek())
  return { distinct, columns, from, ...(where ? { where } : {}), orderBy, paramCount }
}
