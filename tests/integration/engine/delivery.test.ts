import { Connection as JsforceConnection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backfill } from '../../../src/engine/backfill.ts'
import { createLogger } from '../../../src/lib/logger.ts'
import { type RuntimeFixture, startRuntimeFixture } from '../../helpers/runtime-fixture.ts'
import { waitFor } from '../../helpers/wait-for.ts'

/**
 * Delivery behaviours of the running engine over real sandboxes and store: backfill (and resuming it),
 * the delete policy, and a burst of edits to one record coalescing into at most two writes.
 */
describe('delivery', () => {
  let fx: RuntimeFixture
  let sf: JsforceConnection
  const logger = createLogger('silent')
  const customerOf = (accountId: string) => fx.erp.customers().find((c) => c.externalId === accountId)
  const settled = () =>
    waitFor(async () => ((await fx.rt.store.inbox.pendingCounts()).get('customers') ?? 0) === 0, {
      what: 'nothing pending',
    })

  beforeAll(async () => {
    // Polling slowed to an hour and linking off: only what a test asks for is synced.
    fx = await startRuntimeFixture({
      flows: ['customers'],
      roles: { intake: true, workers: true },
      pollEvery: '1h',
      edit: { customers: (yaml) => yaml.replace(/\nlink:[\s\S]*$/, '\n') },
      env: { TANDEM_RETRY_BASE_MS: '20', TANDEM_RETRY_MAX_MS: '200' },
    })
    const c = fx.crm.credentials
    sf = new JsforceConnection({ oauth2: { loginUrl: fx.crm.url, clientId: c.clientId, clientSecret: c.clientSecret } })
    await sf.login(c.username!, c.password!)
  })
  afterAll(async () => {
    await fx?.close()
  })

  it('backfills existing records in windows, and a second run of the same range resumes past them', async () => {
    const created = await sf.sobject('Account').create(
      Array.from({ length: 30 }, (_, i) => ({ Name: `Backfilled ${i}` })),
      { allowRecursive: true },
    )
    const ids = created.map((r) => r.id!)
    const flow = fx.rt.flows.get('customers')!
    const windows: number[] = []
    const first = await backfill({ store: fx.rt.store, ingest: fx.rt.ingest, logger }, flow, {
      window: 10,
      onProgress: (p) => windows.push(p.enqueued),
    })
    expect(first).toMatchObject({ read: 30, enqueued: 30, resumedPast: 0, done: true })
    expect(windows.slice(0, 3)).toEqual([10, 20, 30])
    await waitFor(() => ids.every((id) => customerOf(id)), { what: 'every backfilled account in the ERP' })
    const again = await backfill({ store: fx.rt.store, ingest: fx.rt.ingest, logger }, flow, { window: 10 })
    expect(again).toMatchObject({ enqueued: 0, resumedPast: 30 })
    for (const id of ids) expect(fx.erp.customers().filter((c) => c.externalId === id)).toHaveLength(1)
  })

  it('marks the ERP customer inactive when its Account is deleted', async () => {
    const id = ((await sf.sobject('Account').create({ Name: 'Soon Deleted Ltd' })) as { id: string }).id
    await fx.rt.requestSync('customers', id, 'test')
    await waitFor(() => customerOf(id), { what: 'the customer' })
    expect(customerOf(id)?.isInactive).toBe(false)
    await sf.sobject('Account').destroy(id)
    await fx.rt.requestSync('customers', id, 'test-delete')
    await waitFor(() => customerOf(id)?.isInactive === true, { what: 'the customer marked inactive' })
    await settled()
    expect((await fx.rt.store.runs.forRecord('customers', id)).map((r) => r.status)[0]).toBe('written')
  })

  it('coalesces a burst of 50 change events for one record into at most two writes', async () => {
    const id = ((await sf.sobject('Account').create({ Name: 'Busy 0' })) as { id: string }).id
    for (let i = 1; i <= 50; i++) await sf.sobject('Account').update({ Id: id, Name: `Busy ${i}` })
    await Promise.all(Array.from({ length: 50 }, (_, i) => fx.rt.requestSync('customers', id, `burst-${i}`)))
    await waitFor(() => customerOf(id)?.companyName === 'Busy 50', { what: 'the last edit in the ERP' })
    await settled()
    // Without coalescing there would be 50 runs (the hash would still spare all but one write); with it, a
    // run, its one rerun, and at most one more for adds that landed during the rerun.
    const runs = await fx.rt.store.runs.forRecord('customers', id)
    expect(runs.length).toBeLessThanOrEqual(4)
    const written = runs.filter((r) => r.status === 'written')
    expect(written.length).toBeGreaterThanOrEqual(1)
    expect(written.length).toBeLessThanOrEqual(2)
  })
})
