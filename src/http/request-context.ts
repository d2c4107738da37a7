import type { Context, MiddlewareHandler } from 'hono'
import { requestId } from 'hono/request-id'
import { type Logger, runWithLogContext } from '../lib/logger.ts'

declare module 'hono' {
  interface ContextVariableMap {
    /** The request's own logger: every line carries its `requestId`. */
    log: Logger
  }
}

/** The header a request id travels in, both ways. */
export const requestIdHeader = 'X-Request-Id'

/**
 * Request ids and per-request logging, first in the chain: every request gets an id (the caller's
 * `X-Request-Id` when sane, else a fresh UUID), echoed in the response's `X-Request-Id`. Handlers log
 * through `c.var.log`, a child logger bound to the id; code further down (the engine, the store) logs
 * through the process logger, whose mixin adds the id of the request whose work it is doing. One line per
 * finished request records method, path (never the query string: tokens can travel there), status and
 * duration; failures at info or warn so an admin holding an id from an error answer can find it.
 */
export function requestContext(logger: Logger): MiddlewareHandler[] {
  // An id a caller (a proxy, a load balancer, an upstream service) already gave the request is kept when
  // it is short and plain (letters, digits, `_`, `-`, `=`), so one id follows the request through every
  // hop; anything else is replaced, since a header we echo and log must not carry newlines or megabytes.
  const assignId = requestId({ headerName: requestIdHeader, limitLength: 128 })
  const logRequest: MiddlewareHandler = async (c, next) => {
    const id = c.var.requestId
    const log = logger.child({ requestId: id })
    c.set('log', log)
    const started = performance.now()
    await runWithLogContext({ requestId: id }, next)
    // Set again on the way out: a handler returning its own Response (a SOAP acknowledgement) replaces
    // the headers set on the way in.
    c.header(requestIdHeader, id)
    const status = c.res.status
    const line = { method: c.req.method, path: c.req.path, status, ms: Math.round(performance.now() - started) }
    if (status >= 500) log.warn(line, 'request failed')
    else if (status >= 400) log.info(line, 'request refused')
    else log.debug(line, 'request done')
  }
  return [assignId, logRequest]
}

/** The request's logger, or `fallback` where the request-context middleware is not mounted (a bare sub-app in a test). */
export function requestLog(c: Context, fallback: Logger): Logger {
  return (c.var as { log?: Logger }).log ?? fallback
}
