/**
 * Signing of webhook requests: HMAC-SHA256 over `<timestamp>.<raw body>`, sent as
 * `X-Tandem-Timestamp: <unix seconds>` and `X-Tandem-Signature: v1=<hex>`. Binding the timestamp into the
 * MAC stops replays outside the window. Web Crypto only (no node: imports), so the edge Worker and the
 * core verify with this one implementation.
 */
export const timestampHeader = 'x-tandem-timestamp'
export const signatureHeader = 'x-tandem-signature'
export const defaultToleranceSeconds = 300

const encoder = new TextEncoder()

type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>

/**
 * Imported keys by secret. Importing costs about as much as the MAC itself and a deployment has only a
 * handful of secrets (one per connection, two while rotating), so each is imported once. The promise is
 * kept, so concurrent first requests share one import; a failed import is dropped so the next call retries.
 * Bounded, oldest out first, so a caller cycling through many secrets cannot grow it without limit.
 */
const keyCache = new Map<string, Promise<HmacKey>>()
const keyCacheLimit = 64

function hmacKey(secret: string): Promise<HmacKey> {
  const cached = keyCache.get(secret)
  if (cached) return cached
  const key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ])
  if (keyCache.size >= keyCacheLimit) keyCache.delete(keyCache.keys().next().value as string)
  keyCache.set(secret, key)
  key.catch(() => {
    if (keyCache.get(secret) === key) keyCache.delete(secret)
  })
  return key
}

function toHex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('')
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) return null
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

/** Headers to send with `body`, signed at `nowSeconds`. */
export async function signWebhook(
  secret: string,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<Record<string, string>> {
  const key = await hmacKey(secret)
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`${nowSeconds}.${body}`))
  return { [timestampHeader]: String(nowSeconds), [signatureHeader]: `v1=${toHex(mac)}` }
}

export type VerifyFailure = 'missing-headers' | 'stale-timestamp' | 'bad-signature'

/**
 * Checks a request's signature. `crypto.subtle.verify` compares in constant time. Several `v1=` values
 * (comma separated) are accepted so a secret can be rotated without downtime.
 */
export async function verifyWebhook(
  secrets: readonly string[],
  body: string,
  headers: { get(name: string): string | null },
  opts: { nowSeconds?: number; toleranceSeconds?: number } = {},
): Promise<{ ok: true } | { ok: false; reason: VerifyFailure }> {
  const ts = headers.get(timestampHeader)
  const sig = headers.get(signatureHeader)
  if (!ts || !sig || !/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'missing-headers' }
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000)
  if (Math.abs(now - Number(ts)) > (opts.toleranceSeconds ?? defaultToleranceSeconds)) {
    return { ok: false, reason: 'stale-timestamp' }
  }
  const candidates = sig
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .map((part) => fromHex(part.slice(3)))
    .filter((mac): mac is Uint8Array<ArrayBuffer> => mac !== null)
  const data = encoder.encode(`${ts}.${body}`)
  for (const secret of secrets) {
    const key = await hmacKey(secret)
    for (const mac of candidates) {
      if (await crypto.subtle.verify('HMAC', key, mac, data)) return { ok: true }
    }
  }
  return { ok: false, reason: 'bad-signature' }
}
