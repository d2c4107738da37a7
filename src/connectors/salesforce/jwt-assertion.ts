import { importPKCS8, SignJWT } from 'jose'
import { ConfigError } from '../../errors.ts'

/** Salesforce refuses assertions that expire more than three minutes ahead ("OAuth 2.0 JWT Bearer Flow"). */
const lifetimeSeconds = 170

/**
 * Signs the RS256 assertion of the JWT bearer grant: `iss` the consumer key, `sub` the username, `aud` the
 * login host, `exp` under three minutes ahead. A fresh one per login, so a captured assertion soon dies.
 */
export async function signJwtAssertion(opts: {
  clientId: string
  username: string
  audience: string
  privateKeyPem: string
  nowMs?: number
}): Promise<string> {
  let key: Awaited<ReturnType<typeof importPKCS8>>
  try {
    key = await importPKCS8(opts.privateKeyPem, 'RS256')
  } catch {
    // The key's text never goes into the message.
    throw new ConfigError('auth.privateKey is not a PEM-encoded PKCS#8 RSA private key', { path: 'auth.privateKey' })
  }
  const now = Math.floor((opts.nowMs ?? Date.now()) / 1000)
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(opts.clientId)
    .setSubject(opts.username)
    .setAudience(opts.audience)
    .setExpirationTime(now + lifetimeSeconds)
    .sign(key)
}
