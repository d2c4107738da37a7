import { describe, expect, it } from 'vitest'
import { PermanentError, TransientError } from '../../../src/errors.ts'
import { backoffDelay, isRetryable, serializeError } from '../../../src/queue/backoff.ts'

const policy = { attempts: 8, baseMs: 1_000, maxMs: 10_000 }

describe('backoffDelay', () => {
  it('draws from [0, base·2^(n−1)] with full jitter', () => {
    expect(backoffDelay(1, policy, new Error('x'), () => 0.999)).toBe(999)
    expect(backoffDelay(3, policy, new Error('x'), () => 0.5)).toBe(2_000)
    expect(backoffDelay(3, policy, new Error('x'), () => 0)).toBe(0)
  })

  it('caps the ceiling at maxMs', () => {
    expect(backoffDelay(20, policy, new Error('x'), () => 0.999)).toBe(9_990)
  })

  it("never waits less than the remote's Retry-After", () => {
    const err = new TransientError('SF_REQUEST_LIMIT_EXCEEDED', 'later', { retryAfterMs: 7_000 })
    expect(backoffDelay(1, policy, err, () => 0)).toBe(7_000)
  })
})

describe('isRetryable', () => {
  it('retries transient and unknown errors, not permanent ones', () => {
    expect(isRetryable(new TransientError('A', 'a'))).toBe(true)
    expect(isRetryable(new Error('bug'))).toBe(true)
    expect(isRetryable(new PermanentError('B', 'b'))).toBe(false)
  })

  it('serialises kind, code and message', () => {
    expect(serializeError(new PermanentError('NS_USER_ERROR', 'Please enter value(s) for: Subsidiary'))).toEqual({
      kind: 'permanent',
      code: 'NS_USER_ERROR',
      message: 'Please enter value(s) for: Subsidiary',
    })
  })
})
