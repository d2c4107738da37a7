import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { Connection as JsforceConnection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../src/connectors/netsuite/sandbox/server.ts'
import { type SalesforceSandbox, startSalesforceSandbox } from '../../src/connectors/salesforce/sandbox/server.ts'
import { buildChangeEventRequest } from '../../src/connectors/salesforce/webhook.ts'
import { createPostgresSchema, type TestDatabase, testRedisUrl, uniqueName } from '../helpers/databases.ts'
import { type ServiceProcess, startTandem } from '../helpers/service-process.ts'
import { createTandemHome, type TandemHome } from '../helpers/tandem-home.ts'
import { waitFor } from '../helpers/wait-for.ts'

const adminToken = `chaos-admin-${randomBytes(16).toString('hex')}`
const accounts = 2_000
const invalid = 25

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
  async setup() {
    const db: TestDatabase = await createPostgresSchema()
    const prefix = uniqueName('tandem-chaos')
    return {
      env: { DATABASE_URL: db.url, REDIS_URL: testRedisUrl, TANDEM_QUEUE_PREFIX: prefix },
      async cleanup() {
        await db.drop()
        const redis = new Redis(testRedisUrl)
        const keys = await redis.keys(`${prefix}:*`)
        if (keys.length) await redis.del(...keys)
        await redis.quit()
      },
    }
  },
}

/**
 * Delivery promises under faults (DESIGN.md, "The pipeline and its promises"): 2,000 accounts, a fifth of
 * the calls to both systems failing transiently, every webhook delivered twice and out of order, the
 * worker killed twice, and invalid records among them. Afterwards each valid account is in the ERP exactly
 * once with the right fields, nothing is left pending, and every invalid one is a dead letter with the
 * ERP's error code.
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

    const api = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${service.url}/api/v1${path}`, { headers: { authorization: `Bearer ${adminToken}` } })
      return (await res.json()) as T
    }
    const clearFaults = async () => {
      erp.faults.clear()
      erp.faults.setErrorRate(0)
      await fetch(`${crm.url}/__sandbox/faults`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${sf.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ errorRate: 0 }),
      })
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
      crm = await startSalesforceSandbox({})
      erp = await startNetSuiteSandbox({})
      home = createTandemHome({
        crm,
        erp,
        flows: ['customers'],
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
    })

    afterAll(async () => {
      await Promise.all(workers.map((w) => w.kill()))
      await service?.kill()
      await crm?.close()
      await erp?.close()
      await cleanup?.()
      home?.dir.remove()
    })

    it('syncs every valid account exactly once and parks every invalid one, through faults, duplicates and crashes', async () => {
      // A fifth of the calls to each system fail transiently: 5xx, 429, locked records.
      const faults = await fetch(`${crm.url}/__sandbox/faults`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${sf.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ errorRate: 0.2, errors: ['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE'] }),
      })
      expect(faults.ok, await faults.text()).toBe(true)
      erp.faults.setErrorRate(0.2, [503, 500, 429, 'locked'])

      // Every change event twice, the batches in reverse order, the second copy shuffled further.
      const ids = [...valid, ...broken]
      const batches: string[][] = []
      for (let i = 0; i < ids.length; i += 100) batches.push(ids.slice(i, i + 100))
      const send = async (batch: string[], key: string) => {
        const { body, headers } = await buildChangeEventRequest(crm.credentials.webhookSecret!, [
          { object: 'Account', recordIds: batch, changeType: 'CREATE', transactionKey: key },
        ])
        const res = await fetch(`${service.url}/webhooks/crm`, { method: 'POST', headers, body })
        expect(res.status).toBe(202)
      }
      for (const [i, batch] of [...batches.entries()].reverse()) await send(batch, `chaos-${i}`)
      await killWorker()
      for (const [i, batch] of batches.entries()) await send([...batch].reverse(), `chaos-${i}`)
      await waitFor(
        async () =>
          (await api<{ flows: { counts: { synced: number } }[] }>('/flows')).flows[0]!.counts.synced > accounts / 4,
        {
          timeoutMs: 60_000,
          what: 'a quarter synced',
        },
      )
      await killWorker()

      await waitFor(
        async () => {
          const { flows, queue } = await api<{
            flows: { counts: { synced: number; pending: number } }[]
            queue: { waiting: number; active: number; delayed: number }
          }>('/flows')
          const f = flows[0]!.counts
          return f.synced === valid.length && f.pending === 0 && queue.waiting + queue.active + queue.delayed === 0
        },
        { timeoutMs: 180_000, intervalMs: 250, what: 'every valid account synced and nothing pending' },
      )

      const byExternalId = new Map<string, number>()
      for (const c of erp.customers())
        if (c.externalId) byExternalId.set(c.externalId, (byExternalId.get(c.externalId) ?? 0) + 1)
      for (const id of valid) expect(byExternalId.get(id), `customers for ${id}`).toBe(1)
      for (const id of broken) expect(byExternalId.get(id)).toBeUndefined()
      const names = new Map(erp.customers().map((c) => [c.externalId, c.companyName]))
      expect(names.get(valid[7]!)).toMatch(/^Chaos /)

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
        await fetch(`${service.url}/webhooks/crm`, { method: 'POST', headers, body })
        await waitFor(() => ids.every((id) => erp.customers().some((c) => c.externalId === id)), {
          timeoutMs: 120_000,
          what: 'the 200 accounts in the ERP',
        })
        erp.setLatency(0)
        expect(erp.governance.maxInFlight).toBeLessThanOrEqual(5)
        expect(erp.governance.rejected).toBe(0)
      })
    }
  })
}
