import {
  ConfigError,
  type ErrorKind,
  isTandemError,
  PermanentError,
  type RemoteDetail,
  type TandemError,
  TransientError,
} from '../../errors.ts'

/** One row of the table: what a Salesforce failure means for Tandem. */
export interface ErrorRule {
  /** errorCode / per-record statusCode, an OAuth `error`, jsforce's `ERROR_HTTP_<status>`, or a socket code. */
  code?: string | RegExp
  /** Narrows a code rule by its message (one code, different waits). */
  message?: RegExp
  /** The HTTP status Salesforce answers with; matched on its own when no code rule applies. */
  status?: number | readonly number[]
  kind: ErrorKind
  retryAfterMs?: number
}

const transientStatuses = [408, 420, 429, 500, 502, 503, 504] as const

/**
 * Salesforce failures sorted into retry, park or fix-the-config (REST API Developer Guide, "Status Codes
 * and Error Responses"; reference §8). Rows are tried in order: code (and message) first, then status.
 * Anything unmatched is permanent: retrying a validation failure cannot help.
 */
export const salesforceErrorTable: readonly ErrorRule[] = [
  // Contention and capacity: the same request succeeds later.
  { code: 'UNABLE_TO_LOCK_ROW', status: 400, kind: 'transient' },
  // The concurrent long-request ceiling clears in seconds; the rolling 24-hour allocation in minutes.
  {
    code: 'REQUEST_LIMIT_EXCEEDED',
    message: /ConcurrentPerOrg/i,
    status: 403,
    kind: 'transient',
    retryAfterMs: 10_000,
  },
  { code: 'REQUEST_LIMIT_EXCEEDED', status: 403, kind: 'transient', retryAfterMs: 5 * 60_000 },
  { code: 'SERVER_UNAVAILABLE', status: 503, kind: 'transient' },
  { code: 'QUERY_TIMEOUT', status: 400, kind: 'transient' },
  { code: 'UNKNOWN_EXCEPTION', status: 500, kind: 'transient' },
  // Only reported with allOrNone; the record itself was valid.
  { code: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', status: 400, kind: 'transient' },
  // Sockets and timeouts below HTTP (Node, undici and node-fetch codes).
  {
    code: /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|UND_ERR_\w+|ERR_STREAM_PREMATURE_CLOSE|request-timeout)$/,
    kind: 'transient',
  },
  // Credentials and access: an operator must act. jsforce re-authenticates on 401 by itself, so an
  // INVALID_SESSION_ID that reaches us means a fresh login did not help.
  { code: 'INVALID_SESSION_ID', status: 401, kind: 'config' },
  {
    code: /^(invalid_grant|invalid_client_id|invalid_client|unsupported_grant_type|invalid_request)$/,
    status: 400,
    kind: 'config',
  },
  {
    code: /^(API_DISABLED_FOR_ORG|API_CURRENTLY_DISABLED|INSUFFICIENT_ACCESS|FUNCTIONALITY_NOT_ENABLED)$/,
    status: 403,
    kind: 'config',
  },
  // Data the target refuses: retrying the same payload fails the same way.
  {
    code: /^(REQUIRED_FIELD_MISSING|INVALID_FIELD|INVALID_FIELD_FOR_INSERT_UPDATE|STRING_TOO_LONG)$/,
    status: 400,
    kind: 'permanent',
  },
  {
    code: /^(DUPLICATE_VALUE|DUPLICATES_DETECTED|DUPLICATE_EXTERNAL_ID|FIELD_CUSTOM_VALIDATION_EXCEPTION)$/,
    status: 400,
    kind: 'permanent',
  },
  {
    code: /^(MALFORMED_ID|FIELD_INTEGRITY_EXCEPTION|INVALID_CROSS_REFERENCE_KEY|INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST)$/,
    status: 400,
    kind: 'permanent',
  },
  {
    code: /^(INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY|INSUFFICIENT_ACCESS_OR_READONLY|INVALID_EMAIL_ADDRESS)$/,
    status: 400,
    kind: 'permanent',
  },
  {
    code: /^(MALFORMED_QUERY|INVALID_TYPE|INVALID_QUERY_FILTER_OPERATOR|EXCEEDED_ID_LIMIT|JSON_PARSER_ERROR)$/,
    status: 400,
    kind: 'permanent',
  },
  { code: /^(NOT_FOUND|ENTITY_IS_DELETED)$/, status: 404, kind: 'permanent' },
  // An external id that matches several records: the data needs fixing.
  { code: 'MULTIPLE_CHOICES', status: 300, kind: 'permanent' },
  // By status alone, for answers without a Salesforce code (HTML error pages, proxies).
  { status: transientStatuses, kind: 'transient' },
  { status: [401, 403], kind: 'config' },
]

function matchesCode(rule: ErrorRule, code: string): boolean {
  if (rule.code === undefined) return false
  return typeof rule.code === 'string' ? rule.code === code : rule.code.test(code)
}

function matchesStatus(rule: ErrorRule, status: number | undefined): boolean {
  if (status === undefined || rule.status === undefined) return false
  return typeof rule.status === 'number' ? rule.status === status : rule.status.includes(status)
}

/** The rule for a failure, or undefined (permanent). */
export function findErrorRule(code: string, message: string, status?: number): ErrorRule | undefined {
  return (
    salesforceErrorTable.find((r) => matchesCode(r, code) && (!r.message || r.message.test(message))) ??
    salesforceErrorTable.find((r) => r.code === undefined && matchesStatus(r, status))
  )
}

/**
 * A TandemError for a Salesforce code, coded `SF_<code>`. The status defaults to the one the table
 * documents for the code, since jsforce does not pass the HTTP status of an API error on.
 */
export function classifySalesforceError(code: string, message: string, remote: RemoteDetail = {}): TandemError {
  const statusFromCode = /^ERROR_HTTP_(\d{3})$/.exec(code)?.[1]
  const rule = findErrorRule(code, message, remote.status ?? (statusFromCode ? Number(statusFromCode) : undefined))
  const documented = typeof rule?.status === 'number' ? rule.status : undefined
  const status = remote.status ?? (statusFromCode ? Number(statusFromCode) : documented)
  const opts = { remote: { ...remote, ...(status !== undefined ? { status } : {}) } }
  const tandemCode = `SF_${code}`
  const text = redact(message)
  switch (rule?.kind) {
    case 'transient':
      return new TransientError(tandemCode, text, {
        ...opts,
        ...(rule.retryAfterMs !== undefined ? { retryAfterMs: rule.retryAfterMs } : {}),
      })
    case 'config':
      return new ConfigError(text, {}, { ...opts, code: tandemCode })
    default:
      return new PermanentError(tandemCode, text, opts)
  }
}

/**
 * Maps whatever jsforce threw to a TandemError: HttpApiError (`errorCode`, `data`), OAuth errors (the
 * `error` as name, `error_description` as message), node-fetch socket errors (`code`). The message is the
 * remote's, with anything token- or password-like masked; the jsforce error is not kept as the cause
 * because its request may hold the bearer token.
 */
export function fromJsforceError(err: unknown): TandemError {
  if (isTandemError(err)) return err
  const e = (err ?? {}) as {
    errorCode?: unknown
    name?: unknown
    code?: unknown
    message?: unknown
    data?: unknown
    cause?: { code?: unknown }
  }
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined)
  const message = str(e.message) ?? String(err)
  const oauth = /^(invalid_\w+|unsupported_grant_type)$/.test(str(e.name) ?? '')
  const code =
    str(e.errorCode) ??
    (oauth ? str(e.name) : undefined) ??
    str(e.code) ??
    str(e.cause?.code) ??
    // fetch reports a dropped connection as TypeError('fetch failed') with the socket code on its cause.
    (message === 'fetch failed' ? 'ECONNRESET' : undefined) ??
    'UNKNOWN'
  const body = e.data !== undefined && typeof e.data === 'object' && e.data !== null ? { body: e.data } : {}
  const text = oauth ? `Salesforce login refused: ${message} (${code})` : message
  return classifySalesforceError(code, text, { ...(oauth ? { status: 400 } : {}), ...body })
}

/** Masks values that look like credentials in a message (URLs with tokens, bearer headers). */
function redact(message: string): string {
  return message
    .replace(/\b(access_token|oauth_token|refresh_token|password|client_secret|assertion)=[^&\s]+/gi, '$1=[redacted]')
    .replace(/\b(Bearer|OAuth)\s+[\w.!-]{12,}/g, '$1 [redacted]')
}
