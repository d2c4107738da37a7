import { z } from 'zod'

/**
 * Failures on demand: the next N matching requests, or a share of all requests, answer with a
 * NetSuite-shaped error instead of being served. Set at start (`faults` option) or while running through
 * `PUT /__sandbox/faults` (routes/admin-routes.ts).
 *
 * - 429: CONCURRENCY_LIMIT_EXCEEDED with Oracle's body
 * - 500: UNEXPECTED_ERROR
 * - 503: an empty body, as a load balancer in front of NetSuite answers
 * - 'locked': 400 USER_ERROR "This record has been locked by a user defined workflow." (writes only)
 */
export type FaultStatus = 429 | 500 | 503 | 'locked'

const faultStatusSchema = z.union([z.literal(429), z.literal(500), z.literal(503), z.literal('locked')])

export interface FaultMatch {
  /** Only requests with this method (upper-case). */
  method?: string
  /** Only requests whose path contains this text. */
  pathIncludes?: string
}

export const faultSettingsSchema = z.strictObject({
  /** Share of requests (0–1) answered with one of `errors`, chosen at random. */
  errorRate: z.number().min(0).max(1).default(0),
  errors: z.array(faultStatusSchema).default([500]),
  /** Extra time every request takes, in ms (holds its concurrency slot). */
  latencyMs: z.int().min(0).max(600_000).optional(),
  /** The account's concurrency limit. */
  concurrencyLimit: z.int().min(1).max(1000).optional(),
  failNext: z
    .array(
      z.strictObject({
        error: faultStatusSchema,
        count: z.int().min(1),
        method: z.string().optional(),
        path: z.string().optional(),
      }),
    )
    .default([]),
})

export type FaultSettings = z.input<typeof faultSettingsSchema>

interface PendingFault extends FaultMatch {
  status: FaultStatus
  remaining: number
}

export interface Faults {
  /** The next `count` requests matching `match` fail with `status`. */
  failNext(count: number, status: FaultStatus, match?: FaultMatch): void
  /** From now on, this share of requests fails with one of `errors`. */
  setErrorRate(rate: number, errors?: readonly FaultStatus[]): void
  /** Consumes and returns the fault for this request, if any. */
  take(method: string, path: string): FaultStatus | undefined
  /** What is set: rate, errors and the pending one-off faults. */
  describe(): {
    errorRate: number
    errors: FaultStatus[]
    failNext: { error: FaultStatus; count: number; method?: string; path?: string }[]
  }
  clear(): void
}

const writes = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])

/** `random` is injectable so a test can make a rate deterministic. */
export function createFaults(random: () => number = Math.random): Faults {
  let pending: PendingFault[] = []
  let errorRate = 0
  let errors: FaultStatus[] = [500]
  const applies = (status: FaultStatus, method: string) => status !== 'locked' || writes.has(method)
  return {
    failNext(count, status, match = {}) {
      pending.push({
        ...match,
        ...(match.method ? { method: match.method.toUpperCase() } : {}),
        status,
        remaining: count,
      })
    },
    setErrorRate(rate, list) {
      errorRate = rate
      if (list) errors = [...list]
    },
    take(method, path) {
      const hit = pending.find(
        (f) =>
          f.remaining > 0 &&
          (!f.method || f.method === method) &&
          (!f.pathIncludes || path.includes(f.pathIncludes)) &&
          applies(f.status, method),
      )
      if (hit) {
        hit.remaining--
        pending = pending.filter((f) => f.remaining > 0)
        return hit.status
      }
      if (errorRate <= 0 || random() >= errorRate) return undefined
      const usable = errors.filter((e) => applies(e, method))
      return usable.length > 0 ? usable[Math.floor(random() * usable.length)] : undefined
    },
    describe: () => ({
      errorRate,
      errors: [...errors],
      failNext: pending.map((f) => ({
        error: f.status,
        count: f.remaining,
        ...(f.method ? { method: f.method } : {}),
        ...(f.pathIncludes ? { path: f.pathIncludes } : {}),
      })),
    }),
    clear() {
      pending = []
      errorRate = 0
      errors = [500]
    },
  }
}
