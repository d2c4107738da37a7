/**
 * Remembers used nonces per token and timestamp, as NetSuite requires them unique (reference §2). Entries
 * live for ten minutes: twice the ±5 minute timestamp window, so any replay that could pass the timestamp
 * check is still remembered.
 */
export const nonceTtlMs = 10 * 60_000

export interface NonceCache {
  /** Records the nonce; false if it was already used for this token and timestamp. */
  use(tokenId: string, timestamp: string, nonce: string, nowMs: number): boolean
  readonly size: number
}

export function createNonceCache(ttlMs = nonceTtlMs): NonceCache {
  const seen = new Map<string, number>()
  let lastSweep = 0
  return {
    use(tokenId, timestamp, nonce, nowMs) {
      // Sweep at most once a minute: Map keeps insertion order, so expired entries are at the front.
      if (nowMs - lastSweep > 60_000) {
        for (const [key, at] of seen) {
          if (nowMs - at < ttlMs) break
          seen.delete(key)
        }
        lastSweep = nowMs
      }
      const key = `${tokenId}\u0000${timestamp}\u0000${nonce}`
      const at = seen.get(key)
      if (at !== undefined && nowMs - at < ttlMs) return false
      seen.delete(key)
      seen.set(key, nowMs)
      return true
    },
    get size() {
      return seen.size
    },
  }
}
