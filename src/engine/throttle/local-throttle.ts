import type { ConnectionLimits, RequestThrottle } from '../../connectors/types.ts'

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/**
 * After a 429 the ceiling halves for this long, then returns to the configured one (AIMD, coarse). Short,
 * so one stray 429 costs little; a system that keeps answering 429 keeps the ceiling down.
 */
export const easeOffMs = 5_000

/**
 * In-process throttle for embedded mode: a FIFO semaphore for requests in flight, a sliding window for
 * requests per interval, and adaptive back-off: a 429 halves the ceiling for a while and, when it names
 * one, pauses new requests for the Retry-After.
 */
export function createLocalThrottle(
  limits: ConnectionLimits,
  now = () => Date.now(),
): RequestThrottle & { inFlight(): number } {
  let active = 0
  let reducedUntil = 0
  let reducedTo = limits.maxConcurrent
  let pausedUntil = 0
  const waiting: (() => void)[] = []
  const window: number[] = []

  const ceiling = () => (now() < reducedUntil ? reducedTo : limits.maxConcurrent)
  const drain = () => {
    while (active < ceiling() && waiting.length > 0) {
      active++
      waiting.shift()!()
    }
  }

  async function admit(): Promise<void> {
    if (active < ceiling() && waiting.length === 0) active++
    else await new Promise<void>((resolve) => waiting.push(resolve))
    // Holding a slot, wait out a pause and the rate window; the slot keeps the queue order fair.
    for (;;) {
      const t = now()
      if (t < pausedUntil) {
        await sleep(pausedUntil - t)
        continue
      }
      const per = limits.perInterval
      if (!per) return
      while (window.length > 0 && window[0]! <= t - per.ms) window.shift()
      if (window.length < per.requests) {
        window.push(t)
        return
      }
      await sleep(window[0]! + per.ms - t)
    }
  }

  return {
    async run(request) {
      await admit()
      try {
        return await request()
      } finally {
        active--
        drain()
      }
    },
    slowDown(retryAfterMs) {
      const t = now()
      // Only a Retry-After pauses everyone; without one (NetSuite's concurrency 429) fewer in flight is the fix.
      if (retryAfterMs) pausedUntil = Math.max(pausedUntil, t + retryAfterMs)
      reducedTo = Math.max(1, Math.floor(ceiling() / 2))
      reducedUntil = t + easeOffMs
    },
    inFlight: () => active,
  }
}
