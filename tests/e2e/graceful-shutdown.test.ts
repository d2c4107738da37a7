import { randomBytes } from 'node:crypto'
import { Connection as JsforceConnection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseEnv } from '../../src/config/env.ts'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../src/connectors/netsuite/sandbox/server.ts'
import { type SalesforceSandbox, startSalesforceSandbox } from '../../src/connectors/salesforce/sandbox/server.ts'
import { buildChangeEventRequest } from '../../src/connectors/salesforce/webhook.ts'
import type { SyncJobData } from '../../src/engine/flows.ts'
import { openStore } from '../../src/engine/runtime.ts'
import { createQueue } from '../../src/queue/create-queue.ts'
import { defaultRetryPolicy, type JobCounts } from '../../src/queue/job-queue.ts'
import { createScaleDeployment } from '../helpers/databases.ts'
import { type ServiceProcess, startTandem } from '../helpers/service-process.ts'
import { createTandemHome, type TandemHome } from '../helpers/tandem-home.ts'
import { waitFor } from '../helpers/wait-for.ts'
import { startWebhookStream } from '../helpers/webhook-stream.ts'

/**
 * SIGTERM under load (issue 7/9): a steady stream of signed webhooks, the processes told to stop in the
 * middle of it. Each must exit by itself with code 0 (the grace-period timer exits with 1), leave no job
 * running, and lose nothing it accepted: after a restart every record of every webhook answered 202 is in
 * the ERP, exactly once. Polling is off, so the inbox is the only way a record can get there.
 */

const adminToken = `shutdown-admin-${randomBytes(16).toString('hex')}`
const accounts = 60

interface Mode {
  name: 'embedded' | 'scale'
  setup(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>
}

const modes: Mode[] = [
  { name: 'embedded', setup: async () => ({ env: {}, cleanup: async () => {} }) },
  {
    name: 'scale',
    async setup() {
      return createScaleDeployment('tandem-shutdown')
    },
  },
]

/** The sync queue's counts as the store and Redis hold them, read while no Tandem process runs. */
async function queueCounts(env: Record<string, string>): Promise<JobCounts> {
  const parsed = parseEnv(env)
  const store = await openStore(parsed)
  const queue = createQueue<SyncJobData>(
    parsed.REDIS_URL
      ? { driver: 'bullmq', redisUrl: parsed.REDIS_URL, prefix: parsed.TANDEM_QUEUE_PREFIX }
      : { driver: 'local', jobs: store.jobs },
    { name: 'sync', retry: defaultRetryPolicy },
  )
  try {
    return await queue.counts()
  } finally {
    await queue.close()
    await store.close()
  }
}

/** Sends SIGTERM and waits for the exit; the exit code and what the process logged about its shutdown. */
async function terminate(p: ServiceProcess) {
  const sent = Date.now()
  await p.kill('SIGTERM')
  const lines = p
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string; level: number; step?: string; graceMs?: number })
  return { code: p.child.exitCode, ms: Date.now() - sent, lines }
}

describe.each(modes)('graceful shutdown under load, $name mode', (mode) => {
  let crm: SalesforceSandbox
  let erp: NetSuiteSandbox
  let home: TandemHome
  let env: Record<string, string>
  let cleanup: () => Promise<void>
  let service: ServiceProcess | undefined
  let worker: ServiceProcess | undefined
  let sf: JsforceConnection
  const ids: string[] = []

  const customersWith = (id: string) => erp.customers().filter((c) => c.externalId === id)
  const activeJobs = async () => {
    const res = await fetch(`${service!.url}/api/v1/flows`, { headers: { authorization: `Bearer ${adminToken}` } })
    return ((await res.json()) as { queue: { active: number } }).queue.active
  }
  const start = async (workerEnv: Record<string, string> = {}) => {
    ;[service, worker] = await Promise.all([
      startTandem(['serve'], env),
      mode.name === 'scale' ? startTandem(['worker'], { ...env, ...workerEnv }) : undefined,
    ])
  }

  beforeAll(async () => {
    crm = await startSalesforceSandbox({})
    erp = await startNetSuiteSandbox({})
    home = createTandemHome({
      crm,
      erp,
      flows: ['customers'],
      edit: { customers: (yaml) => yaml.replace(/\n {2}poll: \{[^}]*\}/, '') },
    })
    const setup = await mode.setup()
    cleanup = setup.cleanup
    env = {
      ...home.env,
      ...setup.env,
      PORT: '0',
      TANDEM_ADMIN_TOKEN: adminToken,
      TANDEM_SHUTDOWN_GRACE_MS: '20000',
      TANDEM_WORKER_CONCURRENCY: '8',
      TANDEM_JOB_LEASE_MS: '1500',
      TANDEM_RETRY_BASE_MS: '20',
      TANDEM_RETRY_MAX_MS: '200',
      TANDEM_SWEEP_EVERY_MS: '200',
      TANDEM_SWEEP_GRACE_MS: '1000',
    }
    const c = crm.credentials
    sf = new JsforceConnection({ oauth2: { loginUrl: crm.url, clientId: c.clientId, clientSecret: c.clientSecret } })
    await sf.login(c.username!, c.password!)
    const created = await sf.sobject('Account').create(
      Array.from({ length: accounts }, (_, i) => ({ Name: `Shutdown ${mode.name} ${i}` })),
      {
        allowRecursive: true,
      },
    )
    for (const r of created) ids.push(r.id!)
    await start()
  })

  afterAll(async () => {
    await worker?.kill()
    await service?.kill()
    await crm?.close()
    await erp?.close()
    await cleanup?.()
    home?.dir.remove()
  })

  it('drains on SIGTERM mid-load: exits 0 by itself, leaves no job running, loses no accepted event', async () => {
    // Slow ERP writes keep jobs running when the signal arrives.
    erp.setLatency(150)
    const url = service!.url
    const stream = startWebhookStream({
      url: () => url,
      connection: 'crm',
      secret: crm.credentials.webhookSecret!,
      recordIds: ids,
    })
    // Mid-load: webhooks accepted, records syncing (initial linking is over), jobs running right now.
    await waitFor(async () => stream.accepted().size >= 30 && erp.customers().length >= 3 && (await activeJobs()) > 0, {
      what: 'webhooks accepted, records syncing and jobs running',
    })

    const exits = await Promise.all([service!, ...(worker ? [worker] : [])].map(terminate))
    // The stream went on through the shutdown and past it: once nothing listens, every send fails.
    await waitFor(() => stream.outcomes.at(-1)?.status === 'failed', { what: 'sends refused after the exit' })
    await stream.stop()
    for (const exit of exits) {
      expect(exit.code, JSON.stringify(exit.lines.slice(-5))).toBe(0)
      expect(exit.lines.find((l) => l.msg === 'shutting down')).toMatchObject({ graceMs: 20_000 })
      expect(exit.lines.some((l) => l.msg === 'shut down')).toBe(true)
      // Nothing went wrong while closing: no warning or error from the signal on.
      const closing = exit.lines.slice(exit.lines.findIndex((l) => l.msg === 'shutting down'))
      expect(closing.filter((l) => l.level >= 40)).toEqual([])
    }
    expect(await queueCounts(env)).toMatchObject({ active: 0 })

    const accepted = stream.accepted()
    const owed = [...accepted].filter((id) => customersWith(id).length === 0).length
    erp.setLatency(0)
    // Scale: the worker syncing now is the one the next test stops with its grace period too short.
    await start({ TANDEM_SHUTDOWN_GRACE_MS: '300' })
    await waitFor(() => [...accepted].every((id) => customersWith(id).length > 0), {
      timeoutMs: 30_000,
      what: `all ${accepted.size} accepted accounts in the ERP after the restart`,
    })
    for (const id of accepted) expect(customersWith(id), id).toHaveLength(1)
    console.info(
      `${mode.name}: ${accepted.size} accounts accepted (${owed} not yet synced at the exit), ` +
        `${stream.outcomes.length} webhooks sent, ` +
        `exits in ${exits.map((e) => `${e.ms} ms`).join(' and ')}`,
    )
  })

  // Scale mode only: there a worker process can be held mid-job while the service keeps running.
  if (mode.name === 'scale')
    it('exits with a warning once the grace period is over, and the job it left runs again after a restart', async () => {
      const stuck = ids[0]!
      const runsOf = async () => {
        const res = await fetch(`${service!.url}/api/v1/records/${stuck}`, {
          headers: { authorization: `Bearer ${adminToken}` },
        })
        return ((await res.json()) as { flows: { runs: unknown[] }[] }).flows[0]?.runs.length ?? 0
      }
      const runsBefore = await runsOf()
      // A change the ERP must be written for, and an ERP slow enough that the write outlasts the grace period.
      await sf.sobject('Account').update({ Id: stuck, Name: 'Outlived The Grace Period' })
      erp.setLatency(5_000)
      const { body, headers } = await buildChangeEventRequest(crm.credentials.webhookSecret!, [
        { object: 'Account', recordIds: [stuck], changeType: 'UPDATE', transactionKey: 'grace-over' },
      ])
      const res = await fetch(`${service!.url}/webhooks/crm`, { method: 'POST', headers, body })
      expect(res.status).toBe(202)
      await waitFor(async () => (await activeJobs()) > 0, { what: 'the slow job to start' })

      const exit = await terminate(worker!)
      expect(exit.code).toBe(1)
      expect(exit.lines.find((l) => l.msg === 'shutdown grace period exceeded; exiting now')).toMatchObject({
        graceMs: 300,
        step: 'closing the engine (running jobs finish first)',
      })
      // Cut off mid-run, the job recorded no run; it is still held by the worker that died.
      expect(await runsOf()).toBe(runsBefore)

      // It returns to the queue when its lock lapses, and the next worker runs it to the end.
      erp.setLatency(0)
      worker = await startTandem(['worker'], env)
      await waitFor(async () => (await runsOf()) > runsBefore && (await activeJobs()) === 0, {
        timeoutMs: 20_000,
        what: 'the abandoned job to run again',
      })
      expect(customersWith(stuck)).toHaveLength(1)
      await waitFor(() => customersWith(stuck)[0]?.companyName === 'Outlived The Grace Period', {
        what: 'the rename in the ERP',
      })
    })
})
