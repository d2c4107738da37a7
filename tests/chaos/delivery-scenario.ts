import { randomBytes } from 'node:crypto'
import { Connection as JsforceConnection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../src/connectors/netsuite/sandbox/server.ts'
import { type SalesforceSandbox, startSalesforceSandbox } from '../../src/connectors/salesforce/sandbox/server.ts'
import { buildChangeEventRequest } from '../../src/connectors/salesforce/webhook.ts'
import { createScaleDeployment } from '../helpers/databases.ts'
import { type ServiceProcess, startTandem } from '../helpers/service-process.ts'
import { createTandemHome, type TandemHome } from '../helpers/tandem-home.ts'
import { waitFor } from '../helpers/wait-for.ts'

const adminToken = `chaos-admin-${randomBytes(16).toString('hex')}`
const accounts = 2_000
const invalid = 25
const orders = 500

type Row = Record<string, unknown> & { Id: string }
type FlowCounts = { name: string; counts: { synced: number; pending: number } }

export interface Mode {
  name: string
  workers: number
  setup(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>
}

export const embeddedMode: Mode = {
  name: 'embedded',
  workers: 0,
  setup: async () => ({ env: {}, cleanup: async () => {} }),
}

export const scaleMode: Mode = {
  name: 'scale',
  workers: 2,
  setup: () => createScaleDeployment('tandem-chaos'),
}

/**
 * Delivery promises under faults (DESIGN.md, "The pipeline and its promises"): 2,000 accounts and 500 won
 * opportunities with their lines, a fifth of the calls to both systems failing transiently, every webhook
 * delivered twice and out of order (orders before their accounts), the worker killed twice, and invalid
 * records among them. Afterwards each valid account is in the ERP exactly once with the right fields, each
 * order exactly once with its customer and lines, nothing is left pending, and every invalid account is a
 * dead letter with the ERP's error code.
 */
export function deliveryUnderFaults(mode: Mode): void {
  describe(`delivery under faults, ${mode.name} mode`, () => {
    let crm: SalesforceSandbox
    let erp: NetSuiteSandbox
    let home: TandemHome
    let service: ServiceProcess
    let workers: ServiceProcess[] = []
    let env: Record<string, string>
    let cleanup: () => Promise<void>
    let sf: JsforceConnection
    const valid: string[] = []
    const broken: string[] = []
    /** Won opportunity id → its account and line quantities, as the ERP's sales order must show them. */
    const deals = new Map<string, { accountId: string; quantities: number[] }>()

    const api = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${service.url}/api/v1${path}`, { headers: { authorization: `Bearer ${adminToken}` } })
      return (await res.json()) as T
    }
    const clearFaults = async () => {
      erp.faults.clear()
      erp.faults.setErrorRate(0)
      const res = await fetch(`${crm.url}/__sandbox/faults`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${sf.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ errorRate: 0 }),
      })
      expect(res.ok, await res.text()).toBe(true)
    }
    /** Kills whichever process runs the jobs and starts it again. */
    const killWorker = async () => {
      if (mode.workers > 0) {
        await workers[0]!.kill('SIGKILL')
        workers[0] = await startTandem(['worker'], env)
      } else {
        await service.kill('SIGKILL')
        service = await startTandem(['serve'], env)
      }
    }

    beforeAll(async () => {
      // The org's custom fields (the price book entry key) come from the shipped schema file.
      crm = await startSalesforceSandbox({
        schemaFile: new URL('../../connectors/crm.schema.json', import.meta.url).pathname,
      })
      // Seeded: the ERP's items are the catalogue the orders' lines refer to.
      erp = await startNetSuiteSandbox({ seed: true })
      home = createTandemHome({
        crm,
        erp,
        flows: ['customers', 'products', 'product-prices', 'orders'],
        pollEvery: '2s',
        edit: {
          customers: (yaml) =>
            yaml.replace(
              'subsidiary: { value: { id: "1" } }',
              `subsidiary: { expr: "Description = 'no subsidiary' ? null : { 'id': '1' }" }`,
            ),
        },
      })
      const setup = await mode.setup()
      cleanup = setup.cleanup
      env = {
        ...home.env,
        ...setup.env,
        PORT: '0',
        TANDEM_ADMIN_TOKEN: adminToken,
        TANDEM_JOB_ATTEMPTS: '12',
        TANDEM_RETRY_BASE_MS: '20',
        TANDEM_RETRY_MAX_MS: '400',
        TANDEM_JOB_LEASE_MS: '2000',
        TANDEM_SWEEP_EVERY_MS: '300',
        TANDEM_SWEEP_GRACE_MS: '1500',
        TANDEM_WORKER_CONCURRENCY: '16',
        // Transient faults are the point here: the circuit must not pause the flows in the middle of the test.
        TANDEM_CIRCUIT_OPEN_AFTER_MS: '600000',
      }
      const c = crm.credentials
      sf = new JsforceConnection({ oauth2: { loginUrl: crm.url, clientId: c.clientId, clientSecret: c.clientSecret } })
      await sf.login(c.username!, c.password!)
      const records = Array.from({ length: accounts }, (_, i) => ({
        Name: `Chaos ${mode.name} ${i}`,
        ...(i % (accounts / invalid) === 0 ? { Description: 'no subsidiary' } : {}),
      }))
      const results = await sf.sobject('Account').create(records, { allowRecursive: true })
      for (const [i, r] of results.entries()) {
        expect(r.success).toBe(true)
        ;(records[i]!.Description ? broken : valid).push(r.id!)
      }
      service = await startTandem(['serve'], env)
      workers = await Promise.all(Array.from({ length: mode.workers }, () => startTandem(['worker'], env)))

      // The ERP's catalogue reaches the CRM's standard price book before any fault: the lines need it.
      const items = erp.records.list('inventoryItem').length
      const entries = await waitFor(
        async () => {
          const rows = (await sf.query<Row>('SELECT Id, UnitPrice FROM PricebookEntry WHERE ERP_Price_Key__c != null'))
            .records
          return rows.length >= items ? rows : undefined
        },
        { timeoutMs: 60_000, what: 'a price book entry for every ERP item' },
      )
      const [book] = (await sf.query<Row>('SELECT Id FROM Pricebook2 WHERE IsStandard = true')).records
      const opportunities = await sf.sobject('Opportunity').create(
        valid.slice(0, orders).map((accountId, i) => ({
          Name: `Chaos deal ${mode.name} ${i}`,
          AccountId: accountId,
          StageName: 'Prospecting',
          CloseDate: '2026-11-20',
          Pricebook2Id: book!.Id,
        })),
        { allowRecursive: true },
      )
      const lines: Record<string, unknown>[] = []
      for (const [i, r] of opportunities.entries()) {
        expect(r.success).toBe(true)
        const quantities = Array.from({ length: 1 + (i % entries.length) }, (_, j) => 1 + ((i + j) % 5))
        deals.set(r.id!, { accountId: valid[i]!, quantities })
        for (const [j, quantity] of quantities.entries()) {
          const e = entries[j]!
          lines.push({ OpportunityId: r.id, PricebookEntryId: e.Id, Quantity: quantity, UnitPrice: e.UnitPrice })
        }
      }
      for (const r of await sf.sobject('OpportunityLineItem').create(lines, { allowRecursive: true })) {
        expect(r.success).toBe(true)
      }
    })

    afterAll(async () => {
      await Promise.all(workers.map((w) => w.kill()))
      await service?.kill()
      await crm?.close()
      await erp?.close()
      await cleanup?.()
      home?.dir.remove()
    })

    it('syncs every valid account and order exactly once and parks every invalid one, through faults, duplicates and crashes', async () => {
      // Won only now, so every order meets the faults below.
      const won = await sf.sobject('Opportunity').update(
        [...deals.keys()].map((Id) => ({ Id, StageName: 'Closed Won' })),
        { allowRecursive: true },
      )
      expect(won.every((r) => r.success)).toBe(true)
      // A fifth of the calls to each system fail transiently: 5xx, 429, locked records.
      const faults = await fetch(`${crm.url}/__sandbox/faults`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${sf.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ errorRate: 0.2, errors: ['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE'] }),
      })
      expect(faults.ok, await faults.text()).toBe(true)
      erp.faults.setErrorRate(0.2, [503, 500, 429, 'locked'])

      // Every change event twice, the batches in reverse order (so orders arrive before their accounts),
      // the second copy shuffled further.
      const changes = [
        ...chunk([...valid, ...broken], 100).map((ids) => ({ object: 'Account', ids })),
        ...chunk([...deals.keys()], 100).map((ids) => ({ object: 'Opportunity', ids })),
      ]
      const send = async (object: string, ids: string[], key: string) => {
        const { body, headers } = await buildChangeEventRequest(crm.credentials.webhookSecret!, [
          { object, recordIds: ids, changeType: 'UPDATE', transactionKey: key },
        ])
        const res = await fetch(`${service.url}/webhooks/crm`, { method: 'POST', headers, body })
        expect(res.status).toBe(202)
      }
      for (const [i, c] of [...changes.entries()].reverse()) await send(c.object, c.ids, `chaos-${i}`)
      await killWorker()
      for (const [i, c] of changes.entries()) await send(c.object, [...c.ids].reverse(), `chaos-${i}`)
      const flowsNow = () =>
        api<{ flows: FlowCounts[]; queue: { waiting: number; active: number; delayed: number } }>('/flows')
      const countsOf = (flows: FlowCounts[], name: string) => flows.find((f) => f.name === name)!.counts
      await waitFor(async () => countsOf((await flowsNow()).flows, 'customers').synced > accounts / 4, {
        timeoutMs: 60_000,
        what: 'a quarter synced',
      })
      await killWorker()

      await waitFor(
        async () => {
          const { flows, queue } = await flowsNow()
          const customers = countsOf(flows, 'customers')
          const sales = countsOf(flows, 'orders')
          return (
            customers.synced === valid.length &&
            sales.synced === orders &&
            flows.every((f) => f.counts.pending === 0) &&
            queue.waiting + queue.active + queue.delayed === 0
          )
        },
        { timeoutMs: 240_000, intervalMs: 250, what: 'every valid account and order synced and nothing pending' },
      )

      const byExternalId = new Map<string, number>()
      for (const c of erp.customers())
        if (c.externalId) byExternalId.set(c.externalId, (byExternalId.get(c.externalId) ?? 0) + 1)
      for (const id of valid) expect(byExternalId.get(id), `customers for ${id}`).toBe(1)
      for (const id of broken) expect(byExternalId.get(id)).toBeUndefined()
      const names = new Map(erp.customers().map((c) => [c.externalId, c.companyName]))
      expect(names.get(valid[7]!)).toMatch(/^Chaos /)

      // Each order once, for the one customer of its account, with its lines.
      const customerIdOf = new Map(erp.customers().map((c) => [c.externalId, c.id]))
      type SalesOrder = { externalId?: string; entity: { id: string }; item: { items: { quantity: number }[] } }
      const salesOrders = erp.records.list('salesOrder').filter((o) => deals.has(String(o.externalId)))
      expect(salesOrders).toHaveLength(orders)
      for (const summary of salesOrders) {
        const deal = deals.get(String(summary.externalId))!
        const order = erp.records.get('salesOrder', String(summary.id)) as unknown as SalesOrder
        expect(order.entity.id, `customer of order ${summary.externalId}`).toBe(customerIdOf.get(deal.accountId))
        expect(order.item.items.map((l) => l.quantity)).toEqual(deal.quantities)
      }

      await clearFaults()
      const letters = await api<{ deadLetters: { sourceId: string; error: { code: string } }[] }>(
        '/dead-letters?code=NS_USER_ERROR&limit=500',
      )
      expect(letters.deadLetters.map((d) => d.sourceId).sort()).toEqual([...broken].sort())
    })

    if (mode.workers > 0) {
      it('never lets the ERP see more requests in flight than its ceiling, with several worker processes', async () => {
        await clearFaults()
        workers.push(await startTandem(['worker'], env))
        erp.governance.resetStats()
        erp.setLatency(15)
        const more = await sf.sobject('Account').create(
          Array.from({ length: 200 }, (_, i) => ({ Name: `Ceiling ${i}` })),
          { allowRecursive: true },
        )
        const ids = more.map((r) => r.id!)
        const { body, headers } = await buildChangeEventRequest(crm.credentials.webhookSecret!, [
          { object: 'Account', recordIds: ids, changeType: 'CREATE', transactionKey: 'ceiling' },
        ])
        const res = await fetch(`${service.url}/webhooks/crm`, { method: 'POST', headers, body })
        expect(res.status).toBe(202)
        await waitFor(
          async () => {
            const inErp = new Set(erp.customers().map((c) => c.externalId))
            const missing = ids.filter((id) => !inErp.has(id)).length
            // Thrown, so a timeout shows how far it got and what the service says.
            if (missing > 0) throw new Error(`${missing} missing; ${JSON.stringify(await api('/flows'))}`)
            return true
          },
          { timeoutMs: 120_000, intervalMs: 500, what: 'the 200 accounts in the ERP' },
        )
        erp.setLatency(0)
        expect(erp.governance.maxInFlight).toBeLessThanOrEqual(5)
        expect(erp.governance.rejected).toBe(0)
      })
    }
  })
}

function chunk<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size))
  return out
}
