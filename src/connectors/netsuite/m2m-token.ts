import { createPrivateKey, type KeyObject, randomBytes } from 'node:crypto'
import { SignJWT } from 'jose'
import { z } from 'zod'
import { ConfigError, TransientError } from '../../errors.ts'
import type { M2mAuth } from './config-schema.ts'

/**
 * OAuth 2.0 client credentials for NetSuite (reference §3). A JWT assertion (`iss` client ID, `aud` the
 * token URL, `scope`, `iat`/`exp` a few minutes apart, `kid` the certificate ID) signed with the private
 * key is exchanged at `/services/rest/auth/oauth2/v1/token` for a bearer token valid `expires_in`
 * seconds. There is no refresh token: the flow simply runs again. One token serves every request of the
 * connection; concurrent requests share one exchange.
 */

/** Sends a form to the token endpoint; the client supplies it (its connection pool, outside the limiter). */
export type FormPost = (url: URL, form: URLSearchParams) => Promise<{ status: number; body: unknown }>

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().int().positive(),
  token_type: z.string().regex(/^bearer$/i),
})

const tokenErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() })

/** Renew this long before NetSuite would refuse the token: clocks differ and a request takes time. */
const renewBeforeMs = 60_000
/** The assertion's own lifetime; NetSuite requires exp < iat + 3600. */
const assertionTtlSeconds = 300

function algorithmFor(key: KeyObject, configured: M2mAuth['algorithm']): string {
  if (configured) return configured
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') return 'PS256'
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve
    if (curve === 'prime256v1') return 'ES256'
    if (curve === 'secp384r1') return 'ES384'
    if (curve === 'secp521r1') return 'ES512'
  }
  throw new ConfigError(
    'the M2M private key must be RSA or EC P-256/P-384/P-521 (NetSuite accepts PS256-512 and ES256-512)',
    {},
    { code: 'NS_M2M_KEY_UNSUPPORTED' },
  )
}

export interface M2mTokenSource {
  /** A bearer token valid for at least a minute more, fetched when needed. */
  token(): Promise<string>
  /** The API refused this token (401): forget it, so the next call fetches another. */
  invalidate(token: string): void
}

export function createM2mTokenSource(
  auth: M2mAuth,
  tokenUrl: URL,
  post: FormPost,
  now: () => number = Date.now,
): M2mTokenSource {
  let key: KeyObject
  try {
    key = createPrivateKey(auth.privateKey.reveal())
  } catch {
    // The parser's message could quote the key; say only what is wrong.
    throw new ConfigError('the M2M private key is not a readable PEM key', {}, { code: 'NS_M2M_KEY_INVALID' })
  }
  const alg = algorithmFor(key, auth.algorithm)
  let current: { token: string; renewAt: number } | undefined
  let pending: Promise<string> | undefined

  async function exchange(): Promise<string> {
    const iat = Math.floor(now() / 1000)
    const assertion = await new SignJWT({ scope: auth.scope })
      .setProtectedHeader({ typ: 'JWT', alg, kid: auth.certificateId })
      .setIssuer(auth.clientId.reveal())
      .setAudience(tokenUrl.href)
      .setIssuedAt(iat)
      .setExpirationTime(iat + assertionTtlSeconds)
      .setJti(randomBytes(16).toString('hex'))
      .sign(key)
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    })
    const res = await post(tokenUrl, form)
    if (res.status >= 500 || res.status === 429) {
      throw new TransientError('NS_M2M_TOKEN_UNAVAILABLE', `NetSuite's token endpoint answered ${res.status}`, {
        remote: { status: res.status },
      })
    }
    if (res.status !== 200) {
      const error = tokenErrorSchema.safeParse(res.body)
      const code = error.success ? error.data.error : 'unexpected_response'
      throw new ConfigError(
        `NetSuite refused the M2M token request (${code}): check the client ID, the certificate ID and its mapping to an entity and role, the key, and the scope`,
        {},
        { code: `NS_M2M_${code.toUpperCase()}`, remote: { status: res.status, body: { error: code } } },
      )
    }
    const parsed = tokenResponseSchema.safeParse(res.body)
    if (!parsed.success) {
      throw new TransientError('NS_M2M_TOKEN_UNAVAILABLE', 'the token endpoint answered 200 without a bearer token', {
        remote: { status: res.status },
      })
    }
    const lifetimeMs = parsed.data.expires_in * 1000
    // A short-lived token (a test's) is renewed at half its life rather than never reused.
    const renewAt = now() + Math.max(lifetimeMs - renewBeforeMs, lifetimeMs / 2)
    current = { token: parsed.data.access_token, renewAt }
    return parsed.data.access_token
  }

  return {
    token() {
      if (current && now() < current.renewAt) return Promise.resolve(current.token)
      pending ??= exchange().finally(() => {
        pending = undefined
      })
      return pending
    },
    invalidate(token) {
      if (current?.token === token) current = undefined
    },
  }
}
