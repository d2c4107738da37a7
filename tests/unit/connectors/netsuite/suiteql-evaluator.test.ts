import { beforeEach, describe, expect, it } from 'vitest'
import { createRecord } from '../../../../src/connectors/netsuite/sandbox/record-writes.ts'
import { createSandboxState, type SandboxState } from '../../../../src/connectors/netsuite/sandbox/sandbox-state.ts'
import { executeSuiteQl } from '../../../../src/connectors/netsuite/sandbox/suiteql/evaluator.ts'
import { SuiteQlError } from '../../../../src/connectors/netsuite/sandbox/suiteql/suiteql-error.ts'
import type { SuiteQlTable } from '../../../../src/connectors/netsuite/sandbox/suiteql/tables.ts'
import { renderRow } from '../../../../src/connectors/netsuite/sandbox/suiteql/values.ts'

// Instants chosen around Los Angeles wall times: PST is UTC-8, PDT UTC-7.
const jan15 = Date.parse('2025-01-15T09:12:40Z') // 2025-01-15 01:12:40 PST
const jul01 = Date.parse('2025-07-01T12:00:00Z') // 2025-07-01 05:00:00 PDT
const now = Date.parse('2025-08-01T00:00:00Z')

let state: SandboxState

function add(body: Record<string, unknown>, at: number): string {
  const def = state.store.types.find('customer')!
  return String(createRecord(state.write, def, { subsidiary: { id: '1' }, ...body }, at).id)
}

function query(sql: string, params: unknown[] = []) {
  const ctx = { timeZone: state.account.timeZone, now }
  return executeSuiteQl(sql, state.tables, { params, ctx }).rows.map((row) => {
    const { links, ...rest } = renderRow(row, ctx)
    expect(links).toEqual([])
    return rest
  })
}

function errorOf(sql: string, params: unknown[] = []): string {
  try {
    query(sql, params)
  } catch (err) {
    expect(err).toBeInstanceOf(SuiteQlError)
    return (err as Error).message
  }
  throw new Error('expected the query to fail')
}

beforeEach(() => {
  state = createSandboxState({ now: () => now })
  add({ companyName: 'Alpha Co', email: 'a@alpha.example', externalId: 'A-1', custentity_tier: 'gold' }, jan15)
  add({ companyName: 'Beta LLC', phone: '555', isInactive: true, subsidiary: { id: '2' } }, jul01)
  add({ isPerson: true, firstName: 'Lan', lastName: 'Nguyễn', email: 'lan@example.vn' }, jul01 + 1000)
})

describe('executeSuiteQl rows', () => {
  it('returns every value as a string with lower-case keys, omitting null columns', () => {
    expect(
      query('SELECT id, EntityId, companyname, email, isperson, isinactive, subsidiary FROM customer ORDER BY id'),
    ).toEqual([
      {
        id: '101',
        entityid: 'CUST-00101',
        companyname: 'Alpha Co',
        email: 'a@alpha.example',
        isperson: 'F',
        isinactive: 'F',
        subsidiary: '1',
      },
      { id: '102', entityid: 'CUST-00102', companyname: 'Beta LLC', isperson: 'F', isinactive: 'T', subsidiary: '2' },
      { id: '103', entityid: 'CUST-00103', email: 'lan@example.vn', isperson: 'T', isinactive: 'F', subsidiary: '1' },
    ])
  })

  it('names columns by alias (AS or bare), lower-cased, and unnamed expressions exprN', () => {
    expect(query("SELECT companyname AS Name, email e, UPPER(companyname), 'x' FROM customer WHERE id = 101")).toEqual([
      { name: 'Alpha Co', e: 'a@alpha.example', expr1: 'ALPHA CO', expr2: 'x' },
    ])
  })

  it('renders datetimes in the account time zone: plain as the user date, TO_CHAR as local wall time', () => {
    expect(
      query(
        "SELECT id, lastmodifieddate, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lm FROM customer ORDER BY id",
      ),
    ).toEqual([
      { id: '101', lastmodifieddate: '1/15/2025', lm: '2025-01-15 01:12:40' },
      { id: '102', lastmodifieddate: '7/1/2025', lm: '2025-07-01 05:00:00' },
      { id: '103', lastmodifieddate: '7/1/2025', lm: '2025-07-01 05:00:01' },
    ])
    expect(query("SELECT TO_CHAR(datecreated, 'DD MON YYYY HH12:MI AM') AS d FROM customer WHERE id = 102")).toEqual([
      { d: '01 JUL 2025 05:00 AM' },
    ])
  })

  it('compares with TO_TIMESTAMP read as account-local time, with ? binds', () => {
    const sql =
      "SELECT id FROM customer WHERE lastmodifieddate >= TO_TIMESTAMP(?, 'YYYY-MM-DD HH24:MI:SS') ORDER BY lastmodifieddate, id"
    expect(query(sql, ['2025-07-01 05:00:00'])).toEqual([{ id: '102' }, { id: '103' }])
    expect(query(sql, ['2025-07-01 05:00:01'])).toEqual([{ id: '103' }])
    expect(query("SELECT id FROM customer WHERE datecreated < TO_DATE('2025-02-01', 'YYYY-MM-DD')")).toEqual([
      { id: '101' },
    ])
  })

  it('applies =, !=, <>, <, >, <=, >=, AND, OR, NOT and parentheses with numeric comparison of ids', () => {
    const ids = (where: string, params: unknown[] = []) =>
      query(`SELECT id FROM customer WHERE ${where} ORDER BY id`, params).map((r) => r.id)
    expect(ids('id = 102')).toEqual(['102'])
    expect(ids('id != 102')).toEqual(['101', '103'])
    expect(ids('id <> ?', ['101'])).toEqual(['102', '103'])
    expect(ids('id < 102 OR id > 102')).toEqual(['101', '103'])
    expect(ids('id <= 102 AND id >= 102')).toEqual(['102'])
    expect(ids('NOT (id = 101 OR isinactive = ?)', ['T'])).toEqual(['103'])
    expect(ids('(id = 101 OR id = 102) AND isinactive = ?', [false])).toEqual(['101'])
  })

  it('handles IN, NOT IN, BETWEEN, IS [NOT] NULL and LIKE', () => {
    const ids = (where: string) => query(`SELECT id FROM customer WHERE ${where} ORDER BY id`).map((r) => r.id)
    expect(ids('id IN (101, 103)')).toEqual(['101', '103'])
    expect(ids("externalid NOT IN ('A-1')")).toEqual([])
    expect(ids('id NOT IN (101)')).toEqual(['102', '103'])
    expect(ids('id BETWEEN 102 AND 103')).toEqual(['102', '103'])
    expect(ids('id NOT BETWEEN 102 AND 103')).toEqual(['101'])
    expect(ids('email IS NULL')).toEqual(['102'])
    expect(ids('email IS NOT NULL')).toEqual(['101', '103'])
    expect(ids("companyname LIKE '%o'")).toEqual(['101'])
    expect(ids("email = ''")).toEqual([])
  })

  it('treats NULL as unknown: neither = nor != matches it', () => {
    expect(query("SELECT id FROM customer WHERE email = 'x' OR email != 'x' ORDER BY id")).toEqual([
      { id: '101' },
      { id: '103' },
    ])
  })

  it('orders by several keys, DESC, aliases and positions, nulls last when ascending', () => {
    expect(query('SELECT id, email FROM customer ORDER BY email, id').map((r) => r.id)).toEqual(['101', '103', '102'])
    expect(query('SELECT id, email FROM customer ORDER BY email DESC, id').map((r) => r.id)).toEqual([
      '102',
      '103',
      '101',
    ])
    expect(query('SELECT id AS n FROM customer ORDER BY n DESC').map((r) => r.n)).toEqual(['103', '102', '101'])
    expect(query('SELECT companyname, id FROM customer ORDER BY 2 DESC').map((r) => r.id)).toEqual([
      '103',
      '102',
      '101',
    ])
  })

  it('expands *, shows references by name through BUILTIN.DF and reads custom fields', () => {
    const [row] = query(
      'SELECT *, BUILTIN.DF(subsidiary) AS sub, BUILTIN.DF(currency) AS cur FROM customer WHERE id = 101',
    )
    expect(row).toMatchObject({
      id: '101',
      companyname: 'Alpha Co',
      custentity_tier: 'gold',
      sub: 'Tandem Việt Nam',
      cur: 'VND',
    })
    expect(query('SELECT id, custentity_other FROM customer WHERE id = 101')).toEqual([{ id: '101' }])
  })

  it('queries the reference tables too, with SELECT DISTINCT', () => {
    expect(query('SELECT id, name, symbol FROM currency ORDER BY id')).toEqual([
      { id: '1', name: 'USD', symbol: 'USD' },
      { id: '2', name: 'VND', symbol: 'VND' },
    ])
    expect(query('SELECT DISTINCT subsidiary FROM customer ORDER BY subsidiary')).toEqual([
      { subsidiary: '1' },
      { subsidiary: '2' },
    ])
  })
})

describe('executeSuiteQl errors', () => {
  it('names an unknown column the way NetSuite does, even on an empty result', () => {
    expect(errorOf('SELECT subsidiary, foo FROM customer WHERE id = 0')).toBe(
      "Unknown identifier 'foo'. Available identifiers are: {customer=customer}.",
    )
    expect(errorOf('SELECT x.id FROM customer c')).toBe(
      "Unknown identifier 'x'. Available identifiers are: {c=customer}.",
    )
    expect(errorOf('SELECT c.foo FROM customer c')).toContain("Field 'foo' for record 'customer' was not found.")
  })

  it('refuses an unknown table, function or bind count', () => {
    expect(errorOf('SELECT id FROM custmer')).toBe('Invalid search type: custmer.')
    expect(errorOf('SELECT FOO(id) FROM customer')).toBe('Invalid or unsupported function: FOO.')
    expect(errorOf('SELECT id FROM customer WHERE id = ?')).toContain('the query has 1, 0 given')
    expect(errorOf("SELECT id FROM customer WHERE id = 'abc'")).toContain("Invalid number: 'abc'")
    expect(
      errorOf("SELECT id FROM customer WHERE lastmodifieddate > TO_TIMESTAMP('2025-13-01', 'YYYY-MM-DD')"),
    ).toContain("Invalid date value '2025-13-01'")
  })
})

describe('time zones', () => {
  it('reads a wall time repeated when DST ends as its earlier instant, so >= bounds never lose rows', () => {
    const first = Date.parse('2025-11-02T08:30:00Z') // 01:30 PDT
    const second = Date.parse('2025-11-02T09:30:00Z') // 01:30 PST, an hour later
    const a = add({ companyName: 'First pass' }, first)
    const b = add({ companyName: 'Second pass' }, second)
    const rows = query(
      "SELECT id, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lm FROM customer WHERE lastmodifieddate >= TO_TIMESTAMP('2025-11-02 01:30:00', 'YYYY-MM-DD HH24:MI:SS') ORDER BY lastmodifieddate",
    )
    expect(rows).toEqual([
      { id: a, lm: '2025-11-02 01:30:00' },
      { id: b, lm: '2025-11-02 01:30:00' },
    ])
  })
})

describe('row cap', () => {
  it('returns at most 100,000 rows per query, after ordering', () => {
    const rows = Array.from({ length: 100_005 }, (_, i) => ({ id: 100_005 - i }))
    const table: SuiteQlTable = {
      name: 'big',
      columns: () => [{ name: 'id', type: 'integer' }],
      column: (n) => (n === 'id' ? { name: 'id', type: 'integer' } : undefined),
      rows: () => rows,
    }
    const out = executeSuiteQl(
      'SELECT id FROM big ORDER BY id',
      { table: (n) => (n === 'big' ? table : undefined) },
      {
        ctx: { timeZone: 'UTC', now },
      },
    )
    expect(out.total).toBe(100_000)
    expect(out.rows.at(-1)).toEqual([['id', 100_000]])
  })
})

describe('joins', () => {
  function addOrder(customer: string, itemId: string, quantity: number): string {
    const def = state.store.types.find('salesOrder')!
    const body = {
      entity: { id: customer },
      tranDate: '2025-02-01',
      item: { items: [{ item: { id: itemId }, quantity, rate: 5 }] },
    }
    return String(createRecord(state.write, def, body, jul01).id)
  }

  it('joins transactions to customers and lines to items on ids, INNER and LEFT', () => {
    const item = String(
      createRecord(state.write, state.store.types.find('inventoryItem')!, { itemId: 'BOLT' }, jan15).id,
    )
    const order = addOrder('101', item, 3)
    addOrder('101', item, 1)
    expect(
      query(
        "SELECT c.companyname, t.tranid FROM customer c JOIN transaction t ON t.entity = c.id WHERE t.type = 'SalesOrd' ORDER BY t.id",
      ),
    ).toEqual([
      { companyname: 'Alpha Co', tranid: `SO${order}` },
      { companyname: 'Alpha Co', tranid: `SO${Number(order) + 1}` },
    ])
    expect(
      query(
        "SELECT c.id, t.id AS tid FROM customer c LEFT OUTER JOIN transaction t ON t.entity = c.id AND t.type = 'SalesOrd' WHERE c.isperson = 'T'",
      ),
    ).toEqual([{ id: '103' }])
    expect(
      query(
        "SELECT tl.transaction, i.itemid, ABS(tl.quantity) AS qty FROM transactionline tl INNER JOIN item i ON i.id = tl.item WHERE tl.mainline = 'F' AND tl.transaction = ?",
        [order],
      ),
    ).toEqual([{ transaction: order, itemid: 'BOLT', qty: '3' }])
  })

  it('refuses joins it does not simulate rather than guessing', () => {
    expect(errorOf('SELECT c.id FROM customer c RIGHT JOIN transaction t ON t.entity = c.id')).toMatch(
      /Unsupported join/,
    )
    expect(errorOf('SELECT c.id FROM customer c, transaction t')).toMatch(/Unsupported join/)
    expect(errorOf('SELECT c.id FROM customer c JOIN nothing n ON n.id = c.id')).toBe('Invalid search type: nothing.')
  })
})
