import { isTandemError, isTransient } from '../errors.ts'
import type { RetryPolicy, SerializedJobError } from './job-queue.ts'

/**
 * Delay before the retry that follows failed attempt `attempt` (1-based). Full jitter spreads retries of
 * many jobs that failed together (AWS Architecture Blog, "Exponential Backoff And Jitter"); a Retry-After
 * from the remote is a floor, never shortened.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, err: unknown, random = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1))
  const jittered = Math.floor(random() * ceiling)
  const retryAfter = isTransient(err) ? (err.retryAfterMs ?? 0) : 0
  return Math.max(retryAfter, jittered)
}

/** Transient and unknown errors (bugs, network) are retried; permanent and config errors are not. */
export function isRetryable(err: unknown): boolean {
  return !isTandemError(err) || err.kind === 'transient'
}

export function serializeError(err: unknown): SerializedJobError {
  if (isTandemError(err)) return { kind: err.kind, code: err.code, message: err.message }
  const e = err instanceof Error ? err : new Error(String(err))
  return { kind: 'transient', code: (e as { code?: string }).code ?? 'UNEXPECTED', message: e.message }
}
