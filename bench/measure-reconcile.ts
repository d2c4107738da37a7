import { spawn } from 'node:child_process'
import { createReadStream, createWriteStream } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { parseEnv } from '../src/config/env.ts'
import { loadConfig } from '../src/config/load-config.ts'
import { stripLinks } from '../src/connectors/netsuite/record-read.ts'
import { startNetSuiteSandbox } from '../src/connectors/netsuite/sandbox/server.ts'
import { connectorTypes } from '../src/connectors/registry.ts'
import { startSalesforceSandbox } from '../src/connectors/salesforce/sandbox/server.ts'
import type { Connection, ListAllOptions, ObjectApi, SourceRecord } from '../src/connectors/types.ts'
import { openConnections } from '../src/engine/connect.ts'
import { createFlows } from '../src/engine/flows.ts'
import { openStore, reconcileWorkDir } from '../src/engine/runtime.ts'
import { createLogger } from '../src/lib/logger.ts'
import { type ReconcileSummary, runReconcile } from '../src/reconcile/run-reconcile.ts'
import { createTandemHome } from '../tests/helpers/tandem-home.ts'

/**
 * Reconciliation at volume: the `customers` flow with N CRM Accounts and N ERP customers, a small share of
 * them drifted (a changed name, a customer missing, a customer with no Account behind it), reconciled by
 * the real code path — both sides streamed, the shipped mapping applied, both spilled to partitions on
 * disk, joined, compared, findings stored — in a child process whose time and peak RSS are measured.
 *
 * The sources. The CRM side is the Salesforce connector (jsforce) querying the Salesforce sandbox over
 * HTTP: SOQL pages of 2,000, as from a real org. The ERP side cannot be read that way at this size: the
 * NetSuite connector's listAll reads each record with its own GET (keyset-paged ids from SuiteQL, then
 * `GET /record/v1/customer/{id}?fields=…`), which the sandbox answers at about 900 records/s on this
 * machine, so 100,000 records would take about two minutes of HTTP alone. The ERP side is therefore fed
 * from the NetSuite sandbox's store: each record as its record service renders it (the sandbox's own
 * renderer), stripped of links by the connector's own `stripLinks`, written once before the clock starts
 * to an NDJSON file and streamed from it in pages of 1,000 with the fields asked for, as the connector's
 * listAll yields them. The rest of the ERP connection (describe) is the real connector over HTTP.
 */

/** One reconciling process: its run time, CPU and memory. */
export interface ProcessFigures {
  seconds: number
  /** Of which reading both sides into the spill (s). */
  readSeconds: number
  /** CPU time of the process during the run (s): wall time on a machine with a core to spare for it. */
  cpuSeconds: number
  /** Peak resident memory of the reconciling process, from process.resourceUsage().maxRSS (MB). */
  peakRssMb: number
  /** Its resident memory once loaded and connected, before the run (MB). */
  baseRssMb: number
  counts: ReconcileSummary['counts']
}

export interface ReconcileRun {
  records: number
  /** With the heap flags the README recommends for the reconciling process (`heapFlags`). */
  capped: ProcessFigures
  /**
   * With V8's own heap sizing, which on a large host lets garbage pile up between collections; measured
   * only when asked for (`withDefaults`).
   */
  defaults?: ProcessFigures
}

/**
 * V8 sizes its heap from the host's memory (a 4 GB old-space limit here, growing the heap up to four times
 * the live data between collections). Reconciliation keeps about 60 MB live whatever the size, so a ceiling
 * costs little CPU and keeps the process small; a container with about 1 GB gets similar limits from Node.
 */
export const heapFlags = ['--max-old-space-size=256', '--max-semi-space-size=16']

/** One record in a hundred of each kind of drift. */
const driftEvery = 100
const pageSize = 1_000

function account(i: number): Record<string, unknown> {
  const vn = i % 2 === 0
  return {
    Name: vn ? `Công ty TNHH Đối Soát Số ${i}` : `Reconcile Supply Co ${i}`,
    Phone: vn ? `028 38${String(i % 1_000_000).padStart(6, '0')}` : `+1 312 55${String(i % 100_000).padStart(5, '0')}`,
    Website: `https://doisoat${i}.example.vn`,
    Description: i % 3 === 0 ? null : `Khách hàng ${i}`,
  }
}

const thisFile = new URL(import.meta.url).pathname

/**
 * Measures reconciliation of `records` per side. The sandboxes and their data live in a host process of
 * their own (a million records of each system take a few GB, more than the default heap), which reconciles
 * in a child with `heapFlags` and, if asked, again with V8's defaults. `profileDir` profiles the first.
 */
export async function measureReconcile(
  records: number,
  opts: { log?: (msg: string) => void; profileDir?: string; withDefaults?: boolean } = {},
): Promise<ReconcileRun> {
  const hostHeapMb = Math.max(1_024, Math.ceil(records / 1_000) * 8)
  const args = [`--max-old-space-size=${hostHeapMb}`, thisFile, '--host', '--records', String(records)]
  if (opts.profileDir) args.push('--profile', opts.profileDir)
  if (opts.withDefaults) args.push('--with-defaults')
  const out = await runNode(args, process.env, opts.log)
  return JSON.parse(out) as ReconcileRun
}

/** Runs node with `args`; its stdout once it exits 0. Its stderr lines go to `log` as they come. */
async function runNode(
  args: string[],
  env: NodeJS.ProcessEnv,
  log: ((line: string) => void) | undefined,
): Promise<string> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString()
  })
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString()
    const lines = err.split('\n')
    err = lines.pop()!
    for (const line of lines) log?.(line)
  })
  const code = await new Promise<number | null>((r) => child.once('exit', r))
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited ${code}: ${err}`)
  return out
}

/**
 * Seeds both sandboxes and the ERP snapshot, reconciles in a child process twice, checks that each run
 * found exactly the drift that was put in, and returns their figures.
 */
async function host(records: number, profileDir: string | undefined, withDefaults: boolean): Promise<ReconcileRun> {
  const log = (msg: string) => process.stderr.write(`${msg}\n`)
  const crm = await startSalesforceSandbox({})
  const erp = await startNetSuiteSandbox({})
  const home = createTandemHome({ crm, erp, flows: ['customers'], pollEvery: '1h' })
  try {
    log(`seeding ${records.toLocaleString('en-US')} accounts and customers`)
    // The CRM's Accounts, through the org's own write path (validation, ids, stamps), not HTTP: seeding is not measured.
    const ids: string[] = []
    for (let i = 0; i < records; i++) ids.push(crm.org.create('Account', account(i)))

    // The ERP as the customers flow leaves it: each Account's mapped payload written as a customer.
    const config = loadConfig({ dir: home.dir.path, env: { ...process.env, ...home.env }, connectorTypes })
    const flow = (await createFlows([config.flows.get('customers')!], offlineConnections(), silent)).get('customers')!
    const env = {
      resolveRef: async () => undefined,
      referenceValue: (id: string) => ({ id }),
      lookup: flow.target.lookup,
      warn() {},
    }
    const expected = { mismatched: 0, missing: 0, orphaned: 0 }
    for (let i = 0; i < records; i++) {
      const { payload } = await flow.mapping.map(ids[i]!, account(i), env)
      if (i % driftEvery === 2) {
        expected.missing++
        continue
      }
      if (i % driftEvery === 1) {
        expected.mismatched++
        payload.companyName = `${String(payload.companyName)} (edited in the ERP)`
      }
      erp.records.create('customer', payload)
      if (i % driftEvery === 3) {
        expected.orphaned++
        erp.records.create('customer', { companyName: `Walk-in customer ${i}`, subsidiary: { id: '1' } })
      }
    }
    const matched = records - expected.mismatched - expected.missing

    log('writing the ERP snapshot')
    // What `GET …/customer/{id}?fields=…` answers when reconciliation asks for the fields the flow writes.
    const asked = ['externalId', ...Object.keys(flow.config.fields), 'lastModifiedDate']
    const snapshot = join(home.dir.path, 'erp-customers.ndjson')
    const out = createWriteStream(snapshot)
    for (const id of erp.records.ids('customer')) {
      const body = stripLinks(erp.records.get('customer', id)!) as Record<string, unknown>
      const rec: SourceRecord = {
        id,
        modifiedAt: typeof body.lastModifiedDate === 'string' ? body.lastModifiedDate : null,
        data: Object.fromEntries(asked.filter((f) => f in body).map((f) => [f, body[f]])),
      }
      if (!out.write(`${JSON.stringify(rec)}\n`)) await new Promise<void>((r) => out.once('drain', r))
    }
    await new Promise<void>((r) => out.end(r))

    const want = { matched, ...expected, failed: 0 }
    const reconcile = async (flags: string[]) => {
      const run = await runChild(home.env, snapshot, flags)
      for (const [k, v] of Object.entries(want)) {
        if (run.counts[k as keyof typeof want] !== v)
          throw new Error(`reconciliation found ${JSON.stringify(run.counts)}, expected ${JSON.stringify(want)}`)
      }
      return run
    }
    const profile = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []
    log(`reconciling with ${heapFlags.join(' ')}`)
    const capped = await reconcile([...profile, ...heapFlags])
    if (!withDefaults) return { records, capped }
    log('reconciling with V8 heap defaults')
    return { records, capped, defaults: await reconcile([]) }
  } finally {
    await crm.close()
    await erp.close()
    home.dir.remove()
  }
}

const silent = createLogger('silent', { role: 'bench' })

/** Connections that are never called: enough to compile a flow's mapping in this process. */
function offlineConnections(): Map<string, Connection> {
  const unreachable = (): never => {
    throw new Error('offline')
  }
  const conn = {
    limits: { maxBatch: 1, maxConcurrent: 1 },
    referenceValue: (id: string) => ({ id }),
    object: () =>
      ({
        describe: unreachable,
        listAll: unreachable,
        getMany: unreachable,
        listChanged: unreachable,
        upsert: unreachable,
        update: unreachable,
      }) as unknown as ObjectApi,
    parseWebhook: unreachable,
    close: async () => {},
  } as Connection
  return new Map([
    ['crm', conn],
    ['erp', conn],
  ])
}

async function runChild(env: Record<string, string>, snapshot: string, nodeFlags: string[]): Promise<ProcessFigures> {
  const args = [...nodeFlags, thisFile, '--child', '--snapshot', snapshot]
  const out = await runNode(args, { ...process.env, ...env, LOG_LEVEL: 'warn' }, (line) =>
    process.stderr.write(`${line}\n`),
  )
  return JSON.parse(out) as ProcessFigures
}

/**
 * The ERP's customers as the NetSuite connector's listAll yields them, from the snapshot file: read in
 * blocks, each record parsed and cut to the fields asked for (as `?fields=` would return it).
 */
async function* snapshotPages(file: string, opts: ListAllOptions): AsyncGenerator<SourceRecord[]> {
  const keep = opts.fields ? [...opts.fields, 'lastModifiedDate'] : undefined
  const since = opts.since === undefined ? undefined : Date.parse(opts.since)
  const size = opts.pageSize ?? pageSize
  let page: SourceRecord[] = []
  let rest: Buffer = Buffer.alloc(0)
  // Bytes, decoded a line at a time, as a connector decodes one response at a time.
  for await (const block of createReadStream(file, { highWaterMark: 64 * 1024 })) {
    const bytes = rest.length > 0 ? Buffer.concat([rest, block as Buffer]) : (block as Buffer)
    let start = 0
    for (let end = bytes.indexOf(0x0a); end !== -1; end = bytes.indexOf(0x0a, start)) {
      const rec = JSON.parse(bytes.toString('utf8', start, end)) as SourceRecord
      start = end + 1
      if (since !== undefined && (rec.modifiedAt === null || Date.parse(rec.modifiedAt) < since)) continue
      if (keep) {
        const data: Record<string, unknown> = {}
        for (const f of keep) if (f in rec.data) data[f] = rec.data[f]
        rec.data = data
      }
      page.push(rec)
      if (page.length === size) {
        yield page
        page = []
      }
    }
    rest = bytes.subarray(start)
  }
  if (page.length > 0) yield page
}

/** The reconciling process: the same pieces `tandem reconcile` starts, with the ERP listing from the snapshot. */
async function child(snapshot: string): Promise<void> {
  const env = parseEnv()
  const config = loadConfig({ dir: resolve(env.TANDEM_CONFIG_DIR), env: process.env, connectorTypes })
  // Log lines go to stderr: stdout carries the result.
  const logger = createLogger('warn', { role: 'bench-reconcile' }, process.stderr)
  const open = await openConnections({ config, env, logger, seed: false })
  const erp = open.connections.get('erp')!
  const connections = new Map(open.connections)
  connections.set('erp', {
    ...erp,
    object(name) {
      const real = erp.object(name)
      return name === 'customer' ? { ...real, listAll: (opts = {}) => snapshotPages(snapshot, opts) } : real
    },
  })
  const flows = await createFlows([...config.flows.values()], connections, logger)
  const store = await openStore(env)
  try {
    const baseRssMb = Math.round(process.memoryUsage().rss / 2 ** 20)
    let readSeconds: number | undefined
    const cpuBefore = process.cpuUsage()
    const started = performance.now()
    const summary = await runReconcile({ flows, store, logger, requestSync: async () => {} }, 'customers', {
      workDir: reconcileWorkDir(env),
      // When the reading ended: the rest is joining the partitions and storing the findings.
      onProgress: (s) => {
        if (s.phase !== 'reading') readSeconds ??= (performance.now() - started) / 1000
      },
    })
    const seconds = (performance.now() - started) / 1000
    const cpu = process.cpuUsage(cpuBefore)
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024)
    process.stdout.write(
      JSON.stringify({
        seconds,
        readSeconds,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        peakRssMb,
        baseRssMb,
        counts: summary.counts,
      }),
    )
  } finally {
    await store.close()
    await open.close()
  }
}

// `node bench/measure-reconcile.ts [--records 100000] [--profile dir]`: the reconciliation rows alone.
if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      host: { type: 'boolean', default: false },
      'with-defaults': { type: 'boolean', default: false },
      child: { type: 'boolean', default: false },
      snapshot: { type: 'string' },
      records: { type: 'string', default: '100000' },
      // Writes a CPU profile of the reconciling process (node --cpu-prof) into this folder.
      profile: { type: 'string' },
    },
  })
  const profileDir = values.profile ? resolve(values.profile) : undefined
  if (values.child) await child(values.snapshot!)
  else if (values.host) {
    const run = await host(Number(values.records), profileDir, values['with-defaults'])
    process.stdout.write(JSON.stringify(run))
  } else {
    const run = await measureReconcile(Number(values.records), {
      withDefaults: true,
      log: (m) => process.stderr.write(`${m}\n`),
      ...(profileDir ? { profileDir } : {}),
    })
    process.stdout.write(`${JSON.stringify(run)}\n`)
  }
}
