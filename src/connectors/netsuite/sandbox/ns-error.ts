/**
 * NetSuite's REST error envelope (reference §6): `{type, title, status, "o:errorDetails":[{detail,
 * "o:errorCode", "o:errorPath"?, ...}]}` served as `application/vnd.oracle.resource+json; type=error`.
 * Routes throw a SandboxApiError; the app's error handler renders it, so every failure has this one shape.
 */

export const mediaTypes = {
  singular: 'application/vnd.oracle.resource+json; type=singular; charset=UTF-8',
  collection: 'application/vnd.oracle.resource+json; type=collection; charset=UTF-8',
  error: 'application/vnd.oracle.resource+json; type=error; charset=UTF-8',
} as const

export interface ErrorDetail {
  detail: string
  'o:errorCode': string
  'o:errorPath'?: string
  'o:errorQueryParam'?: string
  'o:errorHeader'?: string
  'o:errorUrl'?: string
}

export interface ErrorBody {
  type: string
  title: string
  status: number
  'o:errorCode'?: string
  'o:errorDetails': ErrorDetail[]
}

// The RFC links NetSuite puts in `type`; clients must never branch on them (reference §6).
const rfc2616 = 'https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html'
const statusInfo: Record<number, { title: string; type: string }> = {
  400: { title: 'Bad Request', type: `${rfc2616}#sec10.4.1` },
  401: { title: 'Unauthorized', type: `${rfc2616}#sec10.4.2` },
  403: { title: 'Forbidden', type: `${rfc2616}#sec10.4.4` },
  404: { title: 'Not Found', type: rfc2616 },
  405: { title: 'Method Not Allowed', type: `${rfc2616}#sec10.4.6` },
  // Oracle's published 429 sample really says "Bad Request".
  429: { title: 'Bad Request', type: rfc2616 },
  500: { title: 'Internal Server Error', type: rfc2616 },
  503: { title: 'Service Unavailable', type: `${rfc2616}#sec10.5.4` },
}

export function errorBody(status: number, details: ErrorDetail[]): ErrorBody {
  const info = statusInfo[status] ?? { title: 'Error', type: rfc2616 }
  return { type: info.type, title: info.title, status, 'o:errorDetails': details }
}

/** An error answer with NetSuite's envelope. `headers` adds e.g. WWW-Authenticate. */
export class SandboxApiError extends Error {
  readonly status: number
  readonly body: ErrorBody
  readonly headers: Record<string, string>

  constructor(status: number, details: ErrorDetail[] | ErrorDetail, headers: Record<string, string> = {}) {
    const list = Array.isArray(details) ? details : [details]
    super(list.map((d) => d.detail).join('; '))
    this.status = status
    this.body = errorBody(status, list)
    this.headers = headers
  }
}

/** "Error while accessing a resource. …" is how NetSuite prefixes record-level USER_ERROR details. */
export function userError(message: string, extra: Partial<ErrorDetail> = {}): SandboxApiError {
  return new SandboxApiError(400, {
    detail: `Error while accessing a resource. ${message}`,
    'o:errorCode': 'USER_ERROR',
    ...extra,
  })
}

export function nonexistentId(): SandboxApiError {
  return new SandboxApiError(404, { detail: 'Record does not exist.', 'o:errorCode': 'NONEXISTENT_ID' })
}

export function invalidRequest(): SandboxApiError {
  return new SandboxApiError(400, {
    detail: 'The request could not be understood by the server due to malformed syntax.',
    'o:errorCode': 'INVALID_REQUEST',
  })
}

export function invalidParameter(param: string, detail: string): SandboxApiError {
  return new SandboxApiError(400, { detail, 'o:errorQueryParam': param, 'o:errorCode': 'INVALID_PARAMETER' })
}

export function invalidHeader(header: string, detail: string): SandboxApiError {
  return new SandboxApiError(400, { detail, 'o:errorHeader': header, 'o:errorCode': 'INVALID_HEADER' })
}

/** The exact 429 body Oracle documents, with its extra top-level `o:errorCode` (reference §6). */
export function concurrencyLimitBody(): ErrorBody {
  return {
    ...errorBody(429, [
      { detail: 'Concurrent request limit exceeded. Request blocked.', 'o:errorCode': 'CONCURRENCY_LIMIT_EXCEEDED' },
    ]),
    'o:errorCode': 'USER_ERROR',
  }
}

/** The body of every TBA failure: it never says which check failed (causes go to the login audit trail). */
export function invalidLoginBody(): ErrorBody {
  return errorBody(401, [
    {
      detail:
        'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.',
      'o:errorCode': 'INVALID_LOGIN',
    },
  ])
}
