import type { Context, Hono } from 'hono'
import { SfApiError } from '../api-error.ts'
import { sfJson, versionOf } from '../responses.ts'
import { evaluate } from '../soql/evaluate.ts'
import { parseSoql } from '../soql/parse.ts'
import type { SandboxState } from '../state.ts'

const defaultBatch = 2_000
const minBatch = 200

/** `Sforce-Query-Options: batchSize=N` asks for other page sizes, honoured between 200 and 2,000 (REST API "Query Options Header"). */
function batchSizeOf(c: Context): number {
  const m = /batchSize\s*=\s*(\d+)/i.exec(c.req.header('sforce-query-options') ?? '')
  return m ? Math.min(defaultBatch, Math.max(minBatch, Number(m[1]))) : defaultBatch
}

const invalidLocator = () => new SfApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator')

/**
 * `/query` and `/queryAll` (which adds recycled records), and `/query/<locator>` for the next batch. The
 * whole result is computed once and served in batches; `nextRecordsUrl` (`/query/<cursor>-<offset>`) appears
 * only while `done` is false, and `totalSize` always counts the whole result. queryAll pages come back as
 * `/query/…` locators, and `/queryAll/<locator>` is accepted too, as on the platform.
 */
export function queryRoutes(app: Hono, state: SandboxState): void {
  function page(c: Context, cursorId: string, offset: number): Response {
    const cursor = state.cursor(cursorId)
    if (!cursor || offset > cursor.records.length) throw invalidLocator()
    const end = offset + cursor.batchSize
    const done = end >= cursor.records.length
    if (done) state.closeCursor(cursorId)
    return sfJson(c, {
      totalSize: cursor.totalSize,
      done,
      ...(done ? {} : { nextRecordsUrl: `/services/data/v${versionOf(c)}/query/${cursorId}-${end}` }),
      records: cursor.records.slice(offset, end),
    })
  }

  for (const [path, includeDeleted] of [
    ['/query', false],
    ['/queryAll', true],
  ] as const) {
    app.get(path, (c) => {
      const soql = c.req.query('q')
      if (!soql) throw new SfApiError(400, 'MALFORMED_QUERY', 'A query string has to be specified')
      const result = evaluate(state.org, soql, parseSoql(soql), {
        version: versionOf(c),
        includeDeleted,
        now: state.now(),
      })
      if (result.records.length === 0) return sfJson(c, { totalSize: result.totalSize, done: true, records: [] })
      const cursorId = state.openCursor({
        records: result.records,
        totalSize: result.totalSize,
        batchSize: batchSizeOf(c),
      })
      return page(c, cursorId, 0)
    })
    app.get(`${path}/:locator`, (c) => {
      const m = /^(01g\w+)-(\d+)$/.exec(c.req.param('locator'))
      if (!m) throw invalidLocator()
      return page(c, m[1] as string, Number(m[2]))
    })
  }
}
