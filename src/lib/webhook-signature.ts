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

async function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<HmacKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage])
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
  const key = await hmacKey(secret, 'sign')
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
    const key = await hmacKey(secret, 'verify')
    for (const mac of candidates) {
      if (await crypto.subtle.verify('HMAC', key, mac, data)) return { ok: true }
    }
  }
  return { ok: false, reason: 'bad-signature' }
}
