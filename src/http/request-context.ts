import type { MiddlewareHandler } from 'hono'
import { requestId } from 'hono/request-id'
import { type Logger, runWithLogContext } from '../lib/logger.ts'

/** The header a request id travels in, both ways. */
export const requestIdHeader = 'X-Request-Id'

/**
 * Request ids and per-request logging, first in the chain: every request gets an id (the caller's
 * `X-Request-Id` when sane, else a fresh UUID), echoed in the response's `X-Request-Id`. Everything the
 * request runs — handlers, the engine, the store, work it starts and leaves running — logs through the
 * process logger, whose mixin adds the id of the request whose work it is doing (no per-request child
 * logger: that was a sizeable share of what intake allocated). One line per
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
    const started = performance.now()
    await runWithLogContext({ requestId: id }, next)
    // Set again on the way out: a handler returning its own Response (a SOAP acknowledgement) replaces
    // the headers set on the way in.
    c.header(requestIdHeader, id)
    const status = c.res.status
    // Outside the request's log context by now, so the id is named here.
    const line = {
      requestId: id,
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round(performance.now() - started),
    }
    if (status >= 500) logger.warn(line, 'request failed')
    else if (status >= 400) logger.info(line, 'request refused')
    else logger.debug(line, 'request done')
  }
  return [assignId, logRequest]
}
