/** When to try a failed delivery again: doubling waits from `initialMs` up to `maxMs`, given up after `giveUpMs`. */
export interface RetryPolicy {
  initialMs: number
  maxMs: number
  giveUpMs: number
}

/**
 * Salesforce's Outbound Message schedule (SOAP API guide, "Outbound Messaging"): retried with growing
 * intervals up to two hours apart, dropped after 24 hours.
 */
export const salesforceRetry: RetryPolicy = { initialMs: 15_000, maxMs: 2 * 3_600_000, giveUpMs: 24 * 3_600_000 }

interface Pending<T> {
  value: T
  firstAt: number
  attempts: number
  nextAt: number
}

export interface OutboxStats {
  pending: number
  delivered: number
  /** Sends that were not acknowledged (each retried later). */
  failedAttempts: number
  /** Given up after the retry window. */
  dropped: number
}

/**
 * Items waiting to be delivered to an endpoint, sent in batches of up to `batch`, one send at a time; a
 * batch the endpoint does not acknowledge is retried on `policy`, so delivery is at-least-once.
 */
export class Outbox<T> {
  readonly #pending: Pending<T>[] = []
  readonly #send: (items: T[]) => Promise<boolean>
  readonly #batch: number
  readonly #policy: RetryPolicy
  #busy = false
  #closed = false
  #timer: ReturnType<typeof setTimeout> | undefined
  readonly stats: OutboxStats = { pending: 0, delivered: 0, failedAttempts: 0, dropped: 0 }

  constructor(send: (items: T[]) => Promise<boolean>, opts: { batch: number; policy: RetryPolicy }) {
    this.#send = send
    this.#batch = opts.batch
    this.#policy = opts.policy
  }

  add(value: T): void {
    if (this.#closed) return
    const now = Date.now()
    this.#pending.push({ value, firstAt: now, attempts: 0, nextAt: now })
    this.stats.pending = this.#pending.length
    this.#schedule(0)
  }

  /** Sends what is due now instead of waiting for the next retry (the admin endpoint's "retry now"). */
  flush(): void {
    for (const p of this.#pending) p.nextAt = Date.now()
    this.#schedule(0)
  }

  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => void this.#pump(), delayMs)
    this.#timer.unref?.()
  }

  async #pump(): Promise<void> {
    if (this.#busy || this.#closed) return
    const now = Date.now()
    for (const p of [...this.#pending]) {
      if (p.attempts > 0 && now - p.firstAt > this.#policy.giveUpMs) {
        this.#pending.splice(this.#pending.indexOf(p), 1)
        this.stats.dropped++
      }
    }
    const due = this.#pending.filter((p) => p.nextAt <= now).slice(0, this.#batch)
    if (due.length === 0) {
      const next = Math.min(...this.#pending.map((p) => p.nextAt))
      if (Number.isFinite(next)) this.#schedule(Math.max(0, next - now))
      this.stats.pending = this.#pending.length
      return
    }
    this.#busy = true
    let ok = false
    try {
      ok = await this.#send(due.map((p) => p.value))
    } catch {
      ok = false
    }
    this.#busy = false
    if (ok) {
      for (const p of due) this.#pending.splice(this.#pending.indexOf(p), 1)
      this.stats.delivered += due.length
    } else {
      this.stats.failedAttempts++
      for (const p of due) {
        p.attempts++
        p.nextAt = Date.now() + Math.min(this.#policy.maxMs, this.#policy.initialMs * 2 ** (p.attempts - 1))
      }
    }
    this.stats.pending = this.#pending.length
    this.#schedule(0)
  }
}
