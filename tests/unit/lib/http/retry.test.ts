import { describe, expect, it } from 'vitest'
import { PermanentError, TransientError } from '../../../../src/errors.ts'
import { retryTransient } from '../../../../src/lib/http/retry.ts'

function failing(errors: Error[]): { fn: () => Promise<string>; calls: () => number } {
  let calls = 0
  return {
    fn: async () => {
      const err = errors[calls++]
      if (err) throw err
      return 'ok'
    },
    calls: () => calls,
  }
}

describe('retryTransient', () => {
  it('retries transient errors until the call succeeds', async () => {
    const f = failing([new TransientError('UNAVAILABLE', 'a'), new TransientError('UNAVAILABLE', 'b')])
    await expect(retryTransient(f.fn, { minMs: 1, maxMs: 5 })).resolves.toBe('ok')
    expect(f.calls()).toBe(3)
  })

  it('does not retry a permanent error', async () => {
    const f = failing([new PermanentError('INVALID_FIELD', 'no such field')])
    await expect(retryTransient(f.fn, { minMs: 1 })).rejects.toMatchObject({ code: 'INVALID_FIELD' })
    expect(f.calls()).toBe(1)
  })

  it('gives up after the configured retries with the last error', async () => {
    const errors = Array.from({ length: 5 }, (_, i) => new TransientError('UNAVAILABLE', `try ${i}`))
    const f = failing(errors)
    await expect(retryTransient(f.fn, { retries: 2, minMs: 1, maxMs: 2 })).rejects.toMatchObject({ message: 'try 2' })
    expect(f.calls()).toBe(3)
  })

  it('hands a Retry-After longer than the in-call limit back at once instead of waiting it out', async () => {
    // Sleeping on the five-minute hint would trip the test's own timeout.
    const f = failing([new TransientError('REQUEST_LIMIT_EXCEEDED', 'daily limit', { retryAfterMs: 300_000 })])
    await expect(retryTransient(f.fn, { maxMs: 2_000 })).rejects.toMatchObject({ retryAfterMs: 300_000 })
    expect(f.calls()).toBe(1)
  })

  it('honours a short Retry-After before the next attempt', async () => {
    const f = failing([new TransientError('RATE_LIMITED', 'slow down', { retryAfterMs: 30 })])
    await expect(retryTransient(f.fn, { minMs: 1, maxMs: 2_000 })).resolves.toBe('ok')
    expect(f.calls()).toBe(2)
  })
})
