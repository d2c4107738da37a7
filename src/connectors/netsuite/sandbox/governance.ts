/**
 * NetSuite's governance is a ceiling on concurrent in-flight requests per account (reference §7: 5 on
 * standard tiers), not a rate. Over it, a request is answered at once with 429 and no Retry-After.
 * Injected latency holds the slot, so a test can make the ceiling bite.
 */
export interface Governance {
  /** The account's concurrency limit. */
  limit: number
  /** Extra time every admitted request takes, in ms. */
  latencyMs: number
  readonly inFlight: number
  /** Highest number of requests in flight at once since the last reset. */
  readonly maxInFlight: number
  /** Requests refused with 429 since the last reset. */
  readonly rejected: number
  resetStats(): void
  /** Takes a slot; false when the account is at its limit. */
  tryEnter(): boolean
  leave(): void
}

export function createGovernance(limit = 5, latencyMs = 0): Governance {
  let inFlight = 0
  let maxInFlight = 0
  let rejected = 0
  return {
    limit,
    latencyMs,
    get inFlight() {
      return inFlight
    },
    get maxInFlight() {
      return maxInFlight
    },
    get rejected() {
      return rejected
    },
    resetStats() {
      maxInFlight = inFlight
      rejected = 0
    },
    tryEnter() {
      if (inFlight >= this.limit) {
        rejected++
        return false
      }
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      return true
    },
    leave() {
      inFlight--
    },
  }
}
