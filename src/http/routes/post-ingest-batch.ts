import type { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { Runtime } from '../../engine/runtime.ts'
import {
  type ForwardedBatchResult,
  forwardedBatchPath,
  forwardedBatchSchema,
  issuePath,
} from '../../lib/forwarded-batch.ts'
import type { Logger } from '../../lib/logger.ts'
import { verifyWebhook } from '../../lib/webhook-signature.ts'
import { errorResponse } from '../error-envelope.ts'

/** A full queue batch is at most 100 messages of 128 KiB (Cloudflare Queues limits); anything larger is not ours. */
const maxBodyBytes = 16 * 1024 * 1024

/**
 * `POST /ingest/edge`: batches of webhooks the edge Worker (src/edge/) already verified and normalised.
 * The Worker signs each post with `TANDEM_EDGE_SECRET` (HMAC-SHA256 over timestamp and body, the webhook
 * signing scheme), so the core trusts the events as if it had parsed the webhooks itself. Idempotent: the
 * edge's queue redelivers a batch whose answer it did not see, and the inbox's dedupe key turns every event
 * already stored into a duplicate. The whole batch is checked before any of it is stored, so a 400 stores
 * nothing; a failure part-way through a batch is retried whole by the edge, and the stored part dedupes.
 */
export function postIngestBatch(app: Hono, rt: Runtime, logger: Logger): void {
  app.post(
    forwardedBatchPath,
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => errorResponse(c, 413, 'EDGE_BATCH_TOO_LARGE', `body: larger than ${maxBodyBytes} bytes`),
    }),
    async (c) => {
      const secret = rt.env.TANDEM_EDGE_SECRET
      if (!secret) {
        return errorResponse(c, 401, 'EDGE_INGEST_DISABLED', 'edge ingest is off: TANDEM_EDGE_SECRET is not set')
      }
      const raw = await c.req.text()
      const verified = await verifyWebhook([secret.reveal()], raw, c.req.raw.headers)
      if (!verified.ok) {
        logger.warn({ reason: verified.reason }, 'edge batch refused')
        return errorResponse(c, 401, 'EDGE_UNAUTHORIZED', 'edge batch signature missing, invalid or expired')
      }
      let json: unknown
      try {
        json = JSON.parse(raw)
      } catch {
        return errorResponse(c, 400, 'EDGE_BATCH_INVALID', 'body: not JSON')
      }
      const parsed = forwardedBatchSchema.safeParse(json)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        return errorResponse(
          c,
          400,
          'EDGE_BATCH_INVALID',
          `${issuePath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`,
        )
      }
      const { deliveries } = parsed.data
      const unknown = deliveries.findIndex((d) => !rt.connections.has(d.connection))
      if (unknown >= 0) {
        return errorResponse(
          c,
          400,
          'EDGE_BATCH_INVALID',
          `deliveries[${unknown}].connection: no connection named '${deliveries[unknown]!.connection}'`,
        )
      }
      // Accepted together, so the inbox can commit them as one group.
      const counts = await Promise.all(
        deliveries.map((d) => rt.ingest.accept(d.connection, d.events, { via: 'webhook' })),
      )
      const result: ForwardedBatchResult = { deliveries: deliveries.length, accepted: 0, duplicates: 0, ignored: 0 }
      for (const r of counts) {
        result.accepted += r.accepted
        result.duplicates += r.duplicates
        result.ignored += r.ignored
      }
      const oldest = Math.min(...deliveries.map((d) => Date.parse(d.receivedAt)))
      logger.info({ ...result, lagMs: Math.max(0, Date.now() - oldest) }, 'edge batch accepted')
      return c.json(result, 200)
    },
  )
}
