import { isTandemError, isTransient } from '../errors.ts'
import type { Logger } from '../lib/logger.ts'
import { PostponeJob } from '../queue/postpone.ts'
import type { Circuit, CircuitPolicy } from '../store/repos/circuit-repo.ts'
import type { Store } from '../store/store.ts'

export type { CircuitPolicy } from '../store/repos/circuit-repo.ts'

export interface CircuitBreakers {
  /**
   * Runs one call to a connection. While its circuit is open the call is not made: the job is postponed
   * (spending no attempt) until the next probe, which one job is allowed to make. The outcome is recorded.
   */
  guard<T>(connection: string, call: () => Promise<T>): Promise<T>
}

/** How fresh a process's view of a circuit must be; short, so a closed circuit resumes flows within a second. */
const cacheMs = 1_000

/**
 * An outage, as opposed to a refusal: a 5xx or a failure to reach the system at all. Rate limits (429) and
 * lock contention are the system working as designed; the throttle and the retry policy deal with those.
 */
export function isOutage(err: unknown): boolean {
  if (!isTransient(err)) return false
  const status = err.remote?.status
  return status === undefined ? err.code !== 'JOB_POSTPONED' : status >= 500
}

/**
 * Circuit breakers for every connection, their state in the store so all processes (and the admin API)
 * share it. A connection that keeps failing with outages (at least `minFailures`, for `openAfterMs`, with no
 * success between) opens: its flows pause, one probe goes through after a backoff that doubles up to
 * `maxProbeMs`, and the first success closes it so the flows resume by themselves.
 */
export function createCircuitBreakers(store: Store, policy: CircuitPolicy, logger: Logger): CircuitBreakers {
  const seen = new Map<string, { circuit: Circuit | undefined; at: number }>()

  async function view(connection: string): Promise<Circuit | undefined> {
    const hit = seen.get(connection)
    if (hit && Date.now() - hit.at < cacheMs) return hit.circuit
    const circuit = await store.circuits.get(connection)
    seen.set(connection, { circuit, at: Date.now() })
    return circuit
  }

  return {
    async guard(connection, call) {
      const circuit = await view(connection)
      let probe = false
      if (circuit?.state === 'open') {
        probe = await store.circuits.claimProbe(connection)
        if (!probe) {
          const wait = Math.max(250, (circuit.next_probe_at ?? 0) - Date.now())
          throw new PostponeJob(`connection ${connection} is down (circuit open); waiting for it to answer`, wait)
        }
        logger.info({ connection }, 'circuit open: probing the connection')
      }
      try {
        const result = await call()
        if (probe || (circuit && (circuit.failures > 0 || circuit.state === 'open'))) {
          await store.circuits.success(connection, policy)
          seen.delete(connection)
          if (circuit?.state === 'open') logger.info({ connection }, 'circuit closed: the connection answers again')
        }
        return result
      } catch (err) {
        if (isOutage(err)) {
          const message = isTandemError(err) ? `${err.code}: ${err.message}` : String(err)
          if (probe) {
            await store.circuits.probeFailed(connection, message, policy)
          } else {
            const after = await store.circuits.failure(connection, message, policy)
            if (after.state === 'open' && circuit?.state !== 'open') {
              logger.warn({ connection, failures: after.failures, error: message }, 'circuit opened: pausing its flows')
            }
          }
          seen.delete(connection)
        }
        throw err
      }
    },
  }
}
