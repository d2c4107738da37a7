import { isTandemError, PermanentError } from '../../errors.ts'
import type { SourceRecord } from '../types.ts'
import type { NetSuiteClient } from './client.ts'
import { isoToLocalTimestamp, localTimestampToIso } from './local-time.ts'
import type { SuiteQlSource } from './record-catalog.ts'
import { querySuiteQl } from './suiteql-query.ts'

/**
 * Every record of a type, streamed one page at a time so memory holds one page whatever the account's
 * size. Ids (with their lastModifiedDate) come from SuiteQL, keyset-paged on id (`WHERE id > ? ORDER BY
 * id`), which never meets the 100,000-row cap and filters `since` in the account; each record is then
 * read with the fields asked for, unless none are. A type SuiteQL does not know (or a role without
 * SuiteAnalytics) falls back to the record list (`?limit&offset`, ids and links only).
 */

export interface ListAllPlan {
  /** Body fields to read per record; `[]`: ids and modification times only, no per-record GET. */
  fields: readonly string[] | undefined
  since: string | undefined
  pageSize: number
}

export type ReadOne = (id: string) => Promise<SourceRecord | undefined>

/** One page of the listing: stubs with ids (and modification times when known), or records already read. */
interface IdPage {
  records: SourceRecord[]
  read: boolean
}

const localFormat = "'YYYY-MM-DD HH24:MI:SS'"

const collectionOk = (body: unknown): body is { items: { id: string }[]; hasMore: boolean } =>
  typeof body === 'object' &&
  body !== null &&
  Array.isArray((body as { items?: unknown }).items) &&
  typeof (body as { hasMore?: unknown }).hasMore === 'boolean'

export async function* listAllRecords(
  client: NetSuiteClient,
  type: string,
  /** Where the type lives in SuiteQL; null lists through the record service only. */
  source: SuiteQlSource | null,
  timeZone: string,
  plan: ListAllPlan,
  readOne: ReadOne,
): AsyncGenerator<SourceRecord[]> {
  const idsOnly = plan.fields !== undefined && plan.fields.length === 0
  const fill = async ({ records, read }: IdPage): Promise<SourceRecord[]> => {
    if (idsOnly || read) return records
    const found = await Promise.all(records.map((s) => readOne(s.id)))
    // A record deleted between the listing and its read is simply gone.
    return found.filter((r): r is SourceRecord => r !== undefined)
  }
  let pages: AsyncGenerator<IdPage> = recordListIdPages(client, type, plan, readOne)
  if (source) {
    const viaSuiteQl = suiteQlIdPages(client, source, timeZone, plan)
    try {
      const first = await viaSuiteQl.next()
      if (first.done) return
      pages = prepend(first.value, viaSuiteQl)
    } catch (err) {
      // Permission or an unknown table: the record list serves every type any role may read.
      if (!isTandemError(err) || err.kind === 'transient') throw err
    }
  }
  for await (const ids of pages) {
    const page = await fill(ids)
    if (page.length > 0) yield page
  }
}

async function* prepend<T>(first: T, rest: AsyncGenerator<T>): AsyncGenerator<T> {
  yield first
  yield* rest
}

async function* suiteQlIdPages(
  client: NetSuiteClient,
  source: SuiteQlSource,
  timeZone: string,
  plan: ListAllPlan,
): AsyncGenerator<IdPage> {
  const limit = Math.min(1000, plan.pageSize)
  const base: string[] = []
  const baseParams: string[] = []
  if (source.filter) {
    base.push(source.filter.sql)
    baseParams.push(...source.filter.params)
  }
  if (plan.since !== undefined) {
    base.push(`lastmodifieddate >= TO_TIMESTAMP(?, ${localFormat})`)
    baseParams.push(isoToLocalTimestamp(plan.since, timeZone))
  }
  let after: string | undefined
  for (;;) {
    const where = [...base, ...(after === undefined ? [] : ['id > ?'])]
    const sql = `SELECT id, TO_CHAR(lastmodifieddate, ${localFormat}) AS lm FROM ${source.table}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`
    const page = await querySuiteQl(client, sql, after === undefined ? baseParams : [...baseParams, after], {
      limit,
      offset: 0,
    })
    const stubs = page.items.map((row): SourceRecord => {
      if (!row.id) throw new PermanentError('NS_UNEXPECTED_RESPONSE', `SuiteQL row without id from ${source.table}`)
      return { id: row.id, modifiedAt: row.lm ? localTimestampToIso(row.lm, timeZone) : null, data: {} }
    })
    if (stubs.length > 0) yield { records: stubs, read: false }
    if (stubs.length < limit) return
    after = stubs.at(-1)!.id
  }
}

/**
 * The record list gives ids only; `since` needs each record's lastModifiedDate, so with `since` every
 * record is read even when no fields are asked for.
 */
async function* recordListIdPages(
  client: NetSuiteClient,
  type: string,
  plan: ListAllPlan,
  readOne: ReadOne,
): AsyncGenerator<IdPage> {
  const since = plan.since === undefined ? undefined : Date.parse(plan.since)
  const size = Math.min(1000, plan.pageSize)
  for (let offset = 0; ; offset += size) {
    const res = await client.request({ method: 'GET', path: `/record/v1/${type}`, query: { limit: size, offset } })
    if (!collectionOk(res.body)) {
      throw new PermanentError('NS_UNEXPECTED_RESPONSE', `NetSuite answered the ${type} list without items`)
    }
    const ids = res.body.items.map((item) => item.id)
    if (since === undefined) yield { records: ids.map((id) => ({ id, modifiedAt: null, data: {} })), read: false }
    else {
      const found = await Promise.all(ids.map((id) => readOne(id)))
      const records = found.filter(
        (r): r is SourceRecord => r !== undefined && r.modifiedAt !== null && Date.parse(r.modifiedAt) >= since,
      )
      yield { records, read: true }
    }
    if (!res.body.hasMore) return
  }
}
