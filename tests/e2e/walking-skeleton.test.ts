import { randomBytes } from 'node:crypto'
import { Connection as JsforceConnection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../src/connectors/netsuite/sandbox/server.ts'
import { type SalesforceSandbox, startSalesforceSandbox } from '../../src/connectors/salesforce/sandbox/server.ts'
import { buildChangeEventRequest } from '../../src/connectors/salesforce/webhook.ts'
import { createScaleDeployment, type TestDir } from '../helpers/databases.ts'
import { type ServiceProcess, startTandem } from '../helpers/service-process.ts'
import { createTandemHome, type TandemHome } from '../helpers/tandem-home.ts'
import { waitFor } from '../helpers/wait-for.ts'

/**
 * The walking skeleton end to end: the service as child processes, both sandboxes over HTTP, once in
 * embedded mode (SQLite, local queue, one process) and once in scale mode (PostgreSQL, BullMQ, a separate
 * worker process).
 */

/** The bootstrap admin token the service accepts from its environment. */
const adminToken = `e2e-admin-${randomBytes(16).toString('hex')}`

interface Mode {
  name: string
  setup(): Promise<{ env: Record<string, string>; separateWorker: boolean; cleanup(): Promise<void> }>
}

const modes: Mode[] = [
  {
    name: 'embedded',
    async setup() {
      return { env: {}, separateWorker: false, cleanup: async () => {} }
    },
  },
  {
    name: 'scale',
    async setup() {
      return { ...(await createScaleDeployment('tandem-e2e')), separateWorker: true }
    },
  },
]

describe.each(modes)('walking skeleton, $name mode', (mode) => {
  let crm: SalesforceSandbox
  let erp: NetSuiteSandbox
  let home: TestDir
  let tandemHome: TandemHome
  let env: Record<string, string>
  let cleanup: () => Promise<void>
  let separateWorker: boolean
  let service: ServiceProcess
  let worker: ServiceProcess | undefined
  let sf: JsforceConnection

  async function startWorker(): Promise<ServiceProcess> {
    return startTandem(['worker'], env)
  }

  beforeAll(async () => {
    crm = await startSalesforceSandbox({})
    erp = await startNetSuiteSandbox({})
    tandemHome = createTandemHome({ crm, erp, flows: ['customers'] })
    home = tandemHome.dir
    const setup = await mode.setup()
    cleanup = setup.cleanup
    separateWorker = setup.separateWorker
    const c = crm.credentials
    env = {
      ...setup.env,
      ...tandemHome.env,
      PORT: '0',
      TANDEM_ADMIN_TOKEN: adminToken,
      TANDEM_JOB_LEASE_MS: '1500',
      TANDEM_RETRY_BASE_MS: '50',
      TANDEM_RETRY_MAX_MS: '500',
      TANDEM_SWEEP_EVERY_MS: '200',
      TANDEM_SWEEP_GRACE_MS: '1000',
    }
    service = await startTandem(['serve'], env)
    if (separateWorker) worker = await startWorker()
    sf = new JsforceConnection({ oauth2: { loginUrl: crm.url, clientId: c.clientId, clientSecret: c.clientSecret } })
    await sf.login(c.username!, c.password!)
  })

  afterAll(async () => {
    await worker?.kill()
    await service?.kill()
    await crm?.close()
    await erp?.close()
    await cleanup?.()
    home?.remove()
  })

  const customersWith = (accountId: string) => erpCustomers(erp).filter((r) => r.externalId === accountId)

  async function sendWebhook(ids: string[], transactionKey: string, headersOverride?: Record<string, string>) {
    const { body, headers } = await buildChangeEventRequest(crm.credentials.webhookSecret!, [
      { object: 'Account', recordIds: ids, changeType: 'CREATE', transactionKey },
    ])
    return fetch(`${service.url}/webhooks/crm`, { method: 'POST', headers: { ...headers, ...headersOverride }, body })
  }

  async function flowCounts() {
    const res = await fetch(`${service.url}/api/v1/flows`, { headers: { authorization: `Bearer ${adminToken}` } })
    const body = (await res.json()) as {
      flows: { name: string; counts: { synced: number; pending: number; failed: number } }[]
    }
    return body.flows.find((f) => f.name === 'customers')!.counts
  }

  it('syncs an Account created in the CRM to an ERP customer with its mapped fields, on a signed webhook', async () => {
    const created = await sf
      .sobject('Account')
      .create({ Name: 'Công ty TNHH Đồng Hành', Phone: '+84 28 3822 0001', Website: 'https://dong-hanh.vn' })
    const res = await sendWebhook([created.id!], `tx-${created.id}`)
    expect(res.status).toBe(202)
    const [customer] = await waitFor(
      () => {
        const found = customersWith(created.id!)
        return found.length > 0 ? found : undefined
      },
      { what: 'the ERP customer' },
    )
    expect(customer).toMatchObject({
      companyName: 'Công ty TNHH Đồng Hành',
      phone: '+842838220001',
      url: 'https://dong-hanh.vn',
    })
    expect(customer?.subsidiary).toBe('1')
  })

  it('creates one customer when the same webhook arrives three times', async () => {
    const created = await sf.sobject('Account').create({ Name: 'Thrice Delivered Ltd' })
    const { body, headers } = await buildChangeEventRequest(crm.credentials.webhookSecret!, [
      { object: 'Account', recordIds: [created.id!], changeType: 'CREATE', transactionKey: `dup-${created.id}` },
    ])
    const answers = []
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${service.url}/webhooks/crm`, { method: 'POST', headers, body })
      answers.push(await res.json())
    }
    expect(answers).toEqual([
      { accepted: 1, duplicates: 0, ignored: 0 },
      { accepted: 0, duplicates: 1, ignored: 0 },
      { accepted: 0, duplicates: 1, ignored: 0 },
    ])
    await waitFor(() => customersWith(created.id!).length === 1, { what: 'the customer' })
    await waitFor(async () => (await flowCounts()).pending === 0, { what: 'nothing pending' })
    expect(customersWith(created.id!)).toHaveLength(1)
  })

  it('answers 401 to a bad or stale signature and stores nothing', async () => {
    const created = await sf.sobject('Account').create({ Name: 'Never Signed Right' })
    const before = await flowCounts()
    const bad = await sendWebhook([created.id!], 'bad', { 'x-tandem-signature': `v1=${'0'.repeat(64)}` })
    expect(bad.status).toBe(401)
    const stale = await buildChangeEventRequest(
      crm.credentials.webhookSecret!,
      [{ object: 'Account', recordIds: [created.id!], changeType: 'CREATE', transactionKey: 'stale' }],
      Date.now() - 6 * 60_000,
    )
    const staleRes = await fetch(`${service.url}/webhooks/crm`, {
      method: 'POST',
      headers: stale.headers,
      body: stale.body,
    })
    expect(staleRes.status).toBe(401)
    expect(await flowCounts()).toEqual(before)
  })

  it('picks up a change made without a webhook by polling', async () => {
    const created = await sf.sobject('Account').create({ Name: 'Quiet Change Co' })
    await waitFor(() => customersWith(created.id!).length === 1, { what: 'the polled account to sync' })
    await sf.sobject('Account').update({ Id: created.id!, Phone: '+1 206 555 0199' })
    await waitFor(() => customersWith(created.id!)[0]?.phone === '+12065550199', { what: 'the polled edit to sync' })
  })

  it('loses no accepted event when the worker is SIGKILLed mid-run and started again', async () => {
    setErpLatency(erp, 800)
    const ids: string[] = []
    for (let i = 0; i < 4; i++) ids.push((await sf.sobject('Account').create({ Name: `Crash Survivor ${i}` })).id!)
    const res = await sendWebhook(ids, `crash-${ids[0]}`)
    expect(res.status).toBe(202)
    // Wait until a job is running against the slow ERP, then kill the process that runs it.
    await waitFor(
      async () => {
        const r = await fetch(`${service.url}/api/v1/flows`, { headers: { authorization: `Bearer ${adminToken}` } })
        return ((await r.json()) as { queue: { active: number } }).queue.active > 0
      },
      { what: 'a running job' },
    )
    if (separateWorker) {
      await worker!.kill('SIGKILL')
      worker = await startWorker()
    } else {
      await service.kill('SIGKILL')
      service = await startTandem(['serve'], env)
    }
    setErpLatency(erp, 0)
    await waitFor(() => ids.every((id) => customersWith(id).length === 1), {
      timeoutMs: 30_000,
      what: 'every account to sync',
    })
    for (const id of ids) expect(customersWith(id)).toHaveLength(1)
  })

  it('reports synced, pending and failed counts per flow', async () => {
    const counts = await waitFor(async () => {
      const c = await flowCounts()
      return c.pending === 0 ? c : undefined
    })
    expect(counts.synced).toBeGreaterThanOrEqual(8)
    expect(counts.failed).toBe(0)
  })
})

// ERP-side probes through the NetSuite sandbox's own handle (the sandbox is this test's fixture).
function erpCustomers(
  erp: NetSuiteSandbox,
): { externalId?: string; companyName?: string; phone?: string; url?: string; subsidiary?: string }[] {
  return erp.customers()
}
function setErpLatency(erp: NetSuiteSandbox, ms: number): void {
  erp.setLatency(ms)
}
