import { PermanentError } from '../../errors.ts'
import { retryTransient } from '../../lib/http/retry.ts'
import type { ChangePage, ObjectApi, SourceRecord } from '../types.ts'
import type { RawQueryResult, SalesforceClient } from './client.ts'
import { toObjectSchema } from './describe-schema.ts'
import { checkPaths, idPattern, idQueries, namePattern, selectList, soqlDatetime, toIso } from './soql-text.ts'
import { type UpsertLimits, updateRows, upsertRows } from './upsert-rows.ts'

type ListSpec = { path: string; fields: readonly string[] }

function toSourceRecord(row: Record<string, unknown>): SourceRecord {
  return { id: String(row.Id), modifiedAt: toIso(row.SystemModstamp), data: row }
}

/** One sObject type seen through the connector boundary. */
export function createSalesforceObject(client: SalesforceClient, name: string, limits: UpsertLimits): ObjectApi {
  if (!namePattern.test(name)) throw new PermanentError('SF_INVALID_TYPE', `not an sObject name: ${name}`)

  /**
   * A read retried in-call on short transient failures; a longer Retry-After (the daily API limit)
   * propagates so the job is rescheduled instead of holding a worker.
   */
  const readWithRetry = <T>(read: () => Promise<T>): Promise<T> => retryTransient(read, limits.retry)

  /** A child relationship's rows, following its own `nextRecordsUrl` when it did not fit in the parent's page. */
  async function childRows(value: unknown): Promise<Record<string, unknown>[]> {
    if (!value || typeof value !== 'object') return []
    let page = value as RawQueryResult
    const rows = [...page.records]
    while (!page.done && page.nextRecordsUrl) {
      const url = page.nextRecordsUrl
      page = await readWithRetry(() => client.queryMore(url))
      rows.push(...page.records)
    }
    return rows
  }
  /** The SELECT list: the fields, and one child subquery per list (order lines), each checked first. */
  function selectWithLists(wanted: readonly string[], lists: readonly ListSpec[]): string {
    checkPaths(wanted)
    for (const list of lists) {
      if (!namePattern.test(list.path)) throw new PermanentError('SF_INVALID_FIELD', `not a relationship: ${list.path}`)
      checkPaths(list.fields)
    }
    const subqueries = lists.map((l) => `(SELECT ${selectList(['Id', ...l.fields]).join(', ')} FROM ${l.path})`)
    return [...selectList(['Id', 'SystemModstamp', ...wanted]), ...subqueries].join(', ')
  }

  /** A child list comes back as `{ totalSize, done, records }` or null; the boundary gives plain rows. */
  async function flattenLists(row: Record<string, unknown>, lists: readonly ListSpec[]): Promise<void> {
    for (const list of lists) {
      const key = Object.keys(row).find((k) => k.toLowerCase() === list.path.toLowerCase()) ?? list.path
      row[key] = await childRows(row[key])
    }
  }

  return {
    name,

    async describe() {
      return toObjectSchema(await readWithRetry(() => client.describe(name)))
    },

    async getMany(ids, fields, opts = {}) {
      const wanted = fields ?? (await readWithRetry(() => client.describeFields(name)))
      const lists = opts.lists ?? []
      const select = selectWithLists(wanted, lists)
      const valid = [...new Set(ids.filter((id) => idPattern.test(id)))]
      const found = new Map<string, SourceRecord>()
      for (const q of idQueries(select, name, valid)) {
        const rows = await readWithRetry(async () => {
          const out: Record<string, unknown>[] = []
          for await (const page of client.query(q.soql)) out.push(...page.records)
          return out
        })
        for (const row of rows) {
          await flattenLists(row, lists)
          const record = toSourceRecord(row)
          found.set(record.id, record)
          // A webhook may name a record by its 15-character id; answer under the id that was asked for.
          const short = record.id.slice(0, 15)
          if (q.ids.includes(short)) found.set(short, record)
        }
      }
      return found
    },

    async *listAll(opts = {}) {
      const wanted = opts.fields ?? (await readWithRetry(() => client.describeFields(name)))
      const lists = opts.lists ?? []
      const select = selectWithLists(wanted, lists)
      let where = ''
      if (opts.since !== undefined) {
        const at = Date.parse(opts.since)
        if (Number.isNaN(at)) throw new PermanentError('SF_INVALID_CURSOR', `not an ISO 8601 instant: ${opts.since}`)
        where = ` WHERE SystemModstamp >= ${soqlDatetime(at)}`
      }
      // Ordered by Id so a reconciliation can merge-join both sides; the query cursor keeps the snapshot.
      const soql = `SELECT ${select} FROM ${name}${where} ORDER BY Id`
      for await (const page of client.query(soql, opts.pageSize ? { batchSize: opts.pageSize } : {})) {
        if (page.records.length === 0) continue
        for (const row of page.records) await flattenLists(row, lists)
        yield page.records.map(toSourceRecord)
      }
    },

    async *listChanged(cursor, opts): AsyncGenerator<ChangePage> {
      // SystemModstamp is indexed and moves on every change, system ones included; the org keeps it to the
      // second, so the overlap re-reads what committed late within the cursor's second (reference §6).
      // queryAll adds the recycle bin, so a delete shows up as a change with IsDeleted set.
      let where = ''
      if (cursor !== null) {
        const at = Date.parse(cursor)
        if (Number.isNaN(at)) throw new PermanentError('SF_INVALID_CURSOR', `not an ISO 8601 cursor: ${cursor}`)
        where = ` WHERE SystemModstamp > ${soqlDatetime(at - opts.overlapMs)}`
      }
      const soql = `SELECT Id, SystemModstamp, IsDeleted FROM ${name}${where} ORDER BY SystemModstamp, Id`
      let last = cursor
      const query = client.query(soql, { includeDeleted: true, ...(opts.pageSize ? { batchSize: opts.pageSize } : {}) })
      for await (const page of query) {
        const changes = page.records.flatMap((row) => {
          const modifiedAt = toIso(row.SystemModstamp)
          if (!modifiedAt) return []
          return [{ id: String(row.Id), modifiedAt, ...(row.IsDeleted === true ? { deleted: true } : {}) }]
        })
        const newest = changes.at(-1)?.modifiedAt
        if (!newest) continue
        // Never move the cursor back: with an overlap, a page can end before the stored cursor.
        if (last === null || Date.parse(newest) > Date.parse(last)) last = newest
        yield { changes, cursor: last }
      }
    },

    async upsert(externalIdField, rows) {
      if (!namePattern.test(externalIdField)) {
        throw new PermanentError('SF_INVALID_FIELD', `not a field name: ${externalIdField}`)
      }
      return upsertRows(client, name, externalIdField, rows, limits)
    },

    async update(rows) {
      const bad = rows.findIndex((r) => !idPattern.test(r.id))
      if (bad >= 0) throw new PermanentError('SF_MALFORMED_ID', `row ${bad}: not a record id: ${rows[bad]?.id}`)
      return updateRows(client, name, rows, limits.maxBatch, limits.retry)
    },
  }
}
