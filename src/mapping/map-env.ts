import type { StepContext } from './compile-step.ts'
import { MappingError, MissingReferenceError } from './mapping-error.ts'
import type { SourceData } from './source-path.ts'

/** What a rule may call on while mapping one record; the engine provides it, the mapping stays pure. */
export interface MapEnv {
  /** Target id of a record synced by `flow`, or undefined when it is not synced yet. */
  resolveRef(flow: string, sourceId: string): Promise<string | undefined>
  /** How the target connection writes a reference to a record it holds (`"001…"` or `{ id: "42" }`). */
  referenceValue(targetId: string): unknown
  warn(field: string, message: string): void
  /** A field of the first target record of `object` whose fields equal `where`; undefined when none does. */
  lookup(object: string, where: Readonly<Record<string, unknown>>, field: string): Promise<unknown>
}

/** The environment a compiled rule runs in: the engine's, plus the record being mapped. */
export interface RuleEnv extends MapEnv {
  /** The context for a rule's steps; valid only until the steps return. */
  stepContext(field: string, record: SourceData): StepContext
}

/**
 * The rest of a rule is waiting on a read JSONata is still evaluating; the mapping awaits it before the next
 * rule, so warnings and failures keep the order of the fields.
 */
export class PendingRead {
  readonly promise: Promise<unknown>
  constructor(promise: Promise<unknown>) {
    this.promise = promise
  }
}

/**
 * A field whose value the engine is still resolving (a cross-reference, a lookup): the engine's promise
 * and what the field becomes from its answer. Nothing else depends on it, so a record starts all of them
 * and waits once.
 */
export abstract class PendingValue {
  readonly promise: Promise<unknown>
  constructor(promise: Promise<unknown>) {
    this.promise = promise
  }
  /** The field's value from the engine's answer; throws when the answer means the record cannot map. */
  abstract finish(answer: unknown, env: MapEnv): unknown
}

export type MissingPolicy = 'sync-first' | 'wait' | 'null'

/** A reference (`ref:`) being looked up in the cross-reference. */
export class PendingRef extends PendingValue {
  readonly #flow: string
  readonly #sourceId: string
  readonly #field: string
  readonly #missing: MissingPolicy
  constructor(env: MapEnv, flow: string, sourceId: string, field: string, missing: MissingPolicy) {
    super(env.resolveRef(flow, sourceId))
    this.#flow = flow
    this.#sourceId = sourceId
    this.#field = field
    this.#missing = missing
  }
  finish(targetId: unknown, env: MapEnv): unknown {
    if (targetId !== undefined) return env.referenceValue(targetId as string)
    if (this.#missing === 'null') return null
    throw new MissingReferenceError(this.#field, { flow: this.#flow, sourceId: this.#sourceId }, this.#missing)
  }
}

/** A `lookup:` on a reference table of the target. */
export class PendingLookup extends PendingValue {
  readonly #object: string
  readonly #values: Record<string, unknown>
  readonly #take: string
  readonly #field: string
  readonly #missing: 'null' | 'fail'
  constructor(
    env: MapEnv,
    object: string,
    values: Record<string, unknown>,
    take: string,
    field: string,
    missing: 'null' | 'fail',
  ) {
    super(env.lookup(object, values, take))
    this.#object = object
    this.#values = values
    this.#take = take
    this.#field = field
    this.#missing = missing
  }
  finish(found: unknown, env: MapEnv): unknown {
    // The record's id names a record of the target: written the way the target writes references.
    if (found !== undefined) return this.#take === 'id' && found !== null ? env.referenceValue(String(found)) : found
    if (this.#missing === 'null') return null
    const where = JSON.stringify(this.#values)
    throw new MappingError('MAPPING_INVALID_VALUE', this.#field, `no ${this.#object} record has ${where}`)
  }
}

/** A rule's result as a promise of the field's value, for a rule that is awaited in place anyway. */
export function settleValue(result: unknown, env: MapEnv): unknown {
  return result instanceof PendingValue ? result.promise.then((answer) => result.finish(answer, env)) : result
}
