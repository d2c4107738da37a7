import { PermanentError } from '../../errors.ts'
import type { ChangePage, ListChangedOptions } from '../types.ts'
import type { NetSuiteClient } from './client.ts'
import { localTimestampToIso, parseLocalTimestamp, shiftLocalTimestamp } from './local-time.ts'
import type { SuiteQlSource } from './record-catalog.ts'
import { querySuiteQl, suiteQlRowCap } from './suiteql-query.ts'

/**
 * Polling by SuiteQL on `lastmodifieddate` (reference §5), oldest first.
 *
 * The cursor is the account-local timestamp of the newest change seen (`2025-01-15 01:12:40`), because that
 * is what SuiteQL shows (TO_CHAR renders local time) and what TO_TIMESTAMP reads back; converting through
 * UTC would need the zone rules to agree on both sides, while the local form round-trips exactly.
 *
 * Every page is its own keyset query, `(lastmodifieddate, id) > (last row)`, rather than growing OFFSETs of
 * one query: a record edited while we page moves to the end, and with offsets the row after it would slide
 * into the page already read and be skipped. Keyset pages cannot skip, and never meet the 100,000-row cap.
 * Offsets remain for one case: when clocks go back, a repeated local hour names two instants, TO_TIMESTAMP
 * takes the earlier, and a bound can fall back onto rows already read; then paging goes on by offset from
 * the last bound that moved forward.
 */

const localFormat = "'YYYY-MM-DD HH24:MI:SS'"

interface Bound {
  lm: string
  /** Absent on the first query, whose bound is inclusive (the overlap is re-read on purpose). */
  id?: string
}

export async function* listChangedRecords(
  client: NetSuiteClient,
  source: SuiteQlSource,
  timeZone: string,
  cursor: string | null,
  opts: ListChangedOptions,
): AsyncGenerator<ChangePage> {
  if (cursor !== null && parseLocalTimestamp(cursor) === null) {
    throw new PermanentError('NS_INVALID_CURSOR', `poll cursor '${cursor}' is not a YYYY-MM-DD HH:MM:SS timestamp`)
  }
  const limit = Math.min(1000, Math.max(1, Math.floor(opts.pageSize ?? 1000)))
  let bound: Bound | null = cursor === null ? null : { lm: shiftLocalTimestamp(cursor, -opts.overlapMs) }
  let offset = 0
  const usedBounds = new Set<string>()

  for (;;) {
    const { sql, params } = keysetQuery(source, bound)
    const page = await querySuiteQl(client, sql, params, { limit, offset })
    if (page.items.length === 0) return
    const changes = page.items.map((row) => {
      if (!row.id || !row.lm) {
        throw new PermanentError('NS_UNEXPECTED_RESPONSE', `SuiteQL row without id or lm from ${source.table}`)
      }
      return { id: row.id, modifiedAt: localTimestampToIso(row.lm, timeZone) }
    })
    const last = page.items.at(-1)!
    yield { changes, cursor: last.lm! }
    // A short page is the end; a full one may be followed by more even when hasMore says no (the row cap).
    if (page.items.length < limit) return
    const key = `${last.lm}\u0000${last.id}`
    if (!usedBounds.has(key)) {
      usedBounds.add(key)
      bound = { lm: last.lm!, id: last.id! }
      offset = 0
    } else if (page.hasMore) {
      offset += limit
    } else if (page.totalResults < suiteQlRowCap) {
      return
    } else {
      throw new PermanentError(
        'NS_POLL_STALLED',
        `more than ${suiteQlRowCap} ${source.table} rows share one repeated local hour; poll with a narrower source`,
      )
    }
  }
}

function keysetQuery(source: SuiteQlSource, bound: Bound | null): { sql: string; params: string[] } {
  const conditions: string[] = []
  const params: string[] = []
  if (source.filter) {
    conditions.push(source.filter.sql)
    params.push(...source.filter.params)
  }
  if (bound && bound.id === undefined) {
    conditions.push(`lastmodifieddate >= TO_TIMESTAMP(?, ${localFormat})`)
    params.push(bound.lm)
  } else if (bound) {
    conditions.push(
      `(lastmodifieddate > TO_TIMESTAMP(?, ${localFormat}) OR (lastmodifieddate = TO_TIMESTAMP(?, ${localFormat}) AND id > ?))`,
    )
    params.push(bound.lm, bound.lm, bound.id!)
  }
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : ''
  return {
    sql: `SELECT id, TO_CHAR(lastmodifieddate, ${localFormat}) AS lm FROM ${source.table}${where} ORDER BY lastmodifieddate, id`,
    params,
  }
}
