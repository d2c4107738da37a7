import { Connection as JsforceConnection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decideLink, linkExisting } from '../../../src/engine/initial-link.ts'
import { createLogger } from '../../../src/lib/logger.ts'
import { type RuntimeFixture, startRuntimeFixture } from '../../helpers/runtime-fixture.ts'

/**
 * Initial linking on a pair of systems that already share customers, spelled differently on each side:
 * each is linked instead of duplicated, an ambiguous one waits for a person, a new one is created.
 */
describe('initial linking of pre-existing customers', () => {
  let fx: RuntimeFixture
  let sf: JsforceConnection
  const erpIds: Record<string, string> = {}
  const crmIds: Record<string, string> = {}

  beforeAll(async () => {
    fx = await startRuntimeFixture({
      flows: ['customers'],
      roles: { intake: false, workers: false },
      env: { TANDEM_RETRY_BASE_MS: '20', TANDEM_RETRY_MAX_MS: '200' },
    })
    for (const [key, companyName] of [
      ['saoMai', 'Công ty TNHH Sao Mai'],
      ['daiViet', 'Công ty Cổ phần Đại Việt'],
      ['binhMinh1', 'Công ty TNHH Bình Minh'],
      ['binhMinh2', 'Bình Minh Co., Ltd'],
    ] as const) {
      erpIds[key] = fx.erp.records.create('customer', { companyName, subsidiary: { id: '1' } })
    }
    const c = fx.crm.credentials
    sf = new JsforceConnection({ oauth2: { loginUrl: fx.crm.url, clientId: c.clientId, clientSecret: c.clientSecret } })
    await sf.login(c.username!, c.password!)
    for (const [key, Name] of [
      ['saoMai', 'SAO MAI CO., LTD'],
      ['daiViet', 'Dai Viet JSC'],
      ['binhMinh', 'Binh Minh LLC'],
      ['fresh', 'Công ty TNHH Hoàn Toàn Mới'],
    ] as const) {
      crmIds[key] = ((await sf.sobject('Account').create({ Name })) as { id: string }).id
    }
  })
  afterAll(async () => {
    await fx?.close()
  })

  it('links the pairs it can tell apart and keeps the ambiguous one for a person', async () => {
    const flow = fx.rt.flows.get('customers')!
    const summary = await linkExisting(flow, fx.rt.store, createLogger('silent'))
    expect(summary).toMatchObject({ linked: 2, ambiguous: 1 })
    const byId = new Map(fx.erp.customers().map((c) => [c.id, c]))
    expect(byId.get(erpIds.saoMai!)?.externalId).toBe(crmIds.saoMai)
    expect(byId.get(erpIds.daiViet!)?.externalId).toBe(crmIds.daiViet)
    expect((await fx.rt.store.xrefs.get('customers', crmIds.saoMai!))?.target_id).toBe(erpIds.saoMai)
    const [review] = await fx.rt.store.linkReviews.list('customers', 'open')
    expect(review).toMatchObject({ source_id: crmIds.binhMinh, key: 'companyName', value: 'binh minh' })
    expect([...review!.candidates].sort()).toEqual([erpIds.binhMinh1, erpIds.binhMinh2].sort())
    expect(byId.get(erpIds.binhMinh1!)?.externalId).toBeUndefined()
  })

  it('creates nothing twice once syncing starts, and links the ambiguous one as a person decides', async () => {
    const flow = fx.rt.flows.get('customers')!
    await decideLink(flow, fx.rt.store, crmIds.binhMinh!, { action: 'link', targetId: erpIds.binhMinh2! })
    expect(fx.erp.customers().find((c) => c.id === erpIds.binhMinh2)?.externalId).toBe(crmIds.binhMinh)
    // Upserts by external id now find the linked records: a sync of every account adds only the new one.
    const before = fx.erp.customers().length
    const rows = Object.values(crmIds).map((id) => ({
      externalId: id,
      companyName: `synced ${id}`,
      subsidiary: { id: '1' },
    }))
    const results = await flow.target.object.upsert('externalId', rows)
    expect(results.map((r) => r.ok && r.created)).toEqual([false, false, false, true])
    expect(fx.erp.customers().length).toBe(before + 1)
    expect(fx.erp.customers().filter((c) => c.externalId === crmIds.fresh)).toHaveLength(1)
  })
})
