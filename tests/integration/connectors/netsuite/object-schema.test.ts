import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNetSuiteConnection } from '../../../../src/connectors/netsuite/connection.ts'
import { netsuite } from '../../../../src/connectors/netsuite/index.ts'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../../../src/connectors/netsuite/sandbox/server.ts'
import type { Connection, SourceRecord } from '../../../../src/connectors/types.ts'

/** describe, listAll and update over real HTTP: what mapping checks, reconciliation and linking rely on. */

const logger = { debug() {}, info() {}, warn() {}, error() {} }

describe('NetSuite object schema, listing and updates', () => {
  let sandbox: NetSuiteSandbox
  let conn: Connection

  beforeAll(async () => {
    sandbox = await startNetSuiteSandbox({ seed: true })
    const settings = netsuite.sandboxConfig({ type: 'netsuite', accountId: '', auth: {} }, sandbox)
    conn = createNetSuiteConnection(netsuite.configSchema.parse(settings), { logger })
  })
  afterAll(async () => {
    await conn.close()
    await sandbox.close()
  })

  it('describes a record type from the metadata catalog', async () => {
    const schema = await conn.object('customer').describe()
    expect(schema.fields.companyName).toMatchObject({ type: 'string', length: 83, readOnly: false })
    expect(schema.fields.subsidiary).toMatchObject({ type: 'reference', required: true })
    expect(schema.fields.externalId).toMatchObject({ externalId: true })
    expect(schema.fields.balance).toMatchObject({ type: 'double', readOnly: true })
    expect(schema.fields.lastModifiedDate).toMatchObject({ type: 'datetime', readOnly: true })
    await expect(conn.object('nosuchrecord').describe()).rejects.toMatchObject({ code: 'NS_NONEXISTENT_ID' })
  })

  it('lists every record in pages, and only those modified since an instant', async () => {
    const customers = conn.object('customer')
    const rows = Array.from({ length: 25 }, (_, i) => ({
      externalId: `LIST-${i}`,
      companyName: `Listed ${i}`,
      subsidiary: { id: '1' },
    }))
    expect((await customers.upsert('externalId', rows)).every((r) => r.ok)).toBe(true)
    const pages: SourceRecord[][] = []
    for await (const page of customers.listAll({ fields: ['companyName', 'externalId'], pageSize: 10 }))
      pages.push(page)
    const all = pages.flat()
    expect(pages.length).toBeGreaterThanOrEqual(3)
    expect(all.length).toBe(sandbox.records.count('customer'))
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length)
    expect(all.find((r) => r.data.externalId === 'LIST-7')?.data.companyName).toBe('Listed 7')

    const newest = all.map((r) => Date.parse(r.modifiedAt!)).sort((a, b) => b - a)[0]!
    const recent: SourceRecord[] = []
    for await (const page of customers.listAll({ since: new Date(newest).toISOString() })) recent.push(...page)
    expect(recent.length).toBeGreaterThan(0)
    expect(recent.every((r) => Date.parse(r.modifiedAt!) >= newest)).toBe(true)
  })

  it('updates records by internal id, one result per row in order', async () => {
    const customers = conn.object('customer')
    const [created] = await customers.upsert('externalId', [
      { externalId: 'UPD-1', companyName: 'Before', subsidiary: { id: '1' } },
    ])
    const id = (created as { id: string }).id
    const results = await customers.update([
      { id, companyName: 'After', externalId: 'UPD-1b' },
      { id: '999999', companyName: 'Nobody' },
    ])
    expect(results[0]).toEqual({ ok: true, id, created: false })
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'NS_NONEXISTENT_ID', kind: 'permanent' } })
    expect(sandbox.customers().find((c) => c.externalId === 'UPD-1b')?.companyName).toBe('After')
  })

  it('writes references as { id } and keeps dates in the account’s zone', () => {
    expect(conn.referenceValue?.('42')).toEqual({ id: '42' })
    expect(conn.timeZone).toBe(sandbox.credentials.timeZone)
  })
})
