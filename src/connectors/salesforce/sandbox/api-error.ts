/**
 * An error the sandbox answers the way Salesforce does: an HTTP status and one `{message, errorCode, fields}`
 * (REST API Developer Guide, "Status Codes and Error Responses"). Thrown anywhere in a route, it is turned
 * into the response by the app's error handler.
 */
export class SfApiError extends Error {
  readonly status: number
  readonly errorCode: string
  readonly fields: string[] | undefined
  /** A body other than the error array, for the statuses that carry one (300 lists the matching records). */
  readonly body: unknown

  constructor(status: number, errorCode: string, message: string, fields?: string[], body?: unknown) {
    super(message)
    this.name = 'SfApiError'
    this.status = status
    this.errorCode = errorCode
    this.fields = fields
    this.body = body
  }

  /** The REST error body: always an array, `fields` only when the error names some. */
  toBody(): unknown {
    if (this.body !== undefined) return this.body
    return [{ message: this.message, errorCode: this.errorCode, ...(this.fields ? { fields: this.fields } : {}) }]
  }

  /** The per-record shape inside sObject Collections results: `statusCode`, not `errorCode`, and always `fields`. */
  toSaveError(): { statusCode: string; message: string; fields: string[] } {
    return { statusCode: this.errorCode, message: this.message, fields: this.fields ?? [] }
  }
}

/** `404 NOT_FOUND`, Salesforce's answer for an unknown object, record or route. */
export function notFound(): SfApiError {
  return new SfApiError(404, 'NOT_FOUND', 'The requested resource does not exist')
}

/** The 404 of a path segment that is neither a record id nor an external-id field of the object. */
export function unknownExternalIdField(segment: string): SfApiError {
  return new SfApiError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${segment}`)
}
