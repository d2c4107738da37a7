import type { Message, MessageBatch, QueueRetryOptions } from '@cloudflare/workers-types/index.ts'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { EdgeBindings } from '../../../src/edge/edge-settings.ts'
import { forwardBatch, retryDelaySeconds } from '../../../src/edge/forward-batch.ts'
import { type EdgeDelivery, forwardedBatchPath, forwardedBatchSchema } from '../../../src/lib/forwarded-batch.ts'
import { verifyWebhook } from '../../../src/lib/webhook-signature.ts'

const edgeSecret = 'edge-secret-shared-with-the-core-0123456789'

const env = (overrides: Partial<EdgeBindings> = {}): EdgeBindings => ({
  INGRESS: {} as EdgeBindings['INGRESS'],
  TANDEM_CORE_URL: 'https://core.test',
  TANDEM_CONNECTIONS: { crm: { type: 'salesforce', webhook: { secret: 'CRM_WEBHOOK_SECRET' } } },
  FORWARD_RETRY_BASE_SECONDS: '2',
  FORWARD_RETRY_MAX_SECONDS: '60',
  TANDEM_EDGE_SECRET: edgeSecret,
  ...overrides,
})

const delivery = (connection: string, recordId: string): EdgeDelivery => ({
  connection,
  events: [{ object: 'Account', recordId, changeType: 'update', eventId: `tx-${recordId}:1` }],
  receivedAt: '2026-11-22T10:00:00.000Z',
})

interface Settled {
  acked: boolean
  retried?: QueueRetryOptions | undefined
}

/** A batch as workerd hands it to the consumer, remembering how each message was settled. */
function batchOf(bodies: unknown[], attempts = 1) {
  const settled: Settled[] = bodies.map(() => ({ acked: false }))
  const messages = bodies.map(
    (body, i) =>
      ({
        id: `m${i}`,
        timestamp: new Date(),
        body,
        attempts,
        ack: () => {
          settled[i]!.acked = true
        },
        retry: (options?: QueueRetryOptions) => {
          settled[i]!.retried = options ?? {}
        },
      }) as unknown as Message<unknown>,
  )
  const batch = {
    queue: 'tandem-ingress-test',
    messages,
    ackAll: () => {
      for (const m of messages) m.ack()
    },
    retryAll: (options?: QueueRetryOptions) => {
      for (const m of messages) m.retry(options)
    },
  } as unknown as MessageBatch<unknown>
  return { batch, settled }
}

/**
 * A stand-in for the core's POST /ingest/edge: checks the signature and the shared schema as the real route
 * does, knows the `crm` connection only, and answers with a status the test chooses.
 */
function fakeCore(answer: () => number = () => 200) {
  const received: EdgeDelivery[][] = []
  const app = new Hono()
  app.post(forwardedBatchPath, async (c) => {
    const raw = await c.req.text()
    if (!(await verifyWebhook([edgeSecret], raw, c.req.raw.headers)).ok) return c.json({ error: { code: 'X' } }, 401)
    const { deliveries } = forwardedBatchSchema.parse(JSON.parse(raw))
    received.push(deliveries)
    if (deliveries.some((d) => d.connection !== 'crm')) {
      return c.json({ error: { code: 'EDGE_BATCH_INVALID' } }, 400)
    }
    const status = answer()
    return status === 200
      ? c.json({ deliveries: deliveries.length, accepted: deliveries.length, duplicates: 0, ignored: 0 })
      : c.json({ error: { code: 'UNAVAILABLE' } }, status as 503)
  })
  const fetchFn = ((url: string, init?: RequestInit) => app.request(url, init)) as typeof fetch
  return { fetchFn, received }
}

describe('forwardBatch', () => {
  it('posts the deliveries signed, in order, and acks them once the core has them', async () => {
    const core = fakeCore()
    const { batch, settled } = batchOf([delivery('crm', 'a'), delivery('crm', 'b')])
    await forwardBatch(batch, env(), core.fetchFn)
    expect(core.received).toEqual([[delivery('crm', 'a'), delivery('crm', 'b')]])
    expect(settled).toEqual([{ acked: true }, { acked: true }])
  })

  it.each([
    ['a 503', fakeCore(() => 503).fetchFn],
    [
      'a refused connection',
      (async () => {
        throw new TypeError('fetch failed')
      }) as typeof fetch,
    ],
  ])('retries every message with backoff on %s, acking none', async (_what, fetchFn) => {
    const { batch, settled } = batchOf([delivery('crm', 'a'), delivery('crm', 'b')], 3)
    await forwardBatch(batch, env(), fetchFn)
    for (const s of settled) {
      expect(s.acked).toBe(false)
      // Attempt 3 with base 2 s: a step of 8 s, jittered into [4, 8].
      expect(s.retried?.delaySeconds).toBeGreaterThanOrEqual(4)
      expect(s.retried?.delaySeconds).toBeLessThanOrEqual(8)
    }
  })

  it('forwards one by one when the core refuses the batch, so only the refused delivery retries', async () => {
    const core = fakeCore()
    const { batch, settled } = batchOf([delivery('crm', 'a'), delivery('ledger', 'b'), delivery('crm', 'c')])
    await forwardBatch(batch, env(), core.fetchFn)
    expect(core.received).toHaveLength(4)
    expect(settled.map((s) => s.acked)).toEqual([true, false, true])
    expect(settled[1]!.retried).toBeDefined()
  })

  it('retries a message it cannot read, towards the dead letter queue, and forwards the rest', async () => {
    const core = fakeCore()
    const { batch, settled } = batchOf([{ connection: 'crm', events: 'nope' }, delivery('crm', 'a')])
    await forwardBatch(batch, env(), core.fetchFn)
    expect(core.received).toEqual([[delivery('crm', 'a')]])
    expect(settled).toEqual([{ acked: false, retried: {} }, { acked: true }])
  })

  it('posts nothing and retries the batch while TANDEM_EDGE_SECRET is not set', async () => {
    const core = fakeCore()
    const { batch, settled } = batchOf([delivery('crm', 'a')])
    await forwardBatch(batch, env({ TANDEM_EDGE_SECRET: undefined }), core.fetchFn)
    expect(core.received).toEqual([])
    expect(settled).toEqual([{ acked: false, retried: {} }])
  })
})

describe('retryDelaySeconds', () => {
  it('doubles from the base up to the max, never below half a step nor below one second', () => {
    const low = () => 0
    const high = () => 1
    expect([1, 2, 3, 4, 5].map((n) => retryDelaySeconds(n, 5, 60, high))).toEqual([5, 10, 20, 40, 60])
    expect([1, 2, 3, 4, 5].map((n) => retryDelaySeconds(n, 5, 60, low))).toEqual([3, 5, 10, 20, 30])
    expect(retryDelaySeconds(100, 5, 300, high)).toBe(300)
    expect(retryDelaySeconds(1, 1, 1, low)).toBe(1)
  })
})
