import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SfApiError } from '../../../../src/connectors/salesforce/sandbox/api-error.ts'
import type { Condition } from '../../../../src/connectors/salesforce/sandbox/soql/ast.ts'
import { parseSoql } from '../../../../src/connectors/salesforce/sandbox/soql/parse.ts'

const examples = new URL('../../../../../shared/reference/salesforce-examples/', import.meta.url)
const where = (clause: string): Condition | null => parseSoql(`SELECT Id FROM Account WHERE ${clause}`).where

function refused(soql: string): SfApiError {
  try {
    parseSoql(soql)
  } catch (err) {
    if (err instanceof SfApiError) return err
    throw err
  }
  throw new Error(`expected ${soql} to be refused`)
}

/** A compact rendering of a condition tree, to compare shapes at a glance. */
function show(c: Condition | null): string {
  if (!c) return ''
  switch (c.kind) {
    case 'and':
    case 'or':
      return `(${c.items.map(show).join(` ${c.kind} `)})`
    case 'not':
      return `not ${show(c.item)}`
    case 'in':
      return `${c.path.join('.')} ${c.negated ? 'not in' : 'in'} [${c.values.map((v) => v.kind).join(',')}]`
    case 'compare':
      return `${c.path.join('.')} ${c.op} ${c.value.kind}`
  }
}

describe('SOQL parser', () => {
  it('reads the select list, relationship paths, FROM, ORDER BY, LIMIT and OFFSET', () => {
    const q = parseSoql('SELECT Id, Name, Owner.Name FROM Account ORDER BY Name DESC NULLS FIRST, Id LIMIT 10 OFFSET 5')
    expect(q.select).toEqual([
      { kind: 'field', path: ['Id'], pos: 7 },
      { kind: 'field', path: ['Name'], pos: 11 },
      { kind: 'field', path: ['Owner', 'Name'], pos: 17 },
    ])
    expect(q.from).toEqual({ name: 'Account', pos: 33 })
    expect(q.orderBy.map(({ path, direction, nulls }) => ({ path, direction, nulls }))).toEqual([
      { path: ['Name'], direction: 'desc', nulls: 'first' },
      { path: ['Id'], direction: 'asc', nulls: 'first' },
    ])
    expect([q.count, q.where, q.limit, q.offset]).toEqual([false, null, 10, 5])
  })

  it('puts nulls first when ascending and last when descending unless told otherwise', () => {
    const q = parseSoql('SELECT Id FROM Account ORDER BY Name ASC, Phone DESC, Website ASC NULLS LAST')
    expect(q.orderBy.map((o) => o.nulls)).toEqual(['first', 'last', 'last'])
  })

  it('reads keywords in any case', () => {
    expect(parseSoql('select id from account where name = null order by name limit 1').limit).toBe(1)
  })

  it('reads COUNT()', () => {
    expect(parseSoql('SELECT COUNT() FROM Account')).toMatchObject({ count: true, select: [] })
  })

  it('reads a child subquery into the tree', () => {
    const q = parseSoql('SELECT Id, (SELECT LastName FROM Contacts) FROM Account')
    expect(q.select[1]).toMatchObject({ kind: 'subquery', query: { from: { name: 'Contacts' } } })
  })

  it('reads every comparison operator, LIKE, IN and NOT IN', () => {
    for (const op of ['=', '!=', '<', '>', '<=', '>='])
      expect(show(where(`NumberOfEmployees ${op} 5`))).toBe(`NumberOfEmployees ${op} number`)
    expect(show(where("Name <> 'x'"))).toBe('Name != string')
    expect(show(where("Name LIKE 'A%'"))).toBe('Name like string')
    expect(show(where("Industry IN ('Retail', null)"))).toBe('Industry in [string,null]')
    expect(show(where("Industry NOT IN ('Retail')"))).toBe('Industry not in [string]')
  })

  it('reads every literal kind', () => {
    const literal = (text: string) => (where(`X = ${text}`) as Extract<Condition, { kind: 'compare' }>).value
    expect(literal("'it\\'s'")).toEqual({ kind: 'string', value: "it's", pattern: "it's" })
    expect(literal("'50\\%'")).toEqual({ kind: 'string', value: '50%', pattern: '50\\%' })
    expect(literal('-2.5')).toEqual({ kind: 'number', value: -2.5 })
    expect(literal('TRUE')).toEqual({ kind: 'boolean', value: true })
    expect(literal('false')).toEqual({ kind: 'boolean', value: false })
    expect(literal('NULL')).toEqual({ kind: 'null' })
    expect(literal('2024-01-31')).toEqual({ kind: 'date', value: '2024-01-31' })
    expect(literal('2024-01-31T23:59:59Z')).toEqual({ kind: 'datetime', ms: Date.parse('2024-01-31T23:59:59Z') })
    expect(literal('2024-02-01T06:59:59+07:00')).toEqual({ kind: 'datetime', ms: Date.parse('2024-01-31T23:59:59Z') })
    expect(literal('TODAY')).toEqual({ kind: 'dateLiteral', name: 'TODAY', n: null })
    expect(literal('last_n_days:7')).toEqual({ kind: 'dateLiteral', name: 'LAST_N_DAYS', n: 7 })
  })

  it('chains one logical operator per level and groups with parentheses', () => {
    expect(show(where('A = 1 AND B = 2 AND C = 3'))).toBe('(A = number and B = number and C = number)')
    expect(show(where('A = 1 OR B = 2 OR C = 3'))).toBe('(A = number or B = number or C = number)')
    expect(show(where('A = 1 AND (B = 2 OR C = 3)'))).toBe('(A = number and (B = number or C = number))')
    expect(show(where('(A = 1 AND B = 2) OR C = 3'))).toBe('((A = number and B = number) or C = number)')
  })

  it('refuses AND and OR mixed without parentheses, at the operator that switches', () => {
    const err = refused("SELECT Id FROM Account WHERE Name = 'a' AND Phone = 'b' OR Website = 'c'")
    expect(err.errorCode).toBe('MALFORMED_QUERY')
    expect(err.message).toMatch(/Column:57\nunexpected token: OR$/)
    expect(refused("SELECT Id FROM Account WHERE Name = 'a' OR Phone = 'b' AND Website = 'c'").message).toMatch(
      /unexpected token: AND$/,
    )
  })

  it('takes NOT at the start of a condition, binding the next term only', () => {
    expect(show(where('NOT A = 1 AND B = 2'))).toBe('(not A = number and B = number)')
    expect(show(where('NOT (A = 1 OR B = 2)'))).toBe('not (A = number or B = number)')
    expect(show(where('A = 1 AND (NOT B = 2)'))).toBe('(A = number and not B = number)')
    expect(refused('SELECT Id FROM Account WHERE A = 1 AND NOT (B = 2)').message).toMatch(/unexpected token: NOT$/)
  })

  it('answers the reference example’s malformed query with the same message', () => {
    const example = JSON.parse(readFileSync(new URL('query-paged.json', examples), 'utf8')).malformed.body[0]
    expect(refused('SELECT Id FRM Account')).toMatchObject({ errorCode: example.errorCode, message: example.message })
  })

  it('refuses syntax errors at the offending token', () => {
    expect(refused('SELECT Id FROM').message).toMatch(/Column:15\nunexpected token: <EOF>$/)
    expect(refused('SELECT Id FROM Account WHERE').message).toMatch(/unexpected token: <EOF>$/)
    expect(refused('SELECT FROM Account').message).toMatch(/unexpected token: FROM$/)
    expect(refused('SELECT Id FROM Account WHERE Name LIKE 5').message).toMatch(/unexpected token: 5$/)
    expect(refused('SELECT Id FROM Account LIMIT x').message).toMatch(/unexpected token: x$/)
    expect(refused('SELECT Id FROM Account extra').message).toMatch(/unexpected token: extra$/)
    expect(refused("SELECT Id FROM Account WHERE Name = 'a' 'b'").message).toMatch(/unexpected token: 'b'$/)
    expect(refused('SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS').message).toMatch(
      /unexpected token: <EOF>$/,
    )
  })

  it('refuses an OFFSET beyond 2,000', () => {
    expect(refused('SELECT Id FROM Account OFFSET 2001')).toMatchObject({
      errorCode: 'NUMBER_OUTSIDE_VALID_RANGE',
      message: 'Maximum SOQL offset allowed is 2000',
    })
    expect(parseSoql('SELECT Id FROM Account OFFSET 2000').offset).toBe(2_000)
  })
})
