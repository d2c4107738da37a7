import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { isTandemError } from '../errors.ts'

/**
 * Every error answer has one shape: `{ "error": { "code", "message", "requestId" } }`. The request id is the
 * one in the `X-Request-Id` header and on every log line of the request, so an admin given an error can
 * find what the service logged about it.
 */
export function errorResponse<S extends ContentfulStatusCode>(c: Context, status: S, code: string, message: string) {
  const requestId = (c.var as { requestId?: string }).requestId
  return c.json({ error: { code, message, ...(requestId ? { requestId } : {}) } }, status)
}

/** Status for an error thrown by a handler: our codes map to 4xx, anything else is a 500 without details. */
export function statusOf(err: unknown): 400 | 401 | 500 | 503 {
  if (!isTandemError(err)) return 500
  if (err.code === 'WEBHOOK_UNAUTHORIZED') return 401
  if (err.code === 'WEBHOOK_INVALID_BODY') return 400
  if (err.kind === 'transient') return 503
  return 500
}
