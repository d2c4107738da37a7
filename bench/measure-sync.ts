import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Connection as JsforceConnection } from 'jsforce'
import { startNetSuiteSandbox } from '../src/connectors/netsuite/sandbox/server.ts'
import { startSalesforceSandbox } from '../src/connectors/salesforce/sandbox/server.ts'
import { buildChangeEventRequest } from '../src/connectors/salesforce/webhook.ts'
import { createScaleDeployment } from '../tests/helpers/databases.ts'
import { type ServiceProcess, startTandem } from '../tests/helpers/service-process.ts'
import { createTandemHome } from '../tests/helpers/tandem-home.ts'

export interface SyncRun {
  records: number
  seconds: number
  recordsPerSecond: number
  /** Remote requests per synced record, per connection, from the service's own metrics. */
  callsPerRecord: Record<string, number>
  /**
   * Peak resident memory of the process that ran the jobs (MB). The sandboxes standing in for the CRM and the
   * ERP run in this bench process, not in the service, so none of their memory is counted here.
   */
  peakRssMb: number
}

export interface SyncScenario {
  mode: 'embedded' | 'scale'
  workers: number
  records: number
  /** Per-call latency of each sandbox (ms) and the ERP's concurrency ceiling. */
  crmLatencyMs?: number
  erpLatencyMs?: number
  /**
   * The ERP's concurrency ceiling, on both sides: the account's limit in the sandbox and `limits.maxConcurrent`
   * in the connection file. Default: the shipped 5. The zero-latency runs raise it, so they measure Tandem
   * rather than a ceiling that binds whatever Tandem does (the realistic-limits run keeps 5).
   */
  erpMaxConcurrent?: number
  /**
   * V8 flags for the Tandem processes (as NODE_OPTIONS), e.g. {@link serviceHeapFlags}; default none, V8's own
   * heap sizing. Peak RSS is then that of the service as launched with them.
   */
  heapFlags?: readonly string[]
  /** Jobs each worker process runs at once (TANDEM_WORKER_CONCURRENCY); default 64. */
  workerConcurrency?: number
}

/**
 * The heap flags the README recommends for Tandem processes (the same the reconciliation bench uses). The
 * service keeps about 64 MB live under load (heap snapshots at idle and at the peak of the sync and ingest
 * runs agree), but V8 sizes its heap from the host's memory: the young generation grows to about 110 MB
 * under allocation pressure and the old generation fills with promoted garbage to twice the live data before
 * a full collection. 16 MB semi-spaces and a 256 MB old-space limit (four times the live heap) keep the
 * peak near 215 MB, at no throughput cost beyond this machine's run-to-run noise. (The limit is a ceiling on
 * live data too: a first start that links large existing systems, whose target side is indexed in memory,
 * needs it raised.)
 */
export const serviceHeapFlags = ['--max-old-space-size=256', '--max-semi-space-size=16'] as const

/** The highest resident memory a process reached, from /proc (Linux). */
function peakRssMb(pid: number | undefined): number {
  if (!pid) return 0
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return hwm ? Math.round(Number(hwm) / 1024) : 0
  } catch {
    return 0
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/**
 * End-to-end sync throughput: N accounts exist in the CRM sandbox, one burst of signed change events names
 * them all, and the clock runs until the service reports all N synced into the ERP sandbox.
 */
export async function measureSync(s: SyncScenario): Promise<SyncRun> {
  const crm = await startSalesforceSandbox({})
  const erp = await startNetSuiteSandbox(s.erpMaxConcurrent ? { concurrencyLimit: s.erpMaxConcurrent } : {})
  const home = createTandemHome({
    crm,
    erp,
    flows: ['customers'],
    ...(s.erpMaxConcurrent
      ? { editConnector: { erp: (yaml) => yaml.replace(/maxConcurrent: \d+/, `maxConcurrent: ${s.erpMaxConcurrent}`) } }
      : {}),
    pollEvery: '1h',
    edit: { customers: (yaml) => yaml.replace(/\nlink:[\s\S]*$/, '\n') },
  })
  const token = `bench-${randomBytes(16).toString('hex')}`
  const cleanups: (() => Promise<void>)[] = []
  let env: Record<string, string> = {
    ...home.env,
    PORT: '0',
    LOG_LEVEL: 'warn',
    TANDEM_ADMIN_TOKEN: token,
    TANDEM_WORKER_CONCURRENCY: String(s.workerConcurrency ?? 64),
    TANDEM_METRICS_PORT: '0',
    ...(s.heapFlags?.length ? { NODE_OPTIONS: s.heapFlags.join(' ') } : {}),
  }
  if (s.mode === 'scale') {
    const deployment = await createScaleDeployment('tandem-bench')
    env = { ...env, ...deployment.env }
    cleanups.push(deployment.cleanup)
  }
  const processes: ServiceProcess[] = []
  try {
    const c = crm.credentials
    const sf = new JsforceConnection({
      oauth2: { loginUrl: crm.url, clientId: c.clientId, clientSecret: c.clientSecret },
    })
    await sf.login(c.username!, c.password!)
    const service = await startTandem(['serve'], env)
    processes.push(service)
    for (let i = 0; i < s.workers; i++) processes.push(await startTandem(['worker'], env))
    const auth = { authorization: `Bearer ${token}` }
    // The service's first poll reads from the beginning; let it find the CRM empty, so only the webhook
    // burst below brings the records over and the clock measures exactly that.
    await sleep(1_500)
    const created = await sf.sobject('Account').create(
      Array.from({ length: s.records }, (_, i) => ({ Name: `Bench Account ${i}` })),
      { allowRecursive: true },
    )
    const ids = created.map((r) => r.id!)

    if (s.crmLatencyMs) {
      await fetch(`${crm.url}/__sandbox/faults`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${sf.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ latencyMs: s.crmLatencyMs }),
      })
    }
    if (s.erpLatencyMs) erp.setLatency(s.erpLatencyMs)

    const started = performance.now()
    for (let i = 0; i < ids.length; i += 500) {
      const { body, headers } = await buildChangeEventRequest(c.webhookSecret!, [
        { object: 'Account', recordIds: ids.slice(i, i + 500), changeType: 'CREATE', transactionKey: `bench-${i}` },
      ])
      const res = await fetch(`${service.url}/webhooks/crm`, { method: 'POST', headers, body })
      if (res.status !== 202) throw new Error(`webhook answered ${res.status}`)
    }
    for (;;) {
      const flows = (await (await fetch(`${service.url}/api/v1/flows`, { headers: auth })).json()) as {
        flows: { counts: { synced: number; failed: number } }[]
      }
      if (flows.flows[0]!.counts.synced >= s.records) break
      await sleep(50)
    }
    const seconds = (performance.now() - started) / 1000
    // Every process counts its own requests; add them up.
    const calls: Record<string, number> = {}
    const runners = s.workers > 0 ? processes.slice(1) : processes
    for (const p of processes) {
      if (!p.metricsUrl) continue
      const text = await (await fetch(p.metricsUrl)).text()
      for (const m of text.matchAll(/^tandem_remote_requests_total\{connection="([^"]+)",outcome="[^"]+"\} (\d+)/gm)) {
        calls[m[1]!] = (calls[m[1]!] ?? 0) + Number(m[2])
      }
    }
    return {
      records: s.records,
      seconds,
      recordsPerSecond: s.records / seconds,
      callsPerRecord: Object.fromEntries(Object.entries(calls).map(([k, v]) => [k, v / s.records])),
      peakRssMb: Math.max(...runners.map((p) => peakRssMb(p.child.pid))),
    }
  } finally {
    for (const p of processes) await p.kill()
    for (const fn of cleanups) await fn()
    await crm.close()
    await erp.close()
    home.dir.remove()
  }
}
