import { decodeJwt, importSPKI, importX509, jwtVerify } from 'jose'
import type { SandboxState } from './state.ts'

/** Audiences Salesforce accepts: its login hosts, and (here) the sandbox's own origin, its "My Domain". */
const loginHosts = ['https://login.salesforce.com', 'https://test.salesforce.com']

/** Salesforce wants `exp` at most a few minutes ahead; a little clock skew is tolerated. */
const maxLifetimeSeconds = 5 * 60
const skewSeconds = 30

type Key = Awaited<ReturnType<typeof importSPKI>>

const keyCache = new WeakMap<readonly string[], Promise<Key[]>>()

/** The connected app's registered certificates (PEM X.509 or SPKI public keys) as verification keys. */
function keysOf(pems: readonly string[]): Promise<Key[]> {
  let keys = keyCache.get(pems)
  if (!keys) {
    keys = Promise.all(
      pems.map((pem) => (pem.includes('BEGIN CERTIFICATE') ? importX509(pem, 'RS256') : importSPKI(pem, 'RS256'))),
    )
    keyCache.set(pems, keys)
  }
  return keys
}

/**
 * Checks a JWT bearer assertion as Salesforce does ("OAuth 2.0 JWT Bearer Flow for Server-to-Server
 * Integration"): RS256 signed by a certificate registered on the connected app, `iss` its consumer key,
 * `aud` a login host, `exp` present and near, `sub` the username of a pre-authorised (here: any) user.
 * Refusals use the documented `error`/`error_description` pairs.
 */
export async function verifyJwtAssertion(
  assertion: string,
  state: SandboxState,
  origin: string,
): Promise<{ error: string; description: string } | { userId: string }> {
  const invalid = { error: 'invalid_grant', description: 'invalid assertion' }
  let claims: ReturnType<typeof decodeJwt>
  try {
    claims = decodeJwt(assertion)
  } catch {
    return invalid
  }
  if (claims.iss !== state.credentials.clientId) {
    return { error: 'invalid_client_id', description: 'client identifier invalid' }
  }
  let verified = false
  const now = Math.floor(state.now() / 1000)
  for (const key of await keysOf(state.jwtCertificates)) {
    try {
      await jwtVerify(assertion, key, {
        algorithms: ['RS256'],
        currentDate: new Date(state.now()),
        clockTolerance: skewSeconds,
        requiredClaims: ['exp', 'sub', 'aud', 'iss'],
      })
      verified = true
      break
    } catch {
      // Try the next registered certificate.
    }
  }
  if (!verified || typeof claims.exp !== 'number' || claims.exp > now + maxLifetimeSeconds) return invalid
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  if (!audiences.some((a) => typeof a === 'string' && [origin, ...loginHosts].includes(a.replace(/\/+$/, '')))) {
    return { error: 'invalid_grant', description: 'audience is invalid' }
  }
  const sub = String(claims.sub).toLowerCase()
  const user = [...state.org.records('User')].find(
    (u) => !u.IsDeleted && u.IsActive !== false && String(u.Username).toLowerCase() === sub,
  )
  if (!user) return { error: 'invalid_grant', description: "user hasn't approved this consumer" }
  return { userId: user.Id }
}
