import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { isTandemError } from '../errors.ts'

/** Every error answer has one shape: `{ "error": { "code", "message" } }`. */
export function errorResponse<S extends ContentfulStatusCode>(c: Context, status: S, code: string, message: string) {
  return c.json({ error: { code, message } }, status)
}

/** Status for an error thrown by a handler: our codes map to 4xx, anything else is a 500 without details. */
export function statusOf(err: unknown): 400 | 401 | 500 | 503 {
  if (!isTandemError(err)) return 500
  if (err.code === 'WEBHOOK_UNAUTHORIZED') return 401
  if (err.code === 'WEBHOOK_INVALID_BODY') return 400
  if (err.kind === 'transient') return 503
  return 500
}
