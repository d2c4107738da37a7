import { describe, expect, it } from 'vitest'
import { parseSuiteQl } from '../../../../src/connectors/netsuite/sandbox/suiteql/parser.ts'
import { SuiteQlError } from '../../../../src/connectors/netsuite/sandbox/suiteql/suiteql-error.ts'
import { tokenize } from '../../../../src/connectors/netsuite/sandbox/suiteql/tokenizer.ts'

/** The expression tree as a compact string, so precedence is easy to read in assertions. */
function show(e: unknown): string {
  const x = e as Record<string, unknown> & { kind: string }
  switch (x.kind) {
    case 'literal':
      return x.value === null ? 'NULL' : typeof x.value === 'string' ? `'${x.value}'` : String(x.value)
    case 'param':
      return `?${x.index}`
    case 'column':
      return x.qualifier ? `${x.qualifier}.${x.name}` : String(x.name)
    case 'call':
      return `${x.name}(${x.star ? '*' : (x.args as unknown[]).map(show).join(', ')})`
    case 'negate':
      return `-${show(x.operand)}`
    case 'not':
      return `NOT(${show(x.operand)})`
    case 'arith':
    case 'compare':
    case 'logical':
      return `(${show(x.left)} ${x.op} ${show(x.right)})`
    case 'in':
      return `(${show(x.operand)} ${x.negated ? 'NOT IN' : 'IN'} [${(x.list as unknown[]).map(show).join(', ')}])`
    case 'between':
      return `(${show(x.operand)} ${x.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${show(x.low)} AND ${show(x.high)})`
    case 'isNull':
      return `(${show(x.operand)} IS ${x.negated ? 'NOT ' : ''}NULL)`
    case 'like':
      return `(${show(x.operand)} ${x.negated ? 'NOT LIKE' : 'LIKE'} ${show(x.pattern)})`
  }
  return '?'
}

const where = (cond: string) => show(parseSuiteQl(`SELECT id FROM customer WHERE ${cond}`).where)

describe('tokenize', () => {
  it('folds unquoted identifiers, keeps quoted ones, unescapes doubled quotes and skips comments', () => {
    const tokens = tokenize(
      `SELECT "MiXed", CompanyName -- note\n FROM /* x */ customer WHERE n = 'O''Brien' AND v >= 1.5e2`,
    )
    expect(tokens.map((t) => t.text)).toEqual([
      'select',
      'MiXed',
      ',',
      'companyname',
      'from',
      'customer',
      'where',
      'n',
      '=',
      "'O''Brien'",
      'and',
      'v',
      '>=',
      '1.5e2',
      '',
    ])
    expect(tokens.find((t) => t.kind === 'string')?.value).toBe("O'Brien")
    expect(tokens.find((t) => t.kind === 'number')?.value).toBe(150)
  })

  it('reports an unterminated string with its position', () => {
    expect(() => tokenize("SELECT 'abc")).toThrow(SuiteQlError)
    try {
      tokenize("SELECT 'abc")
    } catch (err) {
      expect((err as SuiteQlError).position).toBe(7)
    }
  })
})

describe('parseSuiteQl', () => {
  it('reads select items with AS and bare aliases, functions and stars', () => {
    const q = parseSuiteQl(
      "SELECT c.id, TO_CHAR(c.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lm, BUILTIN.DF(c.subsidiary) sub, c.* FROM customer c",
    )
    expect(q.from).toMatchObject([{ table: 'customer', alias: 'c' }])
    expect(q.columns.map((c) => (c.kind === 'star' ? `${c.qualifier}.*` : `${show(c.expr)} as ${c.alias}`))).toEqual([
      'c.id as undefined',
      "to_char(c.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') as lm",
      'builtin.df(c.subsidiary) as sub',
      'c.*',
    ])
  })

  it('binds AND tighter than OR and NOT tighter than AND', () => {
    expect(where('a = 1 OR b = 2 AND NOT c = 3')).toBe('((a = 1) or ((b = 2) and NOT((c = 3))))')
    expect(where('(a = 1 OR b = 2) AND c = 3')).toBe('(((a = 1) or (b = 2)) and (c = 3))')
  })

  it('reads every comparison spelling, IN, BETWEEN, IS NULL and LIKE with their NOT forms', () => {
    expect(where('a != 1 AND b <> 2 AND c ^= 3 AND d <= 4 AND e >= 5 AND f < 6 AND g > 7')).toBe(
      '(((((((a <> 1) and (b <> 2)) and (c <> 3)) and (d <= 4)) and (e >= 5)) and (f < 6)) and (g > 7))',
    )
    expect(where("t NOT IN ('A', 'B') AND n BETWEEN 1 AND 2")).toBe("((t NOT IN ['A', 'B']) and (n BETWEEN 1 AND 2))")
    expect(where('x IS NOT NULL OR y IS NULL')).toBe('((x IS NOT NULL) or (y IS NULL))')
    expect(where("name NOT LIKE 'A%'")).toBe("(name NOT LIKE 'A%')")
  })

  it('numbers ? binds left to right', () => {
    const q = parseSuiteQl('SELECT id FROM customer WHERE id > ? AND lastmodifieddate >= TO_TIMESTAMP(?, ?)')
    expect(q.paramCount).toBe(3)
    expect(show(q.where)).toBe('((id > ?0) and (lastmodifieddate >= to_timestamp(?1, ?2)))')
  })

  it('gives arithmetic the usual precedence and treats an empty string as NULL', () => {
    expect(where("a + b * -c = 2 || ''")).toBe('((a + (b * -c)) = (2 || NULL))')
  })

  it('reads ORDER BY with directions and NULLS FIRST/LAST, Oracle defaults otherwise', () => {
    const q = parseSuiteQl('SELECT id FROM customer ORDER BY lastmodifieddate DESC, id ASC NULLS FIRST, 1;')
    expect(q.orderBy.map((o) => [show(o.expr), o.descending, o.nullsFirst])).toEqual([
      ['lastmodifieddate', true, true],
      ['id', false, true],
      ['1', false, false],
    ])
  })

  it.each([
    ['SELECT FROM customer', "Syntax error near 'from'"],
    ['SELECT id customer', 'Unexpected end of query'],
    ['SELECT id FROM customer WHERE', 'Unexpected end of query'],
    ['SELECT id FROM customer WHERE a = 1 extra', "Syntax error near 'extra'"],
    ['SELECT id FROM customer WHERE a BETWEEN 1 OR 2', "Syntax error near 'or'"],
    ['SELECT id FROM customer WHERE a IS 1', "Syntax error near '1'"],
    ['SELECT id FROM customer ORDER id', "Syntax error near 'id'"],
  ])('refuses %s', (sql, message) => {
    expect(() => parseSuiteQl(sql)).toThrow(message)
  })
})
