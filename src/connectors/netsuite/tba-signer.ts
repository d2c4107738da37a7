import { createHmac, randomBytes } from 'node:crypto'

/**
 * NetSuite Token-Based Authentication: OAuth 1.0a (RFC 5849) with HMAC-SHA256, the only method NetSuite
 * still accepts (HMAC-SHA1 was retired in 2023.1). Reproduces Oracle's published example signature and
 * the reference vectors in shared/reference/netsuite-examples/oauth1-tba-signature-vectors.json.
 */

export interface TbaCredentials {
  /** The account ID exactly as NetSuite shows it (`1234567_SB1`); sent as `realm`, never signed. */
  realm: string
  consumerKey: string
  consumerSecret: string
  /** The access token's ID, sent as `oauth_token`. */
  tokenId: string
  tokenSecret: string
}

export interface TbaRequest {
  method: string
  /** The full request URL, query included: query parameters are signed (RFC 5849 §3.4.1.3.1). */
  url: string | URL
  /** An `application/x-www-form-urlencoded` body, whose parameters are signed too. JSON bodies never are. */
  formBody?: string
}

export interface TbaSignature {
  /** The `Authorization` header value. */
  authorization: string
  baseStringUri: string
  normalizedParameters: string
  signatureBaseString: string
  signatureBase64: string
}

/**
 * RFC 3986 §2.3 percent-encoding of the UTF-8 bytes, as RFC 5849 §3.6 requires: only `A-Z a-z 0-9 - . _ ~`
 * stay raw, hex is upper-case, a space is `%20`. `encodeURIComponent` alone leaves `! * ' ( )` raw, which
 * breaks `/!transform/` paths and quotes in `q` filters, so those five are encoded afterwards.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value.toWellFormed()).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

/**
 * RFC 5849 §3.4.1.2: scheme and host lower-cased, the port only when it is not the scheme's default, the
 * path as sent, no query or fragment. WHATWG URL already lower-cases and drops default ports.
 */
export function baseStringUri(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`
}

/**
 * RFC 5849 §3.4.1.3.2: every parameter name and value encoded, sorted by encoded name then value (byte
 * order: the encoded strings are ASCII), joined as `name=value` with `&`.
 */
export function normalizeParameters(params: ReadonlyArray<readonly [string, string]>): string {
  return params
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&')
}

/** RFC 5849 §3.4.2: the HMAC key is the two secrets, each encoded, joined by `&`. */
export function signingKey(consumerSecret: string, tokenSecret: string): string {
  return `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`
}

/** A nonce as NetSuite recommends it: 20 alphanumeric characters, unique per token and timestamp. */
export function createNonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  // 248 is the largest multiple of 62 below 256: rejecting bytes above it keeps every character equally likely.
  let nonce = ''
  while (nonce.length < 20) {
    for (const byte of randomBytes(32)) {
      if (byte < 248 && nonce.length < 20) nonce += alphabet[byte % 62]
    }
  }
  return nonce
}

/**
 * Signs one request. The query parameters go into the signature but not into the header (NetSuite answers
 * 401 when they are repeated there); `realm` goes into the header but not into the signature.
 *
 * @example
 * const { authorization } = signTbaRequest({ method: 'GET', url }, creds)
 */
export function signTbaRequest(
  request: TbaRequest,
  creds: TbaCredentials,
  opts: { nonce?: string; timestamp?: string | number } = {},
): TbaSignature {
  const url = typeof request.url === 'string' ? new URL(request.url) : request.url
  const oauth: [string, string][] = [
    ['oauth_consumer_key', creds.consumerKey],
    ['oauth_token', creds.tokenId],
    ['oauth_signature_method', 'HMAC-SHA256'],
    ['oauth_timestamp', String(opts.timestamp ?? Math.floor(Date.now() / 1000))],
    ['oauth_nonce', opts.nonce ?? createNonce()],
    ['oauth_version', '1.0'],
  ]
  // URLSearchParams decodes as application/x-www-form-urlencoded (`+` is a space), as §3.4.1.3.1 asks.
  const signed: [string, string][] = [...oauth, ...url.searchParams]
  if (request.formBody) signed.push(...new URLSearchParams(request.formBody))

  const uri = baseStringUri(url)
  const normalizedParameters = normalizeParameters(signed)
  const signatureBaseString = [
    request.method.toUpperCase(),
    percentEncode(uri),
    percentEncode(normalizedParameters),
  ].join('&')
  const signatureBase64 = createHmac('sha256', signingKey(creds.consumerSecret, creds.tokenSecret))
    .update(signatureBaseString)
    .digest('base64')
  const fields = [...oauth, ['oauth_signature', signatureBase64] as const].map(
    ([name, value]) => `${name}="${percentEncode(value)}"`,
  )
  return {
    authorization: `OAuth realm="${creds.realm}", ${fields.join(', ')}`,
    baseStringUri: uri,
    normalizedParameters,
    signatureBaseString,
    signatureBase64,
  }
}
