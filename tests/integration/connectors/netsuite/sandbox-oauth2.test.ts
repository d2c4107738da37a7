import { createPrivateKey, generateKeyPairSync } from 'node:crypto'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../../../src/connectors/netsuite/sandbox/server.ts'
import { example } from './signed-call.ts'

/**
 * The sandbox's OAuth 2.0 client-credentials endpoint, driven with assertions built here with jose (not
 * the connector's code): what it accepts, what it refuses and how, and bearer tokens that expire.
 */

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const rsaKid = 'rsa-certificate-1'

describe('NetSuite sandbox OAuth 2.0 client credentials', () => {
  let sb: NetSuiteSandbox
  let offsetMs = 0
  let tokenUrl: string

  beforeAll(async () => {
    sb = await startNetSuiteSandbox({
      now: () => Date.now() + offsetMs,
      m2m: {
        tokenTtlSeconds: 60,
        certificates: { [rsaKid]: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
      },
    })
    tokenUrl = `${sb.url}/services/rest/auth/oauth2/v1/token`
  })
  afterAll(async () => {
    await sb.close()
  })

  interface AssertionOptions {
    alg?: string
    kid?: string
    key?: Parameters<SignJWT['sign']>[0]
    aud?: string
    iss?: string
    scope?: unknown
    lifetime?: number
  }

  async function assertion(o: AssertionOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000)
    return new SignJWT({ scope: o.scope ?? ['rest_webservices'] })
      .setProtectedHeader({ typ: 'JWT', alg: o.alg ?? 'ES256', kid: o.kid ?? sb.credentials.certificateId })
      .setIssuer(o.iss ?? sb.credentials.clientId)
      .setAudience(o.aud ?? tokenUrl)
      .setIssuedAt(now)
      .setExpirationTime(now + (o.lifetime ?? 300))
      .setJti('jti-1')
      .sign(o.key ?? createPrivateKey(sb.credentials.privateKey))
  }

  async function token(jwt: string) {
    const res = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: jwt,
      }),
    })
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> }
  }

  const getCustomers = (bearer: string) =>
    fetch(`${sb.url}/services/rest/record/v1/customer`, { headers: { authorization: `Bearer ${bearer}` } })

  it('issues an hour-shaped bearer token for an ES256 assertion, and serves calls with it', async () => {
    const reply = await token(await assertion())
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      expires_in: 60,
      token_type: 'Bearer',
    })
    expect((await getCustomers(String(reply.body.access_token))).status).toBe(200)
    expect(sb.loginAudit.last()).toMatchObject({ status: 'Success', clientId: sb.credentials.clientId })
  })

  it('accepts PS256 from an RSA certificate and scope as a comma list, refuses RS256', async () => {
    const ps = await token(
      await assertion({ alg: 'PS256', kid: rsaKid, key: rsa.privateKey, scope: 'restlets,rest_webservices' }),
    )
    expect(ps.status).toBe(200)
    const rs = await token(await assertion({ alg: 'RS256', kid: rsaKid, key: rsa.privateKey }))
    expect([rs.status, rs.body]).toEqual([401, { error: 'invalid_client' }])
    expect(rs.headers.get('www-authenticate')).toBe(`Basic realm="${sb.credentials.accountId}"`)
  })

  it('answers each bad assertion with the OAuth error NetSuite uses', async () => {
    const errors = example<Record<string, { status: number; body: unknown }>>('oauth2-token-endpoint-errors.json')
    const cases: [AssertionOptions, string][] = [
      [{ kid: 'unknown-certificate' }, 'invalid_client'],
      [{ iss: 'another-client' }, 'invalid_client'],
      [{ aud: 'https://elsewhere.example/token' }, 'invalid_grant'],
      [{ lifetime: 3601 }, 'invalid_grant'],
      [{ lifetime: -10 }, 'invalid_grant'],
      [{ scope: ['restlets'] }, 'invalid_scope'],
    ]
    for (const [opts, error] of cases) {
      const reply = await token(await assertion(opts))
      expect([reply.status, reply.body], JSON.stringify(opts)).toEqual([errors[error]!.status, errors[error]!.body])
    }
    const garbage = await token('not-a-jwt')
    expect([garbage.status, garbage.body]).toEqual([errors.invalid_request!.status, errors.invalid_request!.body])
  })

  it('refuses an expired bearer token with 401 invalid_token and NetSuite’s body; a malformed one with 400', async () => {
    const reference = example<{ headers: Record<string, string>; body: unknown }>('error-401-oauth2-invalid-token.json')
    const bearer = String((await token(await assertion())).body.access_token)
    expect((await getCustomers(bearer)).status).toBe(200)
    offsetMs = 61_000
    try {
      const expired = await getCustomers(bearer)
      expect(expired.status).toBe(401)
      expect(await expired.json()).toEqual(reference.body)
      expect(expired.headers.get('www-authenticate')).toBe(
        reference.headers['WWW-Authenticate']!.replace('1234567_SB1', sb.credentials.accountId),
      )
      expect(sb.loginAudit.last()).toMatchObject({ status: 'Failure', cause: 'InvalidToken' })
      // A fresh token works again at the later time.
      expect((await getCustomers(String((await token(await assertion())).body.access_token))).status).toBe(200)
    } finally {
      offsetMs = 0
    }
    const malformed = await getCustomers('not a token')
    expect([malformed.status, await malformed.json()]).toEqual([400, { error: 'invalid_request' }])
  })
})
