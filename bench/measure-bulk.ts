import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { startNetSuiteSandbox } from '../src/connectors/netsuite/sandbox/server.ts'
import { startSalesforceSandbox } from '../src/connectors/salesforce/sandbox/server.ts'
import { type ServiceProcess, startTandem } from '../tests/helpers/service-process.ts'
import { createTandemHome } from '../tests/helpers/tandem-home.ts'

const run = promisify(execFile)
const repoRoot = new URL('../', import.meta.url).pathname
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

export interface BulkRun {
  records: number
  seconds: number
  recordsPerSecond: number
  /** Every REST call the CRM counted against its daily allocation during the run, per synced record. */
  crmCallsPerRecord: number
  bulkJobs: number
}

/**
 * A bulk run into Salesforce: N items exist in the ERP, `tandem backfill products --window N` hands them all
 * to a running service whose workers run 2,500 jobs at once, and the clock runs until every item is a
 * Product2. Upserts linger 2 s, so batches reach the default bulk threshold (2,000 rows) and go out as Bulk
 * API 2.0 jobs; what is left over goes through sObject Collections calls of 200. The CRM
 * is only the target here, so every call it counts is a write or part of one (Bulk API job create, upload,
 * close, poll, results; Collections upserts) plus the login.
 */
export async function measureBulk(records: number): Promise<BulkRun> {
  const crm = await startSalesforceSandbox({})
  const erp = await startNetSuiteSandbox({})
  const home = createTandemHome({ crm, erp, flows: ['products'], pollEvery: '1h' })
  const env = {
    ...home.env,
    PORT: '0',
    LOG_LEVEL: 'warn',
    TANDEM_ADMIN_TOKEN: `bench-${randomBytes(16).toString('hex')}`,
    // A bulk run: many jobs at once (they wait on the throttles, not on the remote), upserts lingering to fill batches.
    TANDEM_WORKER_CONCURRENCY: '2500',
    TANDEM_BATCH_LINGER_MS: '2000',
  }
  let service: ServiceProcess | undefined
  try {
    service = await startTandem(['serve'], env)
    // The first poll reads from the beginning; let it find the ERP empty, so only the backfill syncs.
    await sleep(1_500)
    for (let i = 0; i < records; i++) {
      erp.records.create('inventoryItem', { itemId: `BULK-${i}`, displayName: `Bulk item ${i}`, cost: 1 + (i % 90) })
    }
    const callsBefore = crm.apiUsage()
    const started = performance.now()
    await run(process.execPath, ['src/main.ts', 'backfill', 'products', '--window', String(records)], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
    })
    const synced = () => {
      let n = 0
      for (const p of crm.org.records('Product2')) if (p.ERP_Item_Id__c) n++
      return n
    }
    while (synced() < records) await sleep(50)
    const seconds = (performance.now() - started) / 1000
    return {
      records,
      seconds,
      recordsPerSecond: records / seconds,
      crmCallsPerRecord: (crm.apiUsage() - callsBefore) / records,
      bulkJobs: crm.state.bulkJobs.list('ingest').length,
    }
  } finally {
    await service?.kill()
    await crm.close()
    await erp.close()
    home.dir.remove()
  }
}
