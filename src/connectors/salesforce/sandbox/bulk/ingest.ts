import { SfApiError } from '../api-error.ts'
import type { Org } from '../org.ts'
import { findField } from '../schema.ts'
import { type ColumnDelimiter, readCsv } from './bulk-csv.ts'

export type IngestOperation = 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete'

/** Per-row outcome of an ingest job: the row as uploaded, and its id and created flag or its error. */
export interface IngestOutcome {
  header: string[]
  successful: { id: string; created: boolean; row: string[] }[]
  failed: { error: string; row: string[] }[]
}

/** Bulk API 2.0 reads `#N/A` as null; an empty cell leaves the field as it is ("Prepare CSV Files"). */
const nullCell = '#N/A'

/** `sf__Error` text: `CODE:message:fields --`, or `CODE:message:--` when the error names no field. */
function errorText(err: SfApiError): string {
  const fields = err.fields?.length ? `${err.fields.join(',')} ` : ''
  return `${err.errorCode}:${err.message}:${fields}--`
}

/**
 * A CSV row as a REST body: relationship columns (`Account.ERP_Id__c`) become nested external-id
 * references, checkbox text becomes booleans, `#N/A` null; other values stay text for the org to coerce.
 */
function rowBody(org: Org, object: string, header: string[], row: string[]): Record<string, unknown> {
  const o = org.object(object)
  const body: Record<string, unknown> = {}
  header.forEach((column, i) => {
    const raw = row[i] ?? ''
    if (raw === '') return
    const value: unknown = raw === nullCell ? null : raw
    const dot = column.indexOf('.')
    if (dot > 0) {
      body[column.slice(0, dot)] = { [column.slice(dot + 1)]: value }
      return
    }
    const f = findField(o, column)
    body[column] = f?.type === 'boolean' && typeof value === 'string' ? value.toLowerCase() === 'true' : value
  })
  return body
}

/** Takes a key out of a body, matched case-insensitively; returns its value. */
function take(body: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase())
  if (key === undefined) return undefined
  const value = body[key]
  delete body[key]
  return value
}

/** Applies every row of an ingest job's CSV to the org, each row on its own, as Bulk API 2.0 does. */
export function runIngest(
  org: Org,
  job: { object: string; operation: IngestOperation; externalIdFieldName?: string; columnDelimiter: ColumnDelimiter },
  csv: string,
  version: string,
): IngestOutcome {
  const { header, rows } = readCsv(csv, job.columnDelimiter)
  const outcome: IngestOutcome = { header, successful: [], failed: [] }
  for (const row of rows) {
    try {
      const body = rowBody(org, job.object, header, row)
      const id = take(body, 'Id')
      const needId = () => {
        if (typeof id !== 'string')
          throw new SfApiError(400, 'MISSING_ARGUMENT', 'Id not specified in an update call', ['Id'])
        return id
      }
      switch (job.operation) {
        case 'insert':
          if (id !== undefined)
            throw new SfApiError(400, 'INVALID_FIELD_FOR_INSERT_UPDATE', 'cannot specify Id in an insert call', ['Id'])
          outcome.successful.push({ id: org.create(job.object, body), created: true, row })
          break
        case 'update':
          outcome.successful.push({ id: org.update(job.object, needId(), body), created: false, row })
          break
        case 'upsert': {
          const field = job.externalIdFieldName ?? 'Id'
          const value = field.toLowerCase() === 'id' ? (id ?? '') : take(body, field)
          if (typeof value !== 'string')
            throw new SfApiError(400, 'MISSING_ARGUMENT', `${field} not specified`, [field])
          const r = org.upsert(job.object, field, value, body, version)
          outcome.successful.push({ id: r.id, created: r.created, row })
          break
        }
        case 'delete':
        case 'hardDelete':
          org.delete(job.object, needId())
          outcome.successful.push({ id: needId(), created: false, row })
          break
      }
    } catch (err) {
      if (!(err instanceof SfApiError)) throw err
      // A value matching several records is a 300 on REST; a bulk row reports it as a duplicate.
      const e =
        err.status === 300
          ? new SfApiError(400, 'DUPLICATE_EXTERNAL_ID', 'more than one record found for external id field', [])
          : err
      outcome.failed.push({ error: errorText(e), row })
    }
  }
  return outcome
}
