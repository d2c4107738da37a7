/**
 * A query NetSuite would refuse. The message is the part after "Search error occurred: "; the route
 * wraps it into the 400 INVALID_PARAMETER body NetSuite sends (error-400-suiteql-invalid-parameter.json).
 */
export class SuiteQlError extends Error {
  /** Character offset in the query, when the error points at one. */
  readonly position: number | undefined

  constructor(message: string, position?: number) {
    super(message)
    this.name = 'SuiteQlError'
    this.position = position
  }
}

/** The `detail` NetSuite puts around a search error. */
export function searchErrorDetail(message: string): string {
  return `Invalid search query. Detailed unprocessed description follows. Search error occurred: ${message}`
}
