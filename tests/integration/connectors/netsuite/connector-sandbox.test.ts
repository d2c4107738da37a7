import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNetSuiteConnection } from '../../../../src/connectors/netsuite/connection.ts'
import { netsuite } from '../../../../src/connectors/netsuite/index.ts'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../../../src/connectors/netsuite/sandbox/server.ts'
import type { ChangeEvent, Connection } from '../../../../src/connectors/types.ts'
import { waitFor } from '../../../helpers/wait-for.ts'

/**
 * The connector against the full sandbox over HTTP: M2M tokens that expire, sublists read with their
 * records, and User Event posts that reach a listening server signed, without echoing Tandem's own writes.
 */

const logger = { debug() {}, info() {}, warn() {}, error() {} }

function connect(sandbox: NetSuiteSandbox, auth: Record<string, unknown> = {}): Connection {
  const settings = netsuite.sandboxConfig({ type: 'netsuite', accountId: '', auth }, sandbox)
  return createNetSuiteConnection(netsuite.configSchema.parse(settings), { logger }, { retry: { retries: 0 } })
}

describe('M2M against the sandbox', () => {
  let sandbox: NetSuiteSandbox
  let skewMs = 0

  beforeAll(async () => {
    sandbox = await startNetSuiteSandbox({ seed: true, now: () => Date.now() + skewMs, m2m: { tokenTtlSeconds: 60 } })
  })
  afterAll(() => sandbox.close())

  it('refreshes an expired token transparently: the call that met the expiry still succeeds', async () => {
    const conn = connect(sandbox, { method: 'm2m' })
    const customers = conn.object('customer')
    const [first] = sandbox.records.ids('customer')
    expect((await customers.getMany([first!], ['companyName'])).get(first!)?.data.companyName).toBeTruthy()
    const tokenCalls = () => sandbox.requestLog.entries().filter((e) => e.target.includes('/auth/oauth2/v1/token'))
    expect(tokenCalls()).toHaveLength(1)

    // Two minutes later by the account's clock the hour-long token of a 60-second sandbox has expired, while
    // the connector still holds it as fresh: NetSuite answers 401 invalid_token and the connector recovers.
    skewMs = 120_000
    const [result] = await customers.update([{ id: first!, comments: 'after the token expired' }])
    expect(result).toMatchObject({ ok: true, id: first })
    expect(tokenCalls()).toHaveLength(2)
    expect(sandbox.records.get('customer', first!)?.comments).toBe('after the token expired')
    expect(sandbox.loginAudit.entries().some((e) => e.status === 'Failure')).toBe(true)
    await conn.close()
  })
})

describe('sublists through the connector', () => {
  let sandbox: NetSuiteSandbox
  let conn: Connection

  beforeAll(async () => {
    sandbox = await startNetSuiteSandbox({ seed: true })
    conn = connect(sandbox)
  })
  afterAll(async () => {
    await conn.close()
    await sandbox.close()
  })

  it('reads an order with its item lines when asked for the list', async () => {
    const [customer] = sandbox.records.ids('customer')
    const [item] = sandbox.records.ids('inventoryItem')
    const order = sandbox.records.create('salesOrder', {
      entity: { id: customer },
      item: { items: [{ item: { id: item }, quantity: 3, rate: 10 }] },
    })
    const found = await conn
      .object('salesOrder')
      .getMany([order], ['tranDate', 'entity.id'], { lists: [{ path: 'item', fields: ['item.id', 'quantity'] }] })
    const data = found.get(order)!.data as { item: { items: Record<string, unknown>[] }; entity: unknown }
    expect(data.entity).toMatchObject({ id: customer })
    expect(data.item.items).toHaveLength(1)
    expect(data.item.items[0]).toMatchObject({ item: { id: item }, quantity: 3, rate: 10, amount: 30 })
    expect(Object.keys(data).sort()).toEqual(['entity', 'item', 'lastModifiedDate', 'tranDate'])
  })

  it('describes sublists with their line fields, and enums as picklists', async () => {
    const item = await conn.object('inventoryItem').describe()
    expect(item.fields.price?.type).toBe('sublist')
    expect(item.fields.price?.lineFields?.priceLevel).toMatchObject({ type: 'picklist' })
    expect(item.fields.price?.lineFields?.priceLevel?.picklistValues).toContain('1')
    const order = await conn.object('salesOrder').describe()
    expect(order.fields.item?.lineFields?.item?.type).toBe('reference')
    expect(order.fields.item?.lineFields?.quantity?.type).toBe('double')
    expect(order.fields.entity).toMatchObject({ type: 'reference', required: true })
    const customer = await conn.object('customer').describe()
    expect(customer.fields.addressBook?.type).toBe('sublist')
  })

  it('reads a price sublist named as a field, as the product-prices mapping does', async () => {
    const [item] = sandbox.records.ids('inventoryItem')
    const found = await conn.object('inventoryItem').getMany([item!], ["price.items[priceLevel.id = '1'].price"])
    const price = found.get(item!)!.data.price as { items: { priceLevel: { id: string }; price: number }[] }
    expect(price.items.find((p) => p.priceLevel.id === '1')?.price).toBeGreaterThan(0)
  })
})

describe('User Event posts', () => {
  let sandbox: NetSuiteSandbox
  let conn: Connection
  let listener: Server
  const received: ChangeEvent[] = []
  const refused: string[] = []

  beforeAll(async () => {
    listener = createServer(async (req, res) => {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const headers = new Headers()
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v)
      const request = new Request('http://tandem.test/webhooks/erp', {
        method: 'POST',
        headers,
        body: Buffer.concat(chunks),
      })
      try {
        const { events } = await conn.parseWebhook(request)
        received.push(...events)
        res.writeHead(202).end()
      } catch (err) {
        refused.push((err as Error).message)
        res.writeHead(401).end()
      }
    })
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
    const notifyUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/webhooks/erp`
    sandbox = await startNetSuiteSandbox({ seed: true, notifyUrl })
    conn = connect(sandbox)
  })
  afterAll(async () => {
    await conn.close()
    await sandbox.close()
    await new Promise<void>((resolve) => listener.close(() => resolve()))
  })

  it('delivers a change made in NetSuite signed, and never one Tandem wrote through REST', async () => {
    // Tandem's own write first: if it were posted, it would arrive before the user's change below.
    const [written] = await conn
      .object('customer')
      .upsert('externalId', [{ externalId: 'ECHO-1', companyName: 'Written by Tandem', subsidiary: { id: '1' } }])
    expect(written?.ok).toBe(true)
    const [someone] = sandbox.records.ids('customer')
    sandbox.records.update('customer', someone!, { phone: '+84 28 3823 0000' })

    await waitFor(() => received.length >= 1)
    await sandbox.notifications.idle()
    expect(refused).toEqual([])
    expect(received).toEqual([
      expect.objectContaining({ object: 'customer', recordId: someone, changeType: 'update', origin: 'USERINTERFACE' }),
    ])
    expect(sandbox.notifications.stats()).toMatchObject({ delivered: 1, failed: 0, skipped: 1 })
  })
})

describe('polling and upserts across the shared transaction and item tables', () => {
  let sandbox: NetSuiteSandbox
  let conn: Connection

  beforeAll(async () => {
    sandbox = await startNetSuiteSandbox({ seed: true })
    conn = connect(sandbox)
  })
  afterAll(async () => {
    await conn.close()
    await sandbox.close()
  })

  const polled = async (object: string) => {
    const ids: string[] = []
    for await (const page of conn.object(object).listChanged(null, { overlapMs: 0 })) {
      ids.push(...page.changes.map((c) => c.id))
    }
    return ids.sort()
  }

  it('polls each record type the flows poll, and only that type', async () => {
    const [customer] = sandbox.records.ids('customer')
    const [item] = sandbox.records.ids('inventoryItem')
    const order = sandbox.records.create('salesOrder', {
      entity: { id: customer },
      item: { items: [{ item: { id: item }, quantity: 2, rate: 5 }] },
    })
    const invoice = sandbox.records.transform(order)
    expect(await polled('customer')).toEqual(sandbox.records.ids('customer').sort())
    expect(await polled('inventoryItem')).toEqual(sandbox.records.ids('inventoryItem').sort())
    expect(await polled('salesOrder')).toEqual(sandbox.records.ids('salesOrder').sort())
    expect(await polled('salesOrder')).toContain(order)
    expect(await polled('invoice')).toEqual(sandbox.records.ids('invoice').sort())
    expect(await polled('invoice')).toContain(invoice)
  })

  it('lists records with the fields and sublists asked for: employees by email, orders with their lines', async () => {
    const employees: Record<string, unknown>[] = []
    for await (const page of conn.object('employee').listAll({ fields: ['email'] })) {
      employees.push(...page.map((r) => ({ id: r.id, ...r.data })))
    }
    expect(employees.length).toBeGreaterThan(0)
    expect(employees.map((e) => e.id).sort()).toEqual(sandbox.records.ids('employee').sort())
    expect(employees.every((e) => typeof e.email === 'string' && Object.keys(e).length === 3)).toBe(true)

    const orders: Record<string, unknown>[] = []
    const lists = [{ path: 'item', fields: ['quantity'] }]
    for await (const page of conn.object('salesOrder').listAll({ fields: ['memo'], lists })) {
      orders.push(...page.map((r) => r.data))
    }
    expect(orders.length).toBeGreaterThan(0)
    expect(orders).toHaveLength(sandbox.records.count('salesOrder'))
    expect(orders.every((o) => Array.isArray((o.item as { items?: unknown })?.items))).toBe(true)
  })

  it('upserts a sales order with its lines as mapped (a list), replacing them on update rather than adding', async () => {
    const [customer] = sandbox.records.ids('customer')
    const [item] = sandbox.records.ids('inventoryItem')
    const row = {
      externalId: 'OPP-0061',
      entity: conn.referenceValue!(customer!),
      memo: 'CRM Big deal',
      item: [{ item: conn.referenceValue!(item!), quantity: 4, rate: 12.5 }],
    }
    const [created] = await conn.object('salesOrder').upsert('externalId', [row])
    expect(created).toMatchObject({ ok: true, created: true })
    const [updated] = await conn.object('salesOrder').upsert('externalId', [{ ...row, memo: 'CRM Bigger deal' }])
    expect(updated).toMatchObject({ ok: true, created: false })
    const id = created?.ok ? created.id : ''
    expect(sandbox.records.get('salesOrder', id)).toMatchObject({ memo: 'CRM Bigger deal', total: 50 })
    expect(sandbox.records.get('salesOrder', id)?.item).toMatchObject({ items: [expect.anything()] })

    // A line dropped at the source goes; PATCH by id replaces the same way.
    const [second] = sandbox.records.ids('inventoryItem').slice(1)
    const lines = [
      { item: conn.referenceValue!(item!), quantity: 1, rate: 10 },
      { item: conn.referenceValue!(second!), quantity: 1, rate: 5 },
    ]
    expect((await conn.object('salesOrder').update([{ id, item: lines }]))[0]).toMatchObject({ ok: true })
    expect(sandbox.records.get('salesOrder', id)).toMatchObject({ total: 15 })
    await conn.object('salesOrder').update([{ id, item: lines.slice(1) }])
    expect(sandbox.records.get('salesOrder', id)).toMatchObject({ total: 5 })
  })
})
