import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Hono } from 'hono'
import { verifyJwtAssertion } from '../jwt-bearer.ts'
import { jsonType } from '../responses.ts'
import type { SandboxState } from '../state.ts'

/** A refusal of the token endpoint: `{"error","error_description"}`, HTTP 400 as Salesforce sends it. */
interface OAuthRefusal {
  error: string
  description: string
}

/** What a grant decides: a refusal, or the user the new session runs as. */
type GrantOutcome = OAuthRefusal | { userId: string }

/** One OAuth grant: authenticates the client and the user from the form (and the request's origin). */
type Grant = (form: URLSearchParams, state: SandboxState, origin: string) => GrantOutcome | Promise<GrantOutcome>

const authenticationFailure: OAuthRefusal = { error: 'invalid_grant', description: 'authentication failure' }

function same(a: string | null, b: string): boolean {
  if (a === null) return false
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** The connected app's consumer key and secret, as the password and client-credentials grants send them. */
function clientRefusal(form: URLSearchParams, state: SandboxState): OAuthRefusal | null {
  if (!same(form.get('client_id'), state.credentials.clientId)) {
    return { error: 'invalid_client_id', description: 'client identifier invalid' }
  }
  if (!same(form.get('client_secret'), state.credentials.clientSecret)) {
    return { error: 'invalid_client', description: 'invalid client credentials' }
  }
  return null
}

/**
 * The grants the sandbox accepts, by `grant_type`. The username-password flow takes the password with the
 * security token appended (here the token is empty). Client credentials runs as the org's integration
 * user, like a connected app's Run-As user. JWT bearer needs no secret: the assertion, signed with the key
 * of a registered certificate, names the app (iss) and the user (sub).
 */
const grants: Record<string, Grant> = {
  password: (form, state) =>
    clientRefusal(form, state) ??
    (same(form.get('username'), state.credentials.username) && same(form.get('password'), state.credentials.password)
      ? { userId: state.org.userId }
      : authenticationFailure),
  client_credentials: (form, state) => clientRefusal(form, state) ?? { userId: state.org.userId },
  'urn:ietf:params:oauth:grant-type:jwt-bearer': (form, state, origin) =>
    verifyJwtAssertion(form.get('assertion') ?? '', state, origin),
}

/**
 * `POST /services/oauth2/token`, `POST /services/oauth2/revoke` and the identity URL
 * (Salesforce Help, "OAuth 2.0 Username-Password Flow" and "OAuth 2.0 Client Credentials Flow").
 */
export function oauthRoutes(app: Hono, state: SandboxState): void {
  const json = (body: unknown, status: 200 | 400) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': jsonType } })
  const refuse = (r: OAuthRefusal) => json({ error: r.error, error_description: r.description }, 400)

  app.post('/services/oauth2/token', async (c) => {
    const form = new URLSearchParams(await c.req.text())
    const grant = grants[form.get('grant_type') ?? '']
    if (!grant) return refuse({ error: 'unsupported_grant_type', description: 'grant type not supported' })
    const { credentials, org } = state
    const base = new URL(c.req.url).origin
    const outcome = await grant(form, state, base)
    if ('error' in outcome) return refuse(outcome)
    state.logins++
    const issuedAt = String(state.now())
    const id = `${base}/id/${org.orgId}/${outcome.userId}`
    // No expires_in: a Salesforce token lives until its session times out. `id` is required by jsforce.
    return json(
      {
        access_token: state.sessions.issue(org.orgId, outcome.userId),
        instance_url: base,
        id,
        token_type: 'Bearer',
        issued_at: issuedAt,
        // Base64 HMAC-SHA256 of id + issued_at keyed by the consumer secret, as the token response documents.
        signature: createHmac('sha256', credentials.clientSecret)
          .update(id + issuedAt)
          .digest('base64'),
        scope: 'api',
      },
      200,
    )
  })

  app.post('/services/oauth2/revoke', async (c) => {
    const token = new URLSearchParams(await c.req.text()).get('token') ?? c.req.query('token')
    if (token) state.sessions.revoke(token)
    return c.body(null, 200)
  })

  // The identity URL answers a dead token with a plain-text 403, not the REST error array.
  app.get('/id/:org/:user', (c) => {
    const token = (c.req.header('authorization') ?? '').replace(/^Bearer\s+/i, '') || c.req.query('oauth_token') || ''
    const { org } = state
    const session = state.sessions.check(token)
    if (!session) return c.body('Bad_OAuth_Token', 403, { 'Content-Type': 'text/plain' })
    if (c.req.param('org') !== org.orgId || c.req.param('user') !== session.userId) {
      return c.body('Bad_Id', 404, { 'Content-Type': 'text/plain' })
    }
    const base = new URL(c.req.url).origin
    const user = org.find('User', session.userId)
    return json(
      {
        id: `${base}/id/${org.orgId}/${session.userId}`,
        asserted_user: true,
        user_id: session.userId,
        organization_id: org.orgId,
        username: user?.Username ?? null,
        nick_name: user?.Alias ?? null,
        display_name: user?.Name ?? null,
        email: user?.Email ?? null,
        first_name: user?.FirstName ?? null,
        last_name: user?.LastName ?? null,
        active: true,
        user_type: 'STANDARD',
        language: 'en_US',
        locale: 'en_US',
        utcOffset: 0,
        urls: {
          rest: `${base}/services/data/v{version}/`,
          sobjects: `${base}/services/data/v{version}/sobjects/`,
          query: `${base}/services/data/v{version}/query/`,
        },
      },
      200,
    )
  })
}
