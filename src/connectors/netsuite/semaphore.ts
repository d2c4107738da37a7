/**
 * A counting semaphore: NetSuite limits concurrent requests per account (reference §7), so requests wait
 * for a slot instead of drawing 429s. Waiters are served first come, first served.
 */
export class Semaphore {
  #max: number
  #active = 0
  readonly #waiting: (() => void)[] = []

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`a semaphore needs at least one slot, got ${max}`)
    this.#max = max
  }

  get max(): number {
    return this.#max
  }

  get active(): number {
    return this.#active
  }

  /** Lowers or raises the ceiling; requests already running keep their slots. */
  set max(value: number) {
    this.#max = value
    this.#drain()
  }

  async acquire(): Promise<void> {
    if (this.#active < this.#max) {
      this.#active++
      return
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve))
  }

  release(): void {
    this.#active--
    this.#drain()
  }

  /** Runs `fn` holding a slot. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire()
    try {
      return await fn()
    } finally {
      this.release()
    }
  }

  #drain(): void {
    while (this.#active < this.#max && this.#waiting.length > 0) {
      this.#active++
      this.#waiting.shift()!()
    }
  }
}

interface Shared {
  semaphore: Semaphore
  /** The ceiling each holder asked for. */
  wanted: number[]
}

const byAccount = new Map<string, Shared>()

/**
 * The process-wide limiter for one NetSuite account. NetSuite counts concurrency per account, so two
 * connections to the same account in one process share one limiter, with the lowest ceiling either asked
 * for. Call the returned `release` when the connection closes. (Across processes: Redis, issue 5/9.)
 */
export function accountLimiter(key: string, maxConcurrent: number): { semaphore: Semaphore; release(): void } {
  let shared = byAccount.get(key)
  if (!shared) {
    shared = { semaphore: new Semaphore(maxConcurrent), wanted: [] }
    byAccount.set(key, shared)
  }
  const entry = shared
  entry.wanted.push(maxConcurrent)
  entry.semaphore.max = Math.min(...entry.wanted)
  let released = false
  return {
    semaphore: entry.semaphore,
    release() {
      if (released) return
      released = true
      entry.wanted.splice(entry.wanted.indexOf(maxConcurrent), 1)
      if (entry.wanted.length === 0) byAccount.delete(key)
      else entry.semaphore.max = Math.min(...entry.wanted)
    },
  }
}
