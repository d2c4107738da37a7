import type { HttpBindings } from '@hono/node-server'
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { mediaTypes } from './ns-error.ts'

/**
 * The sandbox's Hono environment. Node bindings are absent when the app is driven with `app.request()`
 * in-process. The first middleware sets where the client thinks it is: `scheme` and `host` as it used
 * them, `baseUrl` made of the two, and `target`, the path and query exactly as received.
 */
export type SandboxEnv = {
  Bindings: Partial<HttpBindings> | undefined
  Variables: { scheme: string; host: string; baseUrl: string; target: string }
}

export type SandboxContext = Context<SandboxEnv>

/** A JSON answer with NetSuite's vendor media type instead of Hono's `application/json`. */
export function nsJson(
  c: SandboxContext,
  body: unknown,
  status: ContentfulStatusCode,
  kind: keyof typeof mediaTypes,
  headers: Record<string, string> = {},
): Response {
  return c.body(JSON.stringify(body), status, { ...headers, 'content-type': mediaTypes[kind] })
}
