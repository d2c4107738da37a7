import { Hono } from 'hono'
import { exportJWK } from 'jose'
import type { SandboxEnv } from '../hono-env.ts'
import { issueToken } from '../oauth2-server.ts'
import type { SandboxState } from '../sandbox-state.ts'

/**
 * `/services/rest/auth/oauth2/v1`: the client-credentials token endpoint and the keys its tokens are
 * signed with (reference §3). Token errors are OAuth's bare `{"error": …}`, not NetSuite's envelope
 * (oauth2-token-endpoint-errors.json).
 */
export function oauth2Routes(state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>()

  app.post('/token', async (c) => {
    if (!/application\/x-www-form-urlencoded/i.test(c.req.header('content-type') ?? '')) {
      return c.json({ error: 'invalid_request' }, 400)
    }
    const form = new URLSearchParams(await c.req.text())
    const tokenUrl = `${c.get('baseUrl')}/services/rest/auth/oauth2/v1/token`
    const outcome = await issueToken(state.oauth2, form, tokenUrl, state.now(), state.account.id)
    if (outcome.ok) {
      state.audit.record({
        at: state.now(),
        status: 'Success',
        method: 'POST',
        path: '/auth/oauth2/v1/token',
        clientId: state.oauth2.clientId,
      })
      return c.json(outcome.body, 200, { 'cache-control': 'no-store' })
    }
    state.audit.record({
      at: state.now(),
      status: 'Failure',
      cause: 'InvalidToken',
      detail: `token request refused: ${outcome.why}`,
      method: 'POST',
      path: '/auth/oauth2/v1/token',
    })
    const headers: Record<string, string> =
      outcome.error === 'invalid_client' ? { 'www-authenticate': `Basic realm="${state.account.id}"` } : {}
    return c.json({ error: outcome.error }, outcome.status, headers)
  })

  app.get('/keys', async (c) => {
    const jwk = await exportJWK(state.oauth2.verifyKey)
    return c.json({ keys: [{ ...jwk, kid: `s.${state.account.id}.sandbox`, use: 'sig', alg: 'ES256' }] })
  })

  return app
}
