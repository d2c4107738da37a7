import { ConfigError, type ErrorKind, PermanentError, type TandemError, TransientError } from '../../errors.ts'

/**
 * What NetSuite's failures mean for a retry, as data (reference §6-§7). The first matching rule wins.
 * Codes become `NS_<o:errorCode>` (`NS_USER_ERROR`), or `NS_HTTP_<status>` when the body has none (a
 * gateway's HTML 503); socket failures keep undici's or Node's code (`UND_ERR_SOCKET`, `ECONNRESET`).
 */

export interface NetSuiteErrorDetail {
  detail?: string
  'o:errorCode'?: string
  'o:errorPath'?: string
  'o:errorQueryParam'?: string
  'o:errorHeader'?: string
}

interface Rule {
  status?: number | readonly [number, number]
  code?: string
  detail?: RegExp
  kind: ErrorKind
  /** Why, for whoever reads the table. */
  why: string
}

export const errorTable: readonly Rule[] = [
  { status: 401, kind: 'config', why: 'INVALID_LOGIN: credentials, realm (account ID case) or server clock' },
  { status: 403, kind: 'config', why: 'INSUFFICIENT_PERMISSION: the role lacks a permission' },
  { status: 429, kind: 'transient', why: 'CONCURRENCY_LIMIT_EXCEEDED: over the account concurrency limit' },
  { status: 408, kind: 'transient', why: 'request timeout' },
  { status: [500, 599], kind: 'transient', why: 'UNEXPECTED_ERROR or a gateway failure' },
  {
    code: 'USER_ERROR',
    detail: /locked|has been changed/i,
    kind: 'transient',
    why: 'record locked by a workflow or changed by someone else meanwhile: retry later',
  },
  {
    code: 'USER_ERROR',
    detail: /role does not have permission/i,
    kind: 'config',
    why: 'the integration role misses a permission (NetSuite answers 400, not 403)',
  },
  { code: 'USER_ERROR', kind: 'permanent', why: 'validation: missing value, duplicate, invalid reference' },
  { code: 'NONEXISTENT_ID', kind: 'permanent', why: 'no such record' },
  { code: 'INVALID_CONTENT', kind: 'permanent', why: 'a value or reference in the body is invalid' },
  { code: 'INVALID_PARAMETER', kind: 'permanent', why: 'a query parameter or SuiteQL is invalid' },
  { code: 'INVALID_REQUEST', kind: 'permanent', why: 'malformed request' },
  { code: 'INVALID_HEADER', kind: 'permanent', why: 'a header is invalid' },
  { status: [400, 499], kind: 'permanent', why: 'any other client error' },
]

/** Socket-level failures worth retrying: the request may not have reached NetSuite, or its answer got lost. */
export const transientNetworkCodes: ReadonlySet<string> = new Set([
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

function matches(rule: Rule, status: number, code: string | undefined, detail: string): boolean {
  if (typeof rule.status === 'number' && rule.status !== status) return false
  if (Array.isArray(rule.status) && (status < rule.status[0] || status > rule.status[1])) return false
  if (rule.code !== undefined && rule.code !== code) return false
  return !rule.detail || rule.detail.test(detail)
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3). NetSuite documents none; proxies may add it. */
export function parseRetryAfter(value: string | undefined, nowMs = Date.now()): number | undefined {
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}

/** The error for a non-2xx answer. `body` is the parsed JSON envelope, or the text when it was not JSON. */
export function errorFromResponse(status: number, body: unknown, retryAfter?: string): TandemError {
  const envelope = (typeof body === 'object' && body !== null ? body : {}) as { 'o:errorDetails'?: unknown }
  const details = Array.isArray(envelope['o:errorDetails']) ? (envelope['o:errorDetails'] as NetSuiteErrorDetail[]) : []
  const first = details[0] ?? {}
  const nsCode = first['o:errorCode']
  const detail = details.map((d) => d.detail ?? '').join(' ')
  const rule = errorTable.find((r) => matches(r, status, nsCode, detail))
  const kind: ErrorKind = rule?.kind ?? (status >= 500 ? 'transient' : 'permanent')
  const code = nsCode ? `NS_${nsCode}` : `NS_HTTP_${status}`
  const where = first['o:errorPath'] ?? first['o:errorQueryParam'] ?? first['o:errorHeader']
  const message =
    `NetSuite ${status} ${nsCode ?? ''}`.trimEnd() + (detail ? `: ${detail}` : '') + (where ? ` (at ${where})` : '')
  const remote = { status, body: typeof body === 'string' ? body.slice(0, 2000) : body }
  if (kind === 'transient') {
    const retryAfterMs = parseRetryAfter(retryAfter)
    return new TransientError(code, message, { remote, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) })
  }
  if (kind === 'config') return new ConfigError(message, {}, { code, remote })
  return new PermanentError(code, message, { remote })
}

/**
 * The error for a request that got no HTTP answer. Connection failures are transient; anything else
 * (an invalid argument, an unsupported option) is a request we built wrong, which retrying cannot fix.
 */
export function errorFromNetwork(err: unknown): TandemError {
  const code = (err as { code?: unknown }).code
  const reason = err instanceof Error ? err.message : String(err)
  if (typeof code === 'string' && transientNetworkCodes.has(code)) {
    return new TransientError(code, `NetSuite unreachable: ${reason}`, { cause: err })
  }
  return new PermanentError(
    typeof code === 'string' ? code : 'NS_REQUEST_FAILED',
    `NetSuite request failed: ${reason}`,
    {
      cause: err,
    },
  )
}
