/**
 * Typed errors. Every failure that crosses a module boundary is one of these, so the queue can decide
 * between retrying (transient), parking the job (permanent) and stopping start-up (config) without
 * parsing messages. Test `err.kind`, not `instanceof`: errors may cross realms (workers, queues).
 */
export type ErrorKind = 'transient' | 'permanent' | 'config'

export interface RemoteDetail {
  status?: number
  body?: unknown
}

export interface TandemErrorOptions {
  remote?: RemoteDetail
  cause?: unknown
}

export class TandemError extends Error {
  readonly kind: ErrorKind
  /** Stable machine code: 'SF_UNABLE_TO_LOCK_ROW', 'NS_USER_ERROR', 'UND_ERR_SOCKET', 'CONFIG_INVALID'. */
  readonly code: string
  readonly remote?: RemoteDetail

  constructor(kind: ErrorKind, code: string, message: string, opts: TandemErrorOptions = {}) {
    super(message, { cause: opts.cause })
    this.name = new.target.name
    this.kind = kind
    this.code = code
    if (opts.remote) this.remote = opts.remote
  }

  /** Kept in failed-job and sync-run rows; never carries secrets because messages never do. */
  toJSON(): { kind: ErrorKind; code: string; message: string; remote?: RemoteDetail } {
    return { kind: this.kind, code: this.code, message: this.message, ...(this.remote ? { remote: this.remote } : {}) }
  }
}

/** Worth retrying later: 429, 5xx, timeouts, resets, lock contention. */
export class TransientError extends TandemError {
  /** The remote's own hint (Retry-After), preferred over computed backoff when present. */
  readonly retryAfterMs?: number

  constructor(code: string, message: string, opts: TandemErrorOptions & { retryAfterMs?: number } = {}) {
    super('transient', code, message, opts)
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs
  }
}

/** Retrying cannot help: validation, missing required field, bad reference. */
export class PermanentError extends TandemError {
  constructor(code: string, message: string, opts: TandemErrorOptions = {}) {
    super('permanent', code, message, opts)
  }
}

/** A configuration problem, located in its file so the integrator can fix it. */
export class ConfigError extends TandemError {
  readonly file?: string
  readonly line?: number
  readonly column?: number
  readonly path?: string

  constructor(
    message: string,
    where: { file?: string; line?: number; column?: number; path?: string } = {},
    opts: TandemErrorOptions & { code?: string } = {},
  ) {
    super('config', opts.code ?? 'CONFIG_INVALID', message, opts)
    if (where.file !== undefined) this.file = where.file
    if (where.line !== undefined) this.line = where.line
    if (where.column !== undefined) this.column = where.column
    if (where.path !== undefined) this.path = where.path
  }

  /** `mappings/orders.yaml:14:7 fields.entity.ref: unknown table 'custmers'` */
  get location(): string {
    const pos = this.file
      ? `${this.file}${this.line ? `:${this.line}${this.column ? `:${this.column}` : ''}` : ''}`
      : ''
    return [pos, this.path].filter(Boolean).join(' ')
  }
}

/** Several configuration problems found in one pass, so the integrator sees them all at once. */
export class ConfigErrors extends TandemError {
  readonly errors: readonly ConfigError[]

  constructor(errors: readonly ConfigError[]) {
    super('config', 'CONFIG_INVALID', errors.map(formatConfigError).join('\n'))
    this.errors = errors
  }
}

export function formatConfigError(err: ConfigError): string {
  const where = err.location
  return where ? `${where}: ${err.message}` : err.message
}

export function isTandemError(err: unknown): err is TandemError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { kind?: unknown }).kind === 'string' &&
    typeof (err as { code?: unknown }).code === 'string'
  )
}

export function isTransient(err: unknown): err is TransientError {
  return isTandemError(err) && err.kind === 'transient'
}

export function isPermanent(err: unknown): err is PermanentError {
  return isTandemError(err) && err.kind === 'permanent'
}
