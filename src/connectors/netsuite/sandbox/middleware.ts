import { setTimeout as sleep } from 'node:timers/promises'
import type { MiddlewareHandler } from 'hono'
import { nsJson, type SandboxEnv } from './hono-env.ts'
import { concurrencyLimitBody, errorBody, invalidHeader, invalidLoginBody, userError } from './ns-error.ts'
import { checkBearer } from './oauth2-server.ts'
import type { SandboxState } from './sandbox-state.ts'
import { verifyTba } from './tba-verify.ts'

/**
 * The request pipeline in front of every route: where the request came from, TBA, the concurrency
 * ceiling (with injected latency and faults), and NetSuite's header rules.
 */

/** Records scheme and host as the client used them and the raw target, which the signature covers. */
export function requestOrigin(state: SandboxState): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const url = new URL(c.req.url)
    const forwarded = state.trustForwardedProto ? c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() : undefined
    const scheme = forwarded || url.protocol.slice(0, -1)
    const host = (c.req.header('host') ?? url.host).toLowerCase()
    c.set('scheme', scheme)
    c.set('host', host)
    c.set('baseUrl', `${scheme}://${host}`)
    // Node keeps the request target byte for byte; `c.req.url` has been normalised by the URL parser.
    c.set('target', c.env?.incoming?.url ?? `${url.pathname}${url.search}`)
    const started = state.now()
    try {
      await next()
    } finally {
      state.requestLog.record({ method: c.req.method, target: c.get('target'), status: c.res.status, at: started })
    }
  }
}

/** Paths that authenticate otherwise: the token endpoint (by its JWT assertion) and the simulator's admin API. */
export function isUnauthenticatedPath(path: string): boolean {
  return path === '/services/rest/auth/oauth2/v1/token' || path.startsWith('/__sandbox/')
}

/**
 * `Authorization: Bearer` is an OAuth 2.0 access token (reference §3): an expired or unknown one is 401
 * `invalid_token` with NetSuite's INVALID_LOGIN body, a malformed one 400 `invalid_request`. Anything else
 * is checked as TBA.
 */
export function apiAuth(state: SandboxState): MiddlewareHandler<SandboxEnv> {
  const tba = tbaAuth(state)
  return async (c, next) => {
    const path = new URL(c.req.url).pathname
    if (isUnauthenticatedPath(path)) return next()
    const header = c.req.header('authorization') ?? ''
    const bearer = /^Bearer\s+(.*)$/i.exec(header)
    if (!bearer) return tba(c, next)
    const verdict = await checkBearer(state.oauth2, bearer[1]!.trim(), state.now())
    if (verdict.ok) {
      state.audit.record({ at: state.now(), status: 'Success', method: c.req.method, path, clientId: verdict.clientId })
      return next()
    }
    state.audit.record({
      at: state.now(),
      status: 'Failure',
      cause: verdict.malformed ? 'MalformedToken' : 'InvalidToken',
      detail: verdict.why,
      method: c.req.method,
      path,
    })
    if (verdict.malformed) return c.json({ error: 'invalid_request' }, 400)
    return nsJson(c, invalidLoginBody(), 401, 'error', {
      'www-authenticate': `Bearer realm="${state.account.id}", error="invalid_token", error_description="Invalid login attempt."`,
    })
  }
}

/**
 * Every TBA failure gets the same 401 body and WWW-Authenticate header (reference §2); only the login
 * audit trail says which check failed.
 */
export function tbaAuth(state: SandboxState): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const form = /application\/x-www-form-urlencoded/i.test(c.req.header('content-type') ?? '')
    const verdict = verifyTba(
      {
        method: c.req.method,
        scheme: c.get('scheme'),
        host: c.get('host'),
        target: c.get('target'),
        authorization: c.req.header('authorization'),
        ...(form ? { formBody: await c.req.text() } : {}),
      },
      state.credentials,
      state.nonces,
      state.now(),
    )
    const target = c.get('target')
    const path = target.split('?')[0] ?? target
    const { consumerKey, tokenId } = verdict
    const who = { ...(consumerKey ? { consumerKey } : {}), ...(tokenId ? { tokenId } : {}) }
    if (!verdict.ok) {
      state.audit.record({
        at: state.now(),
        status: 'Failure',
        cause: verdict.cause,
        detail: verdict.detail,
        method: c.req.method,
        path,
        ...who,
      })
      return nsJson(c, invalidLoginBody(), 401, 'error', {
        'www-authenticate': `OAuth realm="${state.account.id}", error="token_rejected", error_description="Invalid login attempt."`,
      })
    }
    state.audit.record({ at: state.now(), status: 'Success', method: c.req.method, path, ...who })
    await next()
  }
}

/** The in-flight ceiling: over it, 429 CONCURRENCY_LIMIT_EXCEEDED at once, no Retry-After (reference §7). */
export function governanceGate(state: SandboxState): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    if (isUnauthenticatedPath(new URL(c.req.url).pathname)) return next()
    if (!state.governance.tryEnter()) return nsJson(c, concurrencyLimitBody(), 429, 'error')
    try {
      if (state.governance.latencyMs > 0) await sleep(state.governance.latencyMs)
      const fault = state.faults.take(c.req.method, c.get('target'))
      if (fault === 429) return nsJson(c, concurrencyLimitBody(), 429, 'error')
      if (fault === 500) {
        const id = Math.random().toString(36).slice(2, 12)
        const body = errorBody(500, [
          { detail: `An unexpected error occurred. Error ID: ${id}`, 'o:errorCode': 'UNEXPECTED_ERROR' },
        ])
        return nsJson(c, body, 500, 'error')
      }
      // Gateways in front of NetSuite answer 502/503/504 with an empty or HTML body (reference §6).
      if (fault === 503) return c.body(null, 503)
      // A workflow holding the record: the USER_ERROR a client must retry later (reference §6).
      if (fault === 'locked') throw userError('This record has been locked by a user defined workflow.')
      await next()
    } finally {
      state.governance.leave()
    }
  }
}

/** REST web services only speak the company's default language (reference §4, airbyte #34137). */
export function languageCheck(): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const lang = c.req.header('accept-language')?.split(',')[0]?.trim().toLowerCase()
    if (lang && lang !== '*' && !lang.startsWith('en')) {
      throw invalidHeader(
        'Accept-Language',
        "Invalid language. REST web services currently only support the default company language, and do not support the language specified in your user preferences. Provide the Accept-Language header with your default company language value 'en'.",
      )
    }
    await next()
  }
}
