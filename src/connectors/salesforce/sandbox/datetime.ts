/** Salesforce writes datetimes as `2024-05-01T12:34:56.000+0000` and dates as `2024-05-01`. */
export function formatDatetime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000')
}

/**
 * Parses an ISO 8601 instant as Salesforce accepts it on input (`Z`, `+hh:mm` or `+hhmm`; fractions of a
 * second beyond milliseconds are dropped); NaN when invalid.
 */
export function parseDatetime(value: string): number {
  const normalised = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(normalised)) return Number.NaN
  return Date.parse(normalised)
}

/** Whether a value is a `YYYY-MM-DD` date, the form date fields take on input. */
export function isDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))
}
