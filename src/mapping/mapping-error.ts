import { PermanentError, TransientError } from '../errors.ts'

/**
 * A source value the mapping cannot turn into a target value (an unmapped picklist value, text where a
 * number belongs). Permanent: the same record fails the same way until the data or the mapping changes,
 * and replaying after a mapping fix re-reads the record and just works.
 */
export class MappingError extends PermanentError {
  /** The target field whose rule failed, e.g. `terms` or `item[2].quantity`. */
  readonly field: string

  constructor(
    code: 'MAPPING_UNMAPPED_VALUE' | 'MAPPING_INVALID_VALUE' | 'MAPPING_EXPRESSION',
    field: string,
    message: string,
  ) {
    super(code, `${field}: ${message}`)
    this.field = field
  }
}

/** A problem in a mapping file found while compiling or checking it, located by its path in the file. */
export interface MappingProblem {
  path: (string | number)[]
  message: string
}

/** Something the mapping did to a value that the integrator must be able to see (a truncation). */
export interface MappingWarning {
  field: string
  message: string
}

/**
 * A reference (the order's customer, a line's item) whose record is not in the target yet. Transient: the
 * worker syncs the dependency first (policy `sync-first`) or just waits, then retries this record, so an
 * order never goes out without its customer and no placeholder customer is ever created.
 */
export class MissingReferenceError extends TransientError {
  readonly dependency: { flow: string; sourceId: string }
  readonly policy: 'sync-first' | 'wait'

  constructor(field: string, dependency: { flow: string; sourceId: string }, policy: 'sync-first' | 'wait') {
    super(
      'REFERENCE_MISSING',
      `${field}: ${dependency.flow} record ${dependency.sourceId} is not synced yet (${policy === 'sync-first' ? 'syncing it first' : 'waiting for it'})`,
    )
    this.dependency = dependency
    this.policy = policy
  }
}
