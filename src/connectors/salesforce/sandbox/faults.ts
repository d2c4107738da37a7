import { z } from 'zod'
import { SfApiError } from './api-error.ts'

/** The failures the sandbox can inject, answered exactly as Salesforce answers them. */
export const faultCodes = ['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE', 'REQUEST_LIMIT_EXCEEDED'] as const
export type FaultCode = (typeof faultCodes)[number]

export const faultSettingsSchema = z.strictObject({
  /** Added to every REST call before it is served. */
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  /** Share of REST calls (0–1) answered with one of `errors`, picked at random. */
  errorRate: z.number().min(0).max(1).default(0),
  errors: z
    .array(z.enum(faultCodes))
    .min(1)
    .default([...faultCodes]),
  /** Calls in flight at once beyond this answer 403 REQUEST_LIMIT_EXCEEDED (ConcurrentPerOrgLongTxn). */
  maxConcurrent: z.number().int().min(1).nullable().default(null),
  /** Deterministic faults for tests: the next matching calls fail with `error`, `count` times. */
  failNext: z
    .array(
      z.strictObject({
        error: z.enum(faultCodes),
        count: z.number().int().min(1).default(1),
        /** Only calls with this method (GET, PATCH…). */
        method: z.string().toUpperCase().optional(),
        /** Only calls whose path contains this text (`/composite/sobjects`). */
        path: z.string().optional(),
      }),
    )
    .default([]),
})

export type FaultSettings = z.output<typeof faultSettingsSchema>
export type FaultSettingsInput = z.input<typeof faultSettingsSchema>

const writeMethods = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])

/** The error a fault answers with (REST API "Status Codes and Error Responses"; reference §8). */
export function faultError(code: FaultCode): SfApiError {
  switch (code) {
    case 'UNABLE_TO_LOCK_ROW':
      return new SfApiError(400, code, 'unable to obtain exclusive access to this record', [])
    case 'SERVER_UNAVAILABLE':
      return new SfApiError(503, code, 'Server is temporarily unavailable, please try again later.')
    case 'REQUEST_LIMIT_EXCEEDED':
      return new SfApiError(403, code, 'ConcurrentPerOrgLongTxn Limit exceeded.')
  }
}

/** Fault injection state of one sandbox: settings, and the calls in flight for the concurrency ceiling. */
export class Faults {
  settings: FaultSettings = faultSettingsSchema.parse({})
  inFlight = 0
  readonly #random: () => number

  constructor(settings: FaultSettingsInput = {}, random: () => number = Math.random) {
    this.configure(settings)
    this.#random = random
  }

  configure(settings: FaultSettingsInput): FaultSettings {
    this.settings = faultSettingsSchema.parse(settings)
    return this.settings
  }

  /**
   * The fault to answer a call with, or null. Lock contention only hits writes, as on the platform (a read
   * never waits for a row lock); a read picked for it gets no fault.
   */
  pick(method: string, path: string): SfApiError | null {
    const queued = this.settings.failNext.find(
      (f) => (!f.method || f.method === method) && (!f.path || path.includes(f.path)),
    )
    if (queued) {
      queued.count--
      if (queued.count <= 0) this.settings.failNext.splice(this.settings.failNext.indexOf(queued), 1)
      return faultError(queued.error)
    }
    if (this.settings.errorRate === 0 || this.#random() >= this.settings.errorRate) return null
    const eligible = this.settings.errors.filter((e) => e !== 'UNABLE_TO_LOCK_ROW' || writeMethods.has(method))
    if (eligible.length === 0) return null
    return faultError(eligible[Math.floor(this.#random() * eligible.length)] as FaultCode)
  }
}
