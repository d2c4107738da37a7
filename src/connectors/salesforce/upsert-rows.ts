import { PermanentError, type TandemError, TransientError } from '../../errors.ts'
import { type InCallRetryOptions, retryTransient } from '../../lib/http/retry.ts'
import type { TargetRecord, UpsertResult } from '../types.ts'
import { parseBulkError, rowsToCsv } from './bulk-csv.ts'
import type { BulkIngestResults, SalesforceClient, SaveResult } from './client.ts'
import { classifySalesforceError } from './error-table.ts'

export interface UpsertLimits {
  maxBatch: number
  /** Batches of at least this many sendable rows go through Bulk API 2.0. */
  bulkThreshold: number
  /** In-call retries of idempotent calls (upsert by external id, update with the same values). */
  retry?: InCallRetryOptions
}

/**
 * Upserts rows of one object by an external-id field, one result per row in order. Small batches go
 * through sObject Collections upsert (`maxBatch` rows per call, per-record results in order); big ones
 * through one Bulk API 2.0 job, whose unordered results are matched back to rows by external-id value.
 */
export async function upsertRows(
  client: SalesforceClient,
  object: string,
  externalIdField: string,
  rows: readonly TargetRecord[],
  limits: UpsertLimits,
): Promise<UpsertResult[]> {
  const results: UpsertResult[] = new Array(rows.length)
  // A row without its external id cannot be matched; it fails alone instead of failing the call.
  const sendable: number[] = []
  const keyOf = (row: TargetRecord): string | null => {
    const key = Object.keys(row).find((k) => k.toLowerCase() === externalIdField.toLowerCase())
    const value = key === undefined ? undefined : row[key]
    return value === undefined || value === null || value === '' ? null : String(value)
  }
  rows.forEach((row, i) => {
    if (keyOf(row) === null) {
      results[i] = {
        ok: false,
        error: new PermanentError('SF_MISSING_EXTERNAL_ID', `the row has no value for ${externalIdField}`),
      }
    } else sendable.push(i)
  })
  if (sendable.length >= limits.bulkThreshold) {
    await upsertInBulk(client, object, externalIdField, rows, sendable, keyOf, results)
    return results
  }
  for (let start = 0; start < sendable.length; start += limits.maxBatch) {
    const indexes = sendable.slice(start, start + limits.maxBatch)
    try {
      // An upsert by external id is idempotent, so a short blip (lock contention, 503) is retried here.
      const saved = await retryTransient(
        () =>
          client.upsertCollection(
            object,
            externalIdField,
            indexes.map((i) => rows[i] as Record<string, unknown>),
          ),
        limits.retry,
      )
      indexes.forEach((rowIndex, j) => {
        results[rowIndex] = toResult(saved[j])
      })
    } catch (err) {
      // A failure of the whole call (limit, session, network) is every row's failure.
      for (const rowIndex of indexes) results[rowIndex] = { ok: false, error: err as TandemError }
    }
  }
  return results
}

async function upsertInBulk(
  client: SalesforceClient,
  object: string,
  externalIdField: string,
  rows: readonly TargetRecord[],
  sendable: readonly number[],
  keyOf: (row: TargetRecord) => string | null,
  results: UpsertResult[],
): Promise<void> {
  // Results come back unordered and keyed only by the row's values, so two rows with one key could not be
  // told apart; Salesforce refuses such a pair in one upsert anyway (DUPLICATE_EXTERNAL_ID).
  const byKey = new Map<string, number[]>()
  for (const i of sendable) {
    const key = (keyOf(rows[i] as TargetRecord) as string).toLowerCase()
    byKey.set(key, [...(byKey.get(key) ?? []), i])
  }
  const unique: number[] = []
  for (const [key, indexes] of byKey) {
    if (indexes.length === 1) unique.push(indexes[0] as number)
    else {
      for (const i of indexes) {
        results[i] = {
          ok: false,
          error: new PermanentError('SF_DUPLICATE_EXTERNAL_ID', `Duplicate external id specified: ${key}`),
        }
      }
    }
  }
  if (unique.length === 0) return
  const csvRows = unique.map((i) => rows[i] as Record<string, unknown>)
  let outcome: BulkIngestResults
  try {
    outcome = await client.bulkUpsert(object, externalIdField, rowsToCsv(csvRows))
  } catch (err) {
    for (const i of unique) results[i] = { ok: false, error: err as TandemError }
    return
  }
  const indexOf = (row: Record<string, string>): number | undefined => {
    const key = Object.keys(row).find((k) => k.toLowerCase() === externalIdField.toLowerCase())
    const value = key === undefined ? undefined : row[key]
    const indexes = value === undefined ? undefined : byKey.get(value.toLowerCase())
    return indexes?.length === 1 ? indexes[0] : undefined
  }
  for (const row of outcome.successful) {
    const i = indexOf(row)
    if (i !== undefined && row.sf__Id) results[i] = { ok: true, id: row.sf__Id, created: row.sf__Created === 'true' }
  }
  for (const row of outcome.failed) {
    const i = indexOf(row)
    if (i === undefined) continue
    const e = parseBulkError(row.sf__Error ?? '')
    const fields = e.fields.length ? ` (${e.fields.join(', ')})` : ''
    results[i] = { ok: false, error: classifySalesforceError(e.code, `${e.message}${fields}`, { body: row.sf__Error }) }
  }
  // Rows a job did not get to (it was aborted or failed as a whole) can simply be sent again.
  for (const i of unique) {
    results[i] ??= {
      ok: false,
      error: new TransientError('SF_BULK_UNPROCESSED', 'the Bulk API 2.0 job left the row unprocessed'),
    }
  }
}

/** Updates rows by their Salesforce id through sObject Collections, `maxBatch` per call; results in order. */
export async function updateRows(
  client: SalesforceClient,
  object: string,
  rows: readonly (TargetRecord & { id: string })[],
  maxBatch: number,
  retry?: InCallRetryOptions,
): Promise<UpsertResult[]> {
  const results: UpsertResult[] = []
  for (let start = 0; start < rows.length; start += maxBatch) {
    const chunk = rows.slice(start, start + maxBatch)
    try {
      // Setting the same values again is harmless, so a short blip is retried here too.
      const saved = await retryTransient(() => client.updateCollection(object, chunk), retry)
      chunk.forEach((_, j) => {
        results.push(toResult(saved[j], false))
      })
    } catch (err) {
      for (const _ of chunk) results.push({ ok: false, error: err as TandemError })
    }
  }
  return results
}

function toResult(saved: SaveResult | undefined, upsert = true): UpsertResult {
  if (!saved) {
    return { ok: false, error: new PermanentError('SF_NO_RESULT', 'Salesforce returned no result for the record') }
  }
  if (saved.success && saved.id) return { ok: true, id: saved.id, created: upsert && saved.created === true }
  // Collections report `statusCode` per record; the single-record APIs say `errorCode`.
  const first = saved.errors[0]
  const code = first?.statusCode ?? first?.errorCode ?? 'UNKNOWN_EXCEPTION'
  const fields = first?.fields?.length ? ` (${first.fields.join(', ')})` : ''
  return {
    ok: false,
    error: classifySalesforceError(code, `${first?.message ?? 'save failed'}${fields}`, { body: saved.errors }),
  }
}
