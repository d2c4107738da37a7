import type { MessageSendRequest, Queue } from '@cloudflare/workers-types/index.ts'
import { describe, expect, it } from 'vitest'
import type { ChangeEvent } from '../../../src/connectors/types.ts'
import { enqueueDeliveries, maxDeliveryBytes, splitDeliveries } from '../../../src/edge/enqueue-deliveries.ts'
import { type EdgeDelivery, edgeDeliverySchema } from '../../../src/lib/forwarded-batch.ts'

const receivedAt = '2026-11-22T10:00:00.000Z'
const size = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length

function events(n: number, padding = 0): ChangeEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    object: 'Account',
    recordId: `001${String(i).padStart(15, '0')}`,
    changeType: 'update' as const,
    eventId: `tx-${i}:1`,
    origin: `com/salesforce/api/rest/62.0${'x'.repeat(padding)}`,
  }))
}

describe('splitDeliveries', () => {
  it('keeps a usual webhook as one delivery', () => {
    const all = events(3)
    expect(splitDeliveries('crm', all, receivedAt)).toEqual([{ connection: 'crm', events: all, receivedAt }])
  })

  it('splits a large webhook into ordered deliveries that each fit a queue message and the shared schema', () => {
    const all = events(1_000, 400)
    const deliveries = splitDeliveries('crm', all, receivedAt)
    expect(deliveries.length).toBeGreaterThan(1)
    expect(deliveries.flatMap((d) => d.events)).toEqual(all)
    for (const d of deliveries) {
      expect(size(d)).toBeLessThanOrEqual(maxDeliveryBytes)
      expect(edgeDeliverySchema.safeParse(d).success).toBe(true)
    }
  })

  it('makes no delivery of no events', () => {
    expect(splitDeliveries('crm', [], receivedAt)).toEqual([])
  })
})

describe('enqueueDeliveries', () => {
  function recordingQueue() {
    const calls: MessageSendRequest<EdgeDelivery>[][] = []
    const queue = {
      async sendBatch(messages: Iterable<MessageSendRequest<EdgeDelivery>>) {
        calls.push([...messages])
      },
    } as unknown as Queue<EdgeDelivery>
    return { queue, calls }
  }

  it('sends within the limits of one sendBatch call: 100 messages and 256 KB', async () => {
    const { queue, calls } = recordingQueue()
    const small = Array.from({ length: 250 }, (_, i) => splitDeliveries(`c${i}`, events(1), receivedAt)[0]!)
    await enqueueDeliveries(queue, small)
    expect(calls.map((c) => c.length)).toEqual([100, 100, 50])

    const { queue: q2, calls: big } = recordingQueue()
    const large = splitDeliveries('crm', events(1_000, 400), receivedAt)
    await enqueueDeliveries(q2, large)
    for (const call of big) expect(size(call.map((m) => m.body))).toBeLessThan(256 * 1024)
    expect(big.flat().map((m) => m.body)).toEqual(large)
    expect(big.flat().every((m) => m.contentType === 'json')).toBe(true)
  })
})
