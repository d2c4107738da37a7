import { describe, expect, it, vi } from 'vitest'
import { signWebhook, verifyWebhook } from '../../../src/lib/webhook-signature.ts'

const body = '{"events":[]}'
const now = 1_735_689_600
const headersOf = (h: Record<string, string>) => new Headers(h)

describe('webhook signatures', () => {
  it('verifies what it signed', async () => {
    const h = await signWebhook('s1', body, now)
    expect(await verifyWebhook(['s1'], body, headersOf(h), { nowSeconds: now })).toEqual({ ok: true })
  })

  it('rejects a changed body, a wrong secret and a changed signature', async () => {
    const h = await signWebhook('s1', body, now)
    expect(await verifyWebhook(['s1'], `${body} `, headersOf(h), { nowSeconds: now })).toMatchObject({ ok: false })
    expect(await verifyWebhook(['s2'], body, headersOf(h), { nowSeconds: now })).toMatchObject({ ok: false })
    const sig = h['x-tandem-signature']!
    const flipped = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0')
    expect(
      await verifyWebhook(['s1'], body, headersOf({ ...h, 'x-tandem-signature': flipped }), { nowSeconds: now }),
    ).toEqual({ ok: false, reason: 'bad-signature' })
  })

  it('rejects a timestamp outside the five-minute window, either side', async () => {
    const h = await signWebhook('s1', body, now)
    expect(await verifyWebhook(['s1'], body, headersOf(h), { nowSeconds: now + 301 })).toEqual({
      ok: false,
      reason: 'stale-timestamp',
    })
    expect(await verifyWebhook(['s1'], body, headersOf(h), { nowSeconds: now - 301 })).toMatchObject({ ok: false })
    expect(await verifyWebhook(['s1'], body, headersOf(h), { nowSeconds: now + 299 })).toEqual({ ok: true })
  })

  it('accepts any of several secrets, for rotation', async () => {
    const h = await signWebhook('new', body, now)
    expect(await verifyWebhook(['old', 'new'], body, headersOf(h), { nowSeconds: now })).toEqual({ ok: true })
  })

  it('rejects missing headers', async () => {
    expect(await verifyWebhook(['s1'], body, headersOf({}), { nowSeconds: now })).toEqual({
      ok: false,
      reason: 'missing-headers',
    })
  })

  it('imports a secret once, however many requests it verifies', async () => {
    const importKey = vi.spyOn(crypto.subtle, 'importKey')
    try {
      const h = await signWebhook('cached-secret', body, now)
      const results = await Promise.all(
        Array.from({ length: 20 }, () => verifyWebhook(['cached-secret'], body, headersOf(h), { nowSeconds: now })),
      )
      expect(results.every((r) => r.ok)).toBe(true)
      expect(importKey).toHaveBeenCalledTimes(1)
    } finally {
      importKey.mockRestore()
    }
  })

  it('keeps each secret to its own key, also past the number of keys it keeps', async () => {
    const secrets = Array.from({ length: 100 }, (_, i) => `rotating-${i}`)
    for (const secret of secrets) {
      const h = await signWebhook(secret, body, now)
      expect(await verifyWebhook([secret], body, headersOf(h), { nowSeconds: now })).toEqual({ ok: true })
      expect(await verifyWebhook(['rotating-other'], body, headersOf(h), { nowSeconds: now })).toEqual({
        ok: false,
        reason: 'bad-signature',
      })
    }
    // The first ones were dropped to bound the cache; they are imported again and still verify.
    const h = await signWebhook('rotating-0', body, now)
    expect(await verifyWebhook(['rotating-0'], body, headersOf(h), { nowSeconds: now })).toEqual({ ok: true })
  })
})
