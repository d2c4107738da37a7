import type { MapEnv } from './compile-rule.ts'
import type { MappingWarning } from './mapping-error.ts'

/**
 * The environment of one record's mapping: it collects the record's warnings, and the references and
 * lookups still being resolved. A record starts all of those before waiting on any, then waits once, so a
 * record with no I/O in its rules is mapped without a single wait, and one with several references waits
 * for them together (concurrent queries, one await) rather than one after another.
 *
 * Outcomes are those of awaiting each in field order: a resolved value lands in its field (whose key was
 * set when the field's turn came, so the payload's key order is unchanged), and when several fail, the
 * failure of the earliest field is the one thrown.
 */
export class RecordRun implements MapEnv {
  readonly warnings: MappingWarning[] = []
  readonly #env: MapEnv
  #waits: Promise<void>[] | undefined
  #failure: { order: number; error: unknown } | undefined

  constructor(env: MapEnv) {
    this.#env = env
  }

  resolveRef(flow: string, sourceId: string): Promise<string | undefined> {
    return this.#env.resolveRef(flow, sourceId)
  }

  referenceValue(targetId: string): unknown {
    return this.#env.referenceValue(targetId)
  }

  lookup(object: string, where: Readonly<Record<string, unknown>>, field: string): Promise<unknown> {
    return this.#env.lookup(object, where, field)
  }

  warn(field: string, message: string): void {
    this.warnings.push({ field, message })
    this.#env.warn(field, message)
  }

  /** Whether any value is still being resolved. */
  get waiting(): boolean {
    return this.#waits !== undefined
  }

  /** Puts the value `pending` resolves to at `target[key]` once it does; a failure is kept for `settle`. */
  defer(pending: Promise<unknown>, target: Record<string, unknown>, key: string): void {
    target[key] = undefined
    this.#waits ??= []
    const waits = this.#waits
    const order = waits.length
    // Handled at once, so a failure never counts as unhandled while earlier fields are still being mapped.
    waits.push(
      pending.then(
        (value) => {
          target[key] = value
        },
        (error: unknown) => {
          if (this.#failure === undefined || order < this.#failure.order) this.#failure = { order, error }
        },
      ),
    )
  }

  /** Waits for every deferred value; throws the failure of the earliest field, if any failed. */
  async settle(): Promise<void> {
    const waits = this.#waits
    this.#waits = undefined
    if (waits) await Promise.all(waits)
    if (this.#failure) throw this.#failure.error
  }
}
