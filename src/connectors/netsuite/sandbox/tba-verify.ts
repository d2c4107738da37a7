import { createHmac, timingSafeEqual } from 'node:crypto'
import type { LoginFailureCause } from './login-audit.ts'
import type { NonceCache } from './nonce-cache.ts'

/**
 * Server-side check of a NetSuite TBA request (OAuth 1.0a, RFC 5849 §3.4, HMAC-SHA256). Written apart
 * from the connector's signer on purpose, byte by byte from the RFC, so a mistake in one cannot hide in
 * the other: the signature is recomputed from the request as received.
 */

export interface TbaSecrets {
  accountId: string
  consumerKey: string
  consumerSecret: string
  tokenId: string
  tokenSecret: string
}

export interface ReceivedRequest {
  method: string
  /** `http` or `https` as the client saw it. */
  scheme: string
  /** The Host header as received. */
  host: string
  /** The request target as received: path plus optional `?query`, still percent-encoded. */
  target: string
  authorization: string | undefined
  /** The raw body when it is `application/x-www-form-urlencoded`: its parameters are signed too. */
  formBody?: string
}

export type TbaVerdict =
  | { ok: true; consumerKey: string; tokenId: string }
  | { ok: false; cause: LoginFailureCause; detail: string; consumerKey?: string; tokenId?: string }

/** NetSuite allows ±5 minutes between the client's `oauth_timestamp` and its own clock. */
export const timestampToleranceSeconds = 300

const required = ['oauth_consumer_key', 'oauth_token', 'oauth_signature_method', 'oauth_timestamp', 'oauth_nonce']

/** RFC 3986 unreserved bytes: ALPHA / DIGIT / "-" / "." / "_" / "~". */
function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    byte === 0x2d ||
    byte === 0x2e ||
    byte === 0x5f ||
    byte === 0x7e
  )
}

/** RFC 5849 §3.6: every byte of the UTF-8 form outside the unreserved set becomes `%XX`, upper-case. */
export function encodeRfc3986(value: string): string {
  let out = ''
  for (const byte of Buffer.from(value, 'utf8')) {
    out += isUnreserved(byte) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** Decodes `%XX` (and `+` when `plusIsSpace`) byte-wise; null when the escapes are malformed. */
function decode(value: string, plusIsSpace: boolean): string | null {
  const text = plusIsSpace ? value.replaceAll('+', ' ') : value
  const bytes: number[] = []
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (ch === '%') {
      const hex = text.slice(i + 1, i + 3)
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return null
      bytes.push(Number.parseInt(hex, 16))
      i += 2
    } else {
      bytes.push(...Buffer.from(ch, 'utf8'))
    }
  }
  return Buffer.from(bytes).toString('utf8')
}

/** application/x-www-form-urlencoded pairs (RFC 5849 §3.4.1.3.1), or null when an escape is malformed. */
function formPairs(text: string): [string, string][] | null {
  const pairs: [string, string][] = []
  for (const part of text.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const name = decode(eq < 0 ? part : part.slice(0, eq), true)
    const value = decode(eq < 0 ? '' : part.slice(eq + 1), true)
    if (name === null || value === null) return null
    pairs.push([name, value])
  }
  return pairs
}

/**
 * Parses `Authorization: OAuth realm="…", k="v", …` (RFC 5849 §3.5.1). Values are percent-decoded; null
 * when the header is not an OAuth header or a parameter repeats.
 */
function parseOAuthHeader(header: string | undefined): Map<string, string> | null {
  const prefix = header ? /^OAuth\s+/i.exec(header) : null
  if (!header || !prefix) return null
  const rest = header.slice(prefix[0].length).trimEnd()
  const pattern = /\s*([A-Za-z0-9_]+)\s*=\s*"([^"]*)"\s*(,|$)/y
  const params = new Map<string, string>()
  let pos = 0
  while (pos < rest.length) {
    pattern.lastIndex = pos
    const m = pattern.exec(rest)
    if (!m) return null
    const name = m[1]!
    const value = decode(m[2]!, false)
    if (value === null || params.has(name)) return null
    params.set(name, value)
    pos = pattern.lastIndex
  }
  return params
}

/** `scheme://host[:port]/path` with scheme and host lower-cased and the default port dropped (§3.4.1.2). */
function baseUri(scheme: string, host: string, path: string): string {
  const s = scheme.toLowerCase()
  let h = host.toLowerCase()
  if ((s === 'http' && h.endsWith(':80')) || (s === 'https' && h.endsWith(':443'))) h = h.replace(/:\d+$/, '')
  return `${s}://${h}${path}`
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * Checks one request against the account's consumer and token. The nonce is remembered only once the
 * signature is good, so unsigned garbage cannot burn a legitimate client's nonces.
 */
export function verifyTba(req: ReceivedRequest, secrets: TbaSecrets, nonces: NonceCache, nowMs: number): TbaVerdict {
  const oauth = parseOAuthHeader(req.authorization)
  if (!oauth) {
    return { ok: false, cause: 'MissingTokenPassportRequiredFields', detail: 'no parseable OAuth Authorization header' }
  }
  const consumerKey = oauth.get('oauth_consumer_key')
  const tokenId = oauth.get('oauth_token')
  const who = { ...(consumerKey ? { consumerKey } : {}), ...(tokenId ? { tokenId } : {}) }
  const fail = (cause: LoginFailureCause, detail: string): TbaVerdict => ({ ok: false, cause, detail, ...who })

  const missing = [...required, 'oauth_signature', 'realm'].filter((p) => !oauth.get(p))
  if (missing.length > 0) return fail('MissingTokenPassportRequiredFields', `missing ${missing.join(', ')}`)
  // The realm is the account ID exactly as NetSuite shows it: `1234567_sb1` is refused (reference §1).
  const realm = oauth.get('realm')!
  if (realm !== secrets.accountId) return fail('InvalidRealm', `realm '${realm}' is not account '${secrets.accountId}'`)
  const method = oauth.get('oauth_signature_method')!
  if (method !== 'HMAC-SHA256') return fail('UnknownAlgorithm', `signature method '${method}'`)
  const version = oauth.get('oauth_version')
  if (version !== undefined && version !== '1.0') return fail('InvalidVersion', `oauth_version '${version}'`)
  if (!sameString(consumerKey!, secrets.consumerKey)) return fail('consumer_key_unknown', 'unknown consumer key')
  if (!sameString(tokenId!, secrets.tokenId)) return fail('token_rejected', 'unknown or revoked token')

  const timestamp = oauth.get('oauth_timestamp')!
  const skew = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) - Math.floor(nowMs / 1000) : Number.NaN
  if (!(Math.abs(skew) <= timestampToleranceSeconds)) {
    return fail('InvalidTimestamp', `timestamp ${timestamp} is ${skew}s from the server clock`)
  }
  const nonce = oauth.get('oauth_nonce')!
  if (!/^[A-Za-z0-9]{6,64}$/.test(nonce)) return fail('InvalidNonce', 'nonce must be 6 to 64 letters or digits')

  const q = req.target.indexOf('?')
  const path = q < 0 ? req.target : req.target.slice(0, q)
  const query = formPairs(q < 0 ? '' : req.target.slice(q + 1))
  const form = formPairs(req.formBody ?? '')
  if (!query || !form) return fail('InvalidSignature', 'malformed percent-encoding in the query or form body')
  const signed: [string, string][] = [...oauth].filter(([name]) => name !== 'realm' && name !== 'oauth_signature')
  signed.push(...query, ...form)
  const normalized = signed
    .map(([n, v]) => `${encodeRfc3986(n)}=${encodeRfc3986(v)}`)
    .sort((a, b) => {
      // Sort by encoded name, then encoded value (§3.4.1.3.2); `=` can appear in neither once encoded.
      const [an, av] = a.split('=') as [string, string]
      const [bn, bv] = b.split('=') as [string, string]
      return an === bn ? (av < bv ? -1 : av > bv ? 1 : 0) : an < bn ? -1 : 1
    })
    .join('&')
  const base = `${req.method.toUpperCase()}&${encodeRfc3986(baseUri(req.scheme, req.host, path))}&${encodeRfc3986(normalized)}`
  const key = `${encodeRfc3986(secrets.consumerSecret)}&${encodeRfc3986(secrets.tokenSecret)}`
  const expected = createHmac('sha256', key).update(base, 'utf8').digest('base64')
  if (!sameString(expected, oauth.get('oauth_signature')!)) return fail('InvalidSignature', 'signature mismatch')

  if (!nonces.use(tokenId!, timestamp, nonce, nowMs)) return fail('NonceUsed', `nonce ${nonce} was already used`)
  return { ok: true, consumerKey: consumerKey!, tokenId: tokenId! }
}
