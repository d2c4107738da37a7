import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../../src/http/app.ts'
import { forwardedBatchPath, signForwardedBatch } from '../../../src/lib/forwarded-batch.ts'
import { createLogger } from '../../../src/lib/logger.ts'
import { type RuntimeFixture, startRuntimeFixture } from '../../helpers/runtime-fixture.ts'

/** Without TANDEM_EDGE_SECRET the core takes no forwarded batches at all, however they are signed. */
describe('edge ingest with no shared secret configured', () => {
  let fx: RuntimeFixture
  let app: ReturnType<typeof createApp>

  beforeAll(async () => {
    fx = await startRuntimeFixture({ flows: ['customers'] })
    app = createApp(fx.rt, createLogger('silent'))
  })
  afterAll(async () => {
    await fx?.close()
  })

  it('refuses every batch with EDGE_INGEST_DISABLED and stores nothing', async () => {
    const batch = {
      deliveries: [
        {
          connection: 'crm',
          events: [
            { object: 'Account', recordId: '001000000000001AAA', changeType: 'update' as const, eventId: 'e-1' },
          ],
          receivedAt: new Date().toISOString(),
        },
      ],
    }
    const { body, headers } = await signForwardedBatch('any-key-of-at-least-thirty-two-characters', batch)
    const res = await app.request(forwardedBatchPath, { method: 'POST', headers, body })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: { code: 'EDGE_INGEST_DISABLED' } })
    expect((await fx.rt.store.inbox.pendingCounts()).get('customers') ?? 0).toBe(0)
  })
})
