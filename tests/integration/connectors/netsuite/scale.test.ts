import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NetSuiteClient } from '../../../../src/connectors/netsuite/client.ts'
import { resolveBaseUrl } from '../../../../src/connectors/netsuite/config-schema.ts'
import { createNetSuiteConnection } from '../../../../src/connectors/netsuite/connection.ts'
import { netsuite } from '../../../../src/connectors/netsuite/index.ts'
import { listAllRecords } from '../../../../src/connectors/netsuite/list-all.ts'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../../../src/connectors/netsuite/sandbox/server.ts'
import type { Connection, SourceRecord } from '../../../../src/connectors/types.ts'

/**
 * Volume over real HTTP: 10,000 records paged through SuiteQL and through the record list, and 2,000
 * upserts at once held to the account's five requests in flight.
 */

const logger = { debug() {}, info() {}, warn() {}, error() {} }
const total = 10_000

describe('NetSuite connector at volume', () => {
  let sandbox: NetSuiteSandbox
  let conn: Connection
  let client: NetSuiteClient

  beforeAll(async () => {
    sandbox = await startNetSuiteSandbox({})
    const base = Date.parse('2025-03-01T00:00:00Z')
    for (let i = 0; i < total; i++) {
      // Several records per second, so lastModifiedDate ties are common, as in a bulk import.
      sandbox.records.create(
        'customer',
        { companyName: `Volume ${i}`, subsidiary: { id: '1' } },
        { at: base + Math.floor(i / 4) * 1000 },
      )
    }
    const config = netsuite.configSchema.parse(
      netsuite.sandboxConfig({ type: 'netsuite', accountId: '', auth: {} }, sandbox),
    )
    conn = createNetSuiteConnection(config, { logger })
    client = new NetSuiteClient({
      accountId: config.accountId,
      baseUrl: resolveBaseUrl(config),
      auth: config.auth,
      maxConcurrent: 5,
    })
  }, 60_000)
  afterAll(async () => {
    await client.close()
    await conn.close()
    await sandbox.close()
  })

  const expectEveryRecordOnce = (records: SourceRecord[]) => {
    const ids = records.map((r) => r.id)
    expect(ids).toHaveLength(sandbox.records.count('customer'))
    expect(new Set(ids)).toEqual(new Set(sandbox.records.ids('customer')))
  }

  it('streams 10,000 records through SuiteQL in keyset pages, each with its modification time', async () => {
    sandbox.requestLog.clear()
    const pages: SourceRecord[][] = []
    for await (const page of conn.object('customer').listAll({ fields: [] })) pages.push(page)
    expectEveryRecordOnce(pages.flat())
    expect(pages.every((p) => p.length <= 1000)).toBe(true)
    expect(pages.flat().every((r) => r.modifiedAt?.startsWith('2025-03-01T'))).toBe(true)
    const targets = sandbox.requestLog.entries().map((e) => e.target)
    // Ids only: one query a page, no record read.
    expect(targets.filter((t) => t.includes('/query/v1/suiteql'))).toHaveLength(Math.ceil(total / 1000) + 1)
    expect(targets.some((t) => t.includes('/record/v1/customer/'))).toBe(false)
  })

  it('filters `since` inside the query, at the account-local second', async () => {
    const since = '2025-03-01T00:40:00Z'
    const recent: SourceRecord[] = []
    for await (const page of conn.object('customer').listAll({ fields: [], since })) recent.push(...page)
    const expected = sandbox.records
      .list('customer')
      .filter((c) => Date.parse(String(c.lastModifiedDate)) >= Date.parse(since))
    expect(recent.map((r) => r.id).sort()).toEqual(expected.map((c) => c.id).sort())
    expect(recent.length).toBeGreaterThan(0)
    expect(recent.length).toBeLessThan(total)
  })

  it('streams 10,000 records through the record list, 1,000 ids a page', async () => {
    sandbox.requestLog.clear()
    const pages: SourceRecord[][] = []
    const plan = { fields: [], since: undefined, pageSize: 1000 }
    const readOne = () => Promise.reject(new Error('an id-only listing reads no record'))
    for await (const page of listAllRecords(client, 'customer', null, 'UTC', plan, readOne)) pages.push(page)
    expectEveryRecordOnce(pages.flat())
    expect(pages).toHaveLength(total / 1000)
    const lists = sandbox.requestLog.entries().filter((e) => e.target.startsWith('/services/rest/record/v1/customer?'))
    expect(lists).toHaveLength(total / 1000)
  })
})

describe('NetSuite connector under the concurrency ceiling', () => {
  let sandbox: NetSuiteSandbox
  let conn: Connection

  beforeAll(async () => {
    sandbox = await startNetSuiteSandbox({ latencyMs: 1 })
    const config = netsuite.configSchema.parse(
      netsuite.sandboxConfig({ type: 'netsuite', accountId: '', auth: {} }, sandbox),
    )
    conn = createNetSuiteConnection(config, { logger })
  })
  afterAll(async () => {
    await conn.close()
    await sandbox.close()
  })

  it('keeps 2,000 parallel upserts at or under 5 in flight at the sandbox, every one succeeding', async () => {
    sandbox.governance.resetStats()
    const customers = conn.object('customer')
    // 40 batches of 50 rows: 2,000 PUTs requested at once, as the engine's batcher hands them over.
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, b) =>
        customers.upsert(
          'externalId',
          Array.from({ length: 50 }, (_, i) => ({
            externalId: `BULK-${b * 50 + i}`,
            companyName: `Bulk ${b * 50 + i}`,
            subsidiary: { id: '2' },
          })),
        ),
      ),
    )
    expect(results.flat().filter((r) => !r.ok)).toEqual([])
    expect(results.flat()).toHaveLength(2000)
    expect(results.flat().every((r) => r.ok && r.created)).toBe(true)
    expect(sandbox.governance.rejected).toBe(0)
    expect(sandbox.governance.maxInFlight).toBe(5)
    expect(sandbox.customers().filter((c) => c.externalId?.startsWith('BULK-'))).toHaveLength(2000)
  }, 30_000)
})
