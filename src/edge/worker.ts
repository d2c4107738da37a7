import type { MessageBatch } from '@cloudflare/workers-types/index.ts'
import { Hono } from 'hono'
import { isTandemError, TransientError } from '../errors.ts'
import { errorResponse, statusOf } from '../http/error-envelope.ts'
import { parseAtEdge } from './edge-intake.ts'
import { edgeLog } from './edge-log.ts'
import { type EdgeBindings, edgeSettings } from './edge-settings.ts'
import { enqueueDeliveries, splitDeliveries } from './enqueue-deliveries.ts'
import { forwardBatch } from './forward-batch.ts'

/**
 * The edge ingress Worker (wrangler.toml): `POST /webhooks/:connection` with the core's contract (same
 * verification, body schemas, status codes and error envelope), except that accepted events go to a
 * Cloudflare Queue instead of the inbox, so intake keeps working while the core is down or being deployed.
 * The queue consumer below forwards them to the core's `POST /ingest/edge`.
 */
export const edgeApp = new Hono<{ Bindings: EdgeBindings }>()

edgeApp.get('/health', (c) => {
  try {
    edgeSettings(c.env)
    return c.json({ status: 'ok' })
  } catch (err) {
    return errorResponse(c, 500, isTandemError(err) ? err.code : 'INTERNAL', (err as Error).message)
  }
})

edgeApp.post('/webhooks/:connection', async (c) => {
  const name = c.req.param('connection')
  try {
    const connections = edgeSettings(c.env).TANDEM_CONNECTIONS
    const connection = Object.hasOwn(connections, name) ? connections[name] : undefined
    if (!connection) return errorResponse(c, 404, 'CONNECTION_UNKNOWN', `no connection named '${name}'`)
    const inbound = await parseAtEdge(c.req.raw, name, connection, c.env)
    const deliveries = splitDeliveries(name, inbound.events, new Date().toISOString())
    try {
      await enqueueDeliveries(c.env.INGRESS, deliveries)
    } catch (cause) {
      // The source retries on a 503; whatever part was queued dedupes at the core.
      throw new TransientError('EDGE_QUEUE_UNAVAILABLE', 'the ingress queue did not take the events', { cause })
    }
    edgeLog('info', 'webhook queued', { connection: name, events: inbound.events.length })
    // The source's own acknowledgement (a SOAP Ack) once its events are durable, as at the core.
    return inbound.respond ? inbound.respond() : c.json({ queued: inbound.events.length }, 202)
  } catch (err) {
    const status = statusOf(err)
    const code = isTandemError(err) ? err.code : 'INTERNAL'
    edgeLog(status >= 500 ? 'error' : 'info', 'webhook rejected', {
      connection: name,
      status,
      code,
      ...(status >= 500 ? { error: (err as Error).message } : {}),
    })
    const message = status >= 500 && !isTandemError(err) ? 'internal error' : (err as Error).message
    return errorResponse(c, status, code, message)
  }
})

edgeApp.notFound((c) => errorResponse(c, 404, 'NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`))

/** The module Worker: workerd calls `fetch` per request and `queue` per batch of the ingress queue. */
export default {
  fetch: edgeApp.fetch,
  queue: (batch: MessageBatch<unknown>, env: EdgeBindings) => forwardBatch(batch, env),
}
