import { randomBytes } from 'node:crypto'
import autocannon from 'autocannon'
import { Redis } from 'ioredis'
import { startNetSuiteSandbox } from '../src/connectors/netsuite/sandbox/server.ts'
import { startSalesforceSandbox } from '../src/connectors/salesforce/sandbox/server.ts'
import { buildChangeEventRequest } from '../src/connectors/salesforce/webhook.ts'
import { createPostgresSchema, testRedisUrl, uniqueName } from '../tests/helpers/databases.ts'
import { startTandem } from '../tests/helpers/service-process.ts'
import { createTandemHome } from '../tests/helpers/tandem-home.ts'

export interface IngestRun {
  offered: number
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  errors: number
}

/**
 * Webhook intake at fixed offered loads: signed change events, each naming a fresh record, posted at a
 * constant rate by autocannon; every request must be verified, stored in the inbox and answered 202.
 * Scale mode with no worker process, so only intake is measured: PostgreSQL inbox, BullMQ enqueue.
 */
export async function measureIngest(rates: readonly number[], seconds: number): Promise<IngestRun[]> {
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
  })
  try {
    const secret = crm.credentials.webhookSecret!
    // A pool of distinct signed requests, so the inbox does real inserts rather than dedupe hits.
    const requests = await Promise.all(
      Array.from({ length: 2_000 }, async (_, i) => {
        const id = `001BENCH${String(i).padStart(10, '0')}`
        const { body, headers } = await buildChangeEventRequest(secret, [
          {
            object: 'Account',
            recordIds: [id],
            changeType: 'UPDATE',
            transactionKey: `ingest-${randomBytes(6).toString('hex')}`,
          },
        ])
        return { method: 'POST' as const, path: '/webhooks/crm', headers, body }
      }),
    )
    const out: IngestRun[] = []
    // Warm up (JIT, connection pools) before anything is measured.
    await autocannon({ url: service.url, connections: 10, duration: 1, requests })
    for (const rate of rates) {
      const result = await autocannon({
        url: service.url,
        connections: Math.min(100, Math.max(10, Math.ceil(rate / 50))),
        overallRate: rate,
        duration: seconds,
        requests,
      })
      out.push({
        offered: rate,
        requestsPerSecond: result.requests.average,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        errors: result.errors + result.non2xx,
      })
    }
    return out
  } finally {
    await service.kill()
    await db.drop()
    const redis = new Redis(testRedisUrl)
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length) await redis.del(...keys)
    await redis.quit()
    await crm.close()
    await erp.close()
    home.dir.remove()
  }
}
