import { timingSafeEqual } from 'node:crypto'
import { z } from 'zod'

const hidden = '[redacted]'

/**
 * A secret value from the environment. It never prints: JSON, string conversion and util.inspect all
 * show `[redacted]`, so a config object can be logged or returned by the API without leaking it.
 * Read the value only at the point of use, with `reveal()`.
 */
export class Secret {
  readonly #value: string
  /** The environment variable it came from, safe to show in errors. */
  readonly source: string

  constructor(value: string, source = 'inline') {
    this.#value = value
    this.source = source
  }

  reveal(): string {
    return this.#value
  }

  /** Constant-time comparison with a presented value. */
  equals(presented: string): boolean {
    const a = Buffer.from(this.#value)
    const b = Buffer.from(presented)
    return a.length === b.length && timingSafeEqual(a, b)
  }

  toJSON(): string {
    return hidden
  }

  toString(): string {
    return hidden
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Secret(${this.source})`
  }
}

/**
 * A secret field in a connection schema. The loader has already replaced `${NAME}` with the variable's
 * value and checks afterwards that every secret came from such a reference, never from the file itself.
 */
export const secretSchema = z
  .string()
  .min(1, 'secret is empty')
  .transform((value) => new Secret(value))
