import { z } from 'zod'
import type { ChangeEvent } from '../connectors/types.ts'
import { signWebhook } from './webhook-signature.ts'

/**
 * The contract between the edge Worker and the core for webhooks accepted at the edge. The edge verifies
 * and normalises a webhook with the connector's own parse code, queues the resulting change events as one
 * delivery, and its queue consumer posts deliveries in batches to {@link forwardedBatchPath}, signed with
 * the shared `TANDEM_EDGE_SECRET` exactly as source systems sign webhooks (src/lib/webhook-signature.ts).
 * The core checks the same schema, so both sides agree on one definition. zod and Web Crypto only: the
 * Worker bundles this file.
 */
export const forwardedBatchPath = '/ingest/edge'

/** A connection is named by its file, connectors/<name>.yaml; the core answers 400 for one it does not have. */
export const connectionNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'a connection name: letters, digits, ., _ or -')

/** A normalised change event after the edge checked it; the fields of `ChangeEvent`. */
export const forwardedEventSchema = z.strictObject({
  object: z.string().min(1).max(200),
  recordId: z.string().min(1).max(200),
  changeType: z.enum(['create', 'update', 'delete', 'undelete', 'unknown']),
  eventId: z.string().min(1).max(500),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  origin: z.string().max(500).optional(),
}) satisfies z.ZodType<ChangeEvent>

/** One webhook the edge accepted: its connection and the events it carried. */
export const edgeDeliverySchema = z.strictObject({
  connection: connectionNameSchema,
  events: z.array(forwardedEventSchema).min(1).max(1_000),
  /** When the edge accepted it (ISO 8601), for lag in the core's logs. */
  receivedAt: z.iso.datetime({ offset: true }),
})

/** What the queue consumer posts: the deliveries of one queue batch (Cloudflare Queues: at most 100 messages). */
export const forwardedBatchSchema = z.strictObject({
  deliveries: z.array(edgeDeliverySchema).min(1).max(100),
})

export type EdgeDelivery = z.infer<typeof edgeDeliverySchema>
export type ForwardedBatch = z.infer<typeof forwardedBatchSchema>

/** The core's answer to an accepted batch: inbox counts summed over its deliveries. */
export interface ForwardedBatchResult {
  deliveries: number
  accepted: number
  duplicates: number
  ignored: number
}

/**
 * The body and headers to post a batch with. The timestamp is bound into the MAC, so every retry signs
 * afresh and a captured request cannot be replayed after the five-minute window.
 */
export async function signForwardedBatch(
  secret: string,
  batch: ForwardedBatch,
  nowSeconds?: number,
): Promise<{ body: string; headers: Record<string, string> }> {
  const body = JSON.stringify(batch)
  const signed = await signWebhook(secret, body, nowSeconds)
  return { body, headers: { ...signed, 'content-type': 'application/json' } }
}

/** `deliveries[0].events[3].recordId`: where a zod issue is, as a person would write it. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') || 'body'
}
