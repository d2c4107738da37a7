import type { Hono } from 'hono'
import type { Runtime } from '../../engine/runtime.ts'
import { isTandemError } from '../../errors.ts'
import type { Logger } from '../../lib/logger.ts'
import { errorResponse, statusOf } from '../error-envelope.ts'

/**
 * `POST /webhooks/:connection`: the connection verifies and parses the request, the events go to the
 * inbox, and the answer is 202 once they are stored. No remote call happens here.
 */
export function postWebhook(app: Hono, rt: Runtime, logger: Logger): void {
  app.post('/webhooks/:connection', async (c) => {
    const name = c.req.param('connection')
    const connection = rt.connections.get(name)
    if (!connection) return errorResponse(c, 404, 'CONNECTION_UNKNOWN', `no connection named '${name}'`)
    try {
      const inbound = await connection.parseWebhook(c.req.raw)
      const result = await rt.ingest.accept(name, inbound.events, { via: 'webhook' })
      logger.debug({ connection: name, ...result }, 'webhook accepted')
      return inbound.respond ? inbound.respond() : c.json(result, 202)
    } catch (err) {
      const status = statusOf(err)
      if (status >= 500) logger.error({ err, connection: name }, 'webhook intake failed')
      else logger.info({ connection: name, code: isTandemError(err) ? err.code : undefined }, 'webhook rejected')
      const code = isTandemError(err) ? err.code : 'INTERNAL'
      const message = status >= 500 && !isTandemError(err) ? 'internal error' : (err as Error).message
      return errorResponse(c, status, code, message)
    }
  })
}
