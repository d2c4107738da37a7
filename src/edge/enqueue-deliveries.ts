import type { Queue } from '@cloudflare/workers-types/index.ts'
import type { ChangeEvent } from '../connectors/types.ts'
import type { EdgeDelivery } from '../lib/forwarded-batch.ts'

/**
 * Cloudflare Queues take messages of at most 128 KB and `sendBatch` calls of at most 100 messages and
 * 256 KB. A webhook may carry up to 1,000 events, so its events are split into deliveries of at most half
 * a message's limit (JSON size, with room for the envelope) and sent in as few calls as fit.
 */
export const maxDeliveryBytes = 64 * 1024
const maxSendBytes = 192 * 1024
const maxSendMessages = 100

const encoder = new TextEncoder()
const sizeOf = (value: unknown) => encoder.encode(JSON.stringify(value)).length

/** The events of one webhook as queue messages, in order, each within {@link maxDeliveryBytes}. */
export function splitDeliveries(
  connection: string,
  events: readonly ChangeEvent[],
  receivedAt: string,
): EdgeDelivery[] {
  const envelope = sizeOf({ connection, events: [], receivedAt })
  const deliveries: EdgeDelivery[] = []
  let current: ChangeEvent[] = []
  let bytes = envelope
  for (const event of events) {
    const size = sizeOf(event) + 1
    if (current.length > 0 && bytes + size > maxDeliveryBytes) {
      deliveries.push({ connection, events: current, receivedAt })
      current = []
      bytes = envelope
    }
    current.push(event)
    bytes += size
  }
  if (current.length > 0) deliveries.push({ connection, events: current, receivedAt })
  return deliveries
}

/**
 * Sends the deliveries to the queue. When this returns they are stored durably by Cloudflare and the
 * webhook may be acknowledged; if it throws, the source's retry is safe, since any part already queued
 * dedupes at the core.
 */
export async function enqueueDeliveries(
  queue: Queue<EdgeDelivery>,
  deliveries: readonly EdgeDelivery[],
): Promise<void> {
  let group: EdgeDelivery[] = []
  let bytes = 0
  for (const delivery of deliveries) {
    const size = sizeOf(delivery)
    if (group.length > 0 && (group.length === maxSendMessages || bytes + size > maxSendBytes)) {
      await send(queue, group)
      group = []
      bytes = 0
    }
    group.push(delivery)
    bytes += size
  }
  if (group.length > 0) await send(queue, group)
}

function send(queue: Queue<EdgeDelivery>, group: readonly EdgeDelivery[]): Promise<unknown> {
  // JSON rather than the default v8 serialisation, so messages can be read in the dashboard and the DLQ.
  return queue.sendBatch(group.map((body) => ({ body, contentType: 'json' as const })))
}
