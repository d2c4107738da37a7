import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto'
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from 'jose'

/**
 * OAuth 2.0 client credentials (machine to machine) as NetSuite runs it (reference §3): the integration
 * signs a JWT assertion with its private key; the header's `kid` names the certificate an admin uploaded
 * (the certificate ID), `iss` is the client ID, `aud` the token URL, `scope` includes rest_webservices,
 * `exp` at most an hour after `iat`. Only PS256/384/512 and ES256/384/512 are accepted (RS256 is not
 * listed). The access token is a JWT this account signs and checks on every call; it expires.
 */

export const assertionAlgorithms = ['PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const

export interface OAuth2Settings {
  /** The integration record's client ID (`iss` of assertions). */
  clientId: string
  /** Certificate ID → public key, as uploaded in the M2M setup. */
  certificates: Map<string, KeyObject>
  /** Lifetime of issued access tokens (NetSuite: 3600 s). */
  tokenTtlSeconds: number
  /** The account's own token-signing key. */
  readonly signingKey: KeyObject
  readonly verifyKey: KeyObject
}

export type TokenError = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'invalid_scope'

export type TokenOutcome =
  | { ok: true; body: { access_token: string; expires_in: number; token_type: 'Bearer' } }
  | { ok: false; error: TokenError; status: 400 | 401; why: string }

export function createOAuth2Settings(opts: {
  clientId: string
  certificates: Map<string, KeyObject>
  tokenTtlSeconds?: number
}): OAuth2Settings {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  return {
    clientId: opts.clientId,
    certificates: opts.certificates,
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 3600,
    signingKey: privateKey,
    verifyKey: publicKey,
  }
}

/** A fresh EC P-256 key pair for the sandbox's own integration, the private key as PKCS#8 PEM. */
export function generateClientKey(): { privateKeyPem: string; publicKey: KeyObject; certificateId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey,
    // Certificate IDs look like Oracle's sample `kid`: 43 base64url characters.
    certificateId: randomBytes(32).toString('base64url'),
  }
}

function scopesOf(scope: unknown): string[] {
  // Oracle's sample sends an array, its text a comma-separated list; accept both (and spaces).
  if (Array.isArray(scope)) return scope.map(String)
  return typeof scope === 'string' ? scope.split(/[\s,]+/).filter(Boolean) : []
}

/** `POST /services/rest/auth/oauth2/v1/token` with the form already parsed. */
export async function issueToken(
  settings: OAuth2Settings,
  form: URLSearchParams,
  tokenUrl: string,
  nowMs: number,
  accountId: string,
): Promise<TokenOutcome> {
  const fail = (error: TokenError, why: string): TokenOutcome => ({
    ok: false,
    error,
    status: error === 'invalid_client' ? 401 : 400,
    why,
  })
  if (form.get('grant_type') !== 'client_credentials') return fail('invalid_request', 'grant_type')
  if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
    return fail('invalid_request', 'client_assertion_type')
  }
  const assertion = form.get('client_assertion')
  if (!assertion) return fail('invalid_request', 'client_assertion missing')
  let header: ReturnType<typeof decodeProtectedHeader>
  try {
    header = decodeProtectedHeader(assertion)
  } catch {
    return fail('invalid_request', 'client_assertion is not a JWT')
  }
  const alg = header.alg ?? ''
  if (!(assertionAlgorithms as readonly string[]).includes(alg)) return fail('invalid_client', `algorithm ${alg}`)
  const key = typeof header.kid === 'string' ? settings.certificates.get(header.kid) : undefined
  if (!key) return fail('invalid_client', 'unknown certificate id')
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload']
  try {
    ;({ payload } = await jwtVerify(assertion, key, {
      algorithms: [alg],
      issuer: settings.clientId,
      audience: tokenUrl,
      currentDate: new Date(nowMs),
      requiredClaims: ['exp', 'iat'],
    }))
  } catch (err) {
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) return fail('invalid_client', 'signature')
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'iss') return fail('invalid_client', 'iss')
    return fail('invalid_grant', err instanceof Error ? err.message : 'assertion')
  }
  if ((payload.exp ?? 0) - (payload.iat ?? 0) > 3600) return fail('invalid_grant', 'exp more than an hour after iat')
  if (!scopesOf(payload.scope).includes('rest_webservices')) return fail('invalid_scope', 'scope')

  const now = Math.floor(nowMs / 1000)
  const token = await new SignJWT({ scope: ['rest_webservices'] })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: `s.${accountId}.sandbox` })
    .setIssuer('https://system.netsuite.com')
    .setSubject(settings.clientId)
    .setAudience(settings.clientId)
    .setIssuedAt(now)
    .setExpirationTime(now + settings.tokenTtlSeconds)
    .setJti(randomBytes(16).toString('hex'))
    .sign(settings.signingKey)
  return { ok: true, body: { access_token: token, expires_in: settings.tokenTtlSeconds, token_type: 'Bearer' } }
}

/** A bearer token on an API call: valid, expired or forged, and malformed tokens told apart (reference §3). */
export async function checkBearer(
  settings: OAuth2Settings,
  token: string,
  nowMs: number,
): Promise<{ ok: true; clientId: string } | { ok: false; malformed: boolean; why: string }> {
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) return { ok: false, malformed: true, why: 'not a JWT' }
  try {
    const { payload } = await jwtVerify(token, settings.verifyKey, {
      issuer: 'https://system.netsuite.com',
      currentDate: new Date(nowMs),
      // The clock skew a real service allows would hide an expiry a test sets up on purpose.
      clockTolerance: 0,
    })
    return { ok: true, clientId: String(payload.sub) }
  } catch (err) {
    return { ok: false, malformed: false, why: err instanceof Error ? err.message : 'invalid' }
  }
}
