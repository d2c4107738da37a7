import { createHmac, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import pg from 'pg'
import { startNetSuiteSandbox } from '../src/connectors/netsuite/sandbox/server.ts'
import { startSalesforceSandbox } from '../src/connectors/salesforce/sandbox/server.ts'
import { buildChangeEventRequest } from '../src/connectors/salesforce/webhook.ts'
import { signatureHeader, timestampHeader } from '../src/lib/webhook-signature.ts'
import { createPostgresSchema, dropRedisPrefix, testRedisUrl, uniqueName } from '../tests/helpers/databases.ts'
import { startTandem } from '../tests/helpers/service-process.ts'
import { createTandemHome } from '../tests/helpers/tandem-home.ts'
import { serviceHeapFlags } from './measure-sync.ts'

export interface IngestRun {
  offered: number
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  errors: number
  /** CPU time the service spent per request answered (user + system): robust where wall-clock rates are not. */
  serviceCpuMsPerRequest: number
  /** The same for the load generator (this process: autocannon and the signing of each request). */
  loadCpuMsPerRequest: number
  /** The service's peak resident memory so far (MB). */
  servicePeakRssMb: number
}

/** The highest resident memory a process has reached, from /proc (Linux); 0 where unavailable. */
function peakRssMb(pid: number | undefined): number {
  if (!pid) return 0
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return hwm ? Math.round(Number(hwm) / 1024) : 0
  } catch {
    return 0
  }
}

const cpuUsedMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000

/** CPU time a process has used so far, from /proc (Linux); 0 where unavailable. */
function cpuMs(pid: number | undefined): number {
  if (!pid) return 0
  try {
    // Fields 14 and 15 (utime, stime) in clock ticks, after the parenthesised command name.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return 0
  }
}

/**
 * Webhook intake at fixed offered loads: signed change events, each naming a fresh record, posted at a
 * constant rate by autocannon; every request must be verified, stored in the inbox, enqueued and answered
 * 202. Scale mode with no worker process, so only intake is measured: PostgreSQL inbox, BullMQ enqueue.
 * At the end every request answered 2xx is checked to be in the inbox.
 */
export async function measureIngest(
  rates: readonly number[],
  seconds: number,
  opts: { serviceNodeOptions?: string } = {},
): Promise<IngestRun[]> {
  const crm = await startSalesforceSandbox({})
  const erp = await startNetSuiteSandbox({})
  const home = createTandemHome({ crm, erp, flows: ['customers'], pollEvery: '1h' })
  const db = await createPostgresSchema()
  const prefix = uniqueName('tandem-bench-ingest')
  const service = await startTandem(['serve'], {
    ...home.env,
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATABASE_URL: db.url,
    REDIS_URL: testRedisUrl,
    TANDEM_QUEUE_PREFIX: prefix,
    TANDEM_ADMIN_TOKEN: `bench-${randomBytes(16).toString('hex')}`,
    ...(opts.serviceNodeOptions ? { NODE_OPTIONS: opts.serviceNodeOptions } : {}),
  })
  try {
    const secret = crm.credentials.webhookSecret!
    // Every request is distinct: a fresh record and event id, signed as it is sent. (autocannon gives each
    // connection its own pass over a fixed request list, so a fixed list would mostly measure dedupe hits.)
    const placeholder = 'X'.repeat(12)
    const template = await buildChangeEventRequest(secret, [
      {
        object: 'Account',
        recordIds: [`001B${placeholder}`],
        changeType: 'UPDATE',
        transactionKey: `ingest-${placeholder}`,
      },
    ])
    const run = randomBytes(3).toString('hex')
    let sent = 0
    const nextRequest = (req: autocannon.Request): autocannon.Request => {
      const n = `${run}${(sent++).toString(36).padStart(6, '0')}`
      const body = template.body.replaceAll(placeholder, n)
      const ts = String(Math.floor(Date.now() / 1000))
      const mac = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')
      return {
        ...req,
        body,
        headers: { ...template.headers, [timestampHeader]: ts, [signatureHeader]: `v1=${mac}` },
      }
    }
    const requests = [{ method: 'POST' as const, path: '/webhooks/crm', setupRequest: nextRequest }]
    const out: IngestRun[] = []
    let answered = 0
    // Warm up (JIT, connection pools) before anything is measured.
    answered += (await autocannon({ url: service.url, connections: 10, duration: 1, requests }))['2xx']
    for (const rate of rates) {
      const cpuBefore = cpuMs(service.child.pid)
      const loadBefore = process.cpuUsage()
      const result = await autocannon({
        url: service.url,
        connections: Math.min(100, Math.max(10, Math.ceil(rate / 50))),
        overallRate: rate,
        duration: seconds,
        requests,
      })
      answered += result['2xx']
      out.push({
        offered: rate,
        requestsPerSecond: result.requests.average,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        errors: result.errors + result.non2xx,
        serviceCpuMsPerRequest: (cpuMs(service.child.pid) - cpuBefore) / Math.max(1, result['2xx']),
        loadCpuMsPerRequest: cpuUsedMs(process.cpuUsage(loadBefore)) / Math.max(1, result['2xx']),
        servicePeakRssMb: peakRssMb(service.child.pid),
      })
    }
    // The promise behind every 202: each one answered is in the inbox.
    const check = new pg.Client({ connectionString: db.url })
    await check.connect()
    const stored = Number((await check.query('select count(*) as n from inbox_events')).rows[0].n)
    await check.end()
    if (stored < answered) throw new Error(`ingest bench: ${answered} requests answered 2xx but ${stored} stored`)
    return out
  } finally {
    await service.kill()
    await db.drop()
    await dropRedisPrefix(prefix)
    await crm.close()
    await erp.close()
    home.dir.remove()
  }
}

/**
 * `node bench/measure-ingest.ts [--rates 1000,3000,5000] [--seconds 10] [--cpu-prof <dir>] [--heap-flags]`: only
 * the ingest rows, for working on intake without the whole table. `--cpu-prof` writes the service's CPU
 * profile there; `--heap-flags` runs the service with the heap flags the README recommends.
 */
if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      rates: { type: 'string', default: '1000,3000,5000' },
      seconds: { type: 'string', default: '10' },
      'cpu-prof': { type: 'string' },
      'heap-flags': { type: 'boolean', default: false },
    },
  })
  const profDir = values['cpu-prof']
  const nodeOptions = [
    ...(values['heap-flags'] ? serviceHeapFlags : []),
    ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profDir)}`] : []),
  ]
  const runs = await measureIngest(values.rates.split(',').map(Number), Number(values.seconds), {
    ...(nodeOptions.length ? { serviceNodeOptions: nodeOptions.join(' ') } : {}),
  })
  for (const r of runs) {
    process.stdout.write(
      `offered ${r.offered}/s: ${Math.round(r.requestsPerSecond)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.errors} errors, CPU per request: service ${r.serviceCpuMsPerRequest.toFixed(3)} ms, load generator ${r.loadCpuMsPerRequest.toFixed(3)} ms; service peak RSS ${r.servicePeakRssMb} MB\n`,
    )
  }
}
