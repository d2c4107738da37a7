import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { type Actor, authenticate, type Role, roleAllows } from '../engine/api-tokens.ts'
import type { Runtime } from '../engine/runtime.ts'
import { errorResponse } from './error-envelope.ts'

export type AuthEnv = { Variables: { actor: Actor } }

/** The dashboard keeps the signed-in token here (HttpOnly, SameSite=Strict); the admin API accepts it too. */
export const sessionCookie = 'tandem_session'

/**
 * Bearer-token authentication with roles for the admin API. Missing or unknown token: 401 (with the
 * `WWW-Authenticate: Bearer` challenge); a role below the route's: 403 naming the role needed.
 */
export function requireRole(rt: Runtime, needed: Role): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? ''
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? getCookie(c, sessionCookie)
    const actor = bearer ? await authenticate(rt.store, bearer, rt.env.TANDEM_ADMIN_TOKEN) : undefined
    if (!actor) {
      c.header('www-authenticate', 'Bearer realm="tandem"')
      return errorResponse(c, 401, 'UNAUTHORIZED', 'send a valid token as Authorization: Bearer <token>')
    }
    if (!roleAllows(actor.role, needed)) {
      return errorResponse(c, 403, 'FORBIDDEN', `this needs the ${needed} role; the token has ${actor.role}`)
    }
    c.set('actor', actor)
    await next()
  }
}

/**
 * A route's access rule, declared once: enforced by {@link requireRole} and published in the OpenAPI
 * document as the role the bearer scheme needs (OpenAPI 3.1 lets a non-OAuth requirement list roles), so
 * the docs say who may call what and a test can hold every route to its declaration.
 *
 * @example
 * api.openapi({ ...listFlows, ...roleGuard(rt, 'viewer') }, handler)
 */
export function roleGuard(rt: Runtime, role: Role) {
  return { security: [{ bearer: [role] }], middleware: [requireRole(rt, role)] }
}

/** Records a write action in the audit log: who (the token), what, on which target, with which parameters. */
export async function audit(c: Context<AuthEnv>, rt: Runtime, action: string, target: string | null, detail?: unknown) {
  const actor = c.get('actor')
  await rt.store.tokens.audit({
    actor: actor.name,
    role: actor.role,
    action,
    target,
    detail: detail === undefined ? null : JSON.stringify(detail),
  })
}
