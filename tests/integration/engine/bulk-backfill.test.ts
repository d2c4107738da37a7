import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backfill } from '../../../src/engine/backfill.ts'
import { createLogger } from '../../../src/lib/logger.ts'
import { type RuntimeFixture, startRuntimeFixture } from '../../helpers/runtime-fixture.ts'
import { waitFor } from '../../helpers/wait-for.ts'

const items = 600

/**
 * A bulk run: a backfill of ERP items into the CRM with many jobs running at once. Their upserts gather
 * into batches bigger than one sObject Collections call, and a batch of the connection's bulk threshold
 * (lowered here to 300 rows, above one Collections call's 200) goes out as one Bulk API 2.0 ingest job,
 * every job still getting its own result: each item becomes exactly one Product2, in a handful of calls.
 *
 * Deterministic by arithmetic, not timing: the linger is ten seconds, so batches go out only when full —
 * 600 reads are 3 full read batches of 200, 600 upserts are 2 full bulk batches of 300.
 */
describe('a bulk backfill into the CRM', () => {
  let fx: RuntimeFixture

  beforeAll(async () => {
    fx = await startRuntimeFixture({
      flows: ['products'],
      roles: { intake: true, workers: true },
      pollEvery: '1h',
      editConnector: { crm: (yaml) => `${yaml}\nbulk: { threshold: 300, pollMs: 20 }\n` },
      env: { TANDEM_WORKER_CONCURRENCY: '1000', TANDEM_BATCH_LINGER_MS: '10000' },
    })
    for (let i = 0; i < items; i++) {
      fx.erp.records.create('inventoryItem', { itemId: `BULK-${i}`, displayName: `Bulk item ${i}`, cost: 1 + i })
    }
  })
  afterAll(async () => {
    await fx?.close()
  })

  it('writes every item once, through Bulk API jobs, in far fewer CRM calls than records', async () => {
    const callsBefore = fx.crm.apiUsage()
    const flow = fx.rt.flows.get('products')!
    await backfill({ store: fx.rt.store, ingest: fx.rt.ingest, logger: createLogger('silent') }, flow, {
      window: items,
    })
    const erpIds = new Set(fx.erp.records.ids('inventoryItem'))
    const products = () => [...fx.crm.org.records('Product2')].filter((p) => erpIds.has(String(p.ERP_Item_Id__c)))
    await waitFor(() => products().length === items, { timeoutMs: 60_000, what: `${items} Product2 records` })
    const byItem = new Map<string, number>()
    for (const p of products()) byItem.set(String(p.ERP_Item_Id__c), (byItem.get(String(p.ERP_Item_Id__c)) ?? 0) + 1)
    expect([...byItem.values()].every((n) => n === 1)).toBe(true)
    expect(fx.crm.state.bulkJobs.list('ingest')).toHaveLength(2)
    // A bulk job is a handful of calls (create, upload, close, poll, results); one call per record would be 600.
    expect(fx.crm.apiUsage() - callsBefore).toBeLessThan(items / 20)
  })
})
