import pRetry from 'p-retry'
import { isTransient } from '../../errors.ts'

export interface InCallRetryOptions {
  retries?: number
  minMs?: number
  maxMs?: number
}

/**
 * Retries a short blip inside the call: only transient errors, only briefly. Use it for idempotent reads;
 * writes go back to the queue, whose job-level retry survives restarts. A Retry-After longer than `maxMs`
 * is not waited out here: the error propagates so the job is rescheduled instead of holding a worker.
 */
export async function retryTransient<T>(fn: () => Promise<T>, opts: InCallRetryOptions = {}): Promise<T> {
  const maxMs = opts.maxMs ?? 2_000
  return pRetry(fn, {
    retries: opts.retries ?? 3,
    minTimeout: opts.minMs ?? 100,
    maxTimeout: maxMs,
    randomize: true,
    shouldRetry: ({ error }) => isTransient(error) && (error.retryAfterMs ?? 0) <= maxMs,
    // p-retry calls this before shouldRetry, so it must not wait out a Retry-After that will not be retried,
    // nor wait after the last attempt.
    onFailedAttempt: async ({ error, retriesLeft }) => {
      if (!isTransient(error) || !error.retryAfterMs || error.retryAfterMs > maxMs || retriesLeft === 0) return
      await new Promise((r) => setTimeout(r, error.retryAfterMs))
    },
  })
}
