import { stringify } from 'csv-stringify/sync'

/** Bulk API 2.0 reads `#N/A` as "set to null"; an empty cell leaves the field as it is (Bulk API 2.0 guide, "Prepare CSV Files"). */
const nullCell = '#N/A'

/**
 * Rows as a Bulk API 2.0 CSV: one column per field named in any row, parents referenced by external id
 * (`{ Account: { ERP_Id__c: 'C-1' } }`) as `Account.ERP_Id__c` columns, nulls as `#N/A`.
 */
export function rowsToCsv(rows: readonly Record<string, unknown>[]): string {
  const flat = rows.map(flatten)
  const columns: string[] = []
  const seen = new Set<string>()
  for (const row of flat) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key)
        columns.push(key)
      }
    }
  }
  const cell = (row: Record<string, unknown>, key: string): string => {
    if (!(key in row)) return ''
    const v = row[key]
    if (v === null) return nullCell
    if (v instanceof Date) return v.toISOString()
    return typeof v === 'object' ? JSON.stringify(v) : String(v)
  }
  return stringify(
    flat.map((row) => columns.map((key) => cell(row, key))),
    { header: true, columns, record_delimiter: 'unix' },
  )
}

function flatten(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(row)) {
    if (key === 'attributes') continue
    if (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (k !== 'attributes') out[`${key}.${k}`] = v
      }
    } else out[key] = value
  }
  return out
}

/** `CODE:message:fields --` (or `CODE:message:--`), the layout of `sf__Error` in failed results. */
export function parseBulkError(text: string): { code: string; message: string; fields: string[] } {
  const m = /^([A-Z_]+):(.*?)(?::([^:]*?)\s*--)?$/s.exec(text.trim())
  if (!m) return { code: 'UNKNOWN_EXCEPTION', message: text, fields: [] }
  const fields = (m[3] ?? '')
    .split(/[,\s]+/)
    .map((f) => f.trim())
    .filter(Boolean)
  return { code: m[1] as string, message: (m[2] ?? '').trim(), fields }
}
