import { isTandemError, TransientError } from '../errors.ts'

/**
 * Thrown by a handler to run the job again later without spending an attempt: the job is not failing, the
 * world is not ready (a circuit is open, a dependency is being linked). Both drivers honour it.
 */
export class PostponeJob extends TransientError {
  readonly postponeMs: number

  constructor(reason: string, postponeMs: number) {
    super('JOB_POSTPONED', reason, { retryAfterMs: postponeMs })
    this.postponeMs = postponeMs
  }
}

/** Checked by shape, not class: errors may cross realms. */
export function postponeDelay(err: unknown): number | undefined {
  if (!isTandemError(err) || err.code !== 'JOB_POSTPONED') return undefined
  const ms = (err as { postponeMs?: unknown }).postponeMs
  return typeof ms === 'number' && ms >= 0 ? ms : undefined
}
