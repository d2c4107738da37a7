import type { Context, Hono } from 'hono'
import { z } from 'zod'
import { notFound, SfApiError } from '../api-error.ts'
import { type ColumnDelimiter, delimiters, writeCsv } from '../bulk/bulk-csv.ts'
import { jobInfo } from '../bulk/job-info.ts'
import type { QueryJob } from '../bulk/jobs.ts'
import { callContext } from '../call-context.ts'
import { readJson, sfJson, versionOf } from '../responses.ts'
import { evaluate } from '../soql/evaluate.ts'
import { parseSoql } from '../soql/parse.ts'
import type { SandboxState } from '../state.ts'

const delimiterNames = Object.keys(delimiters) as [ColumnDelimiter, ...ColumnDelimiter[]]

const createSchema = z.looseObject({
  operation: z.enum(['query', 'queryAll']),
  query: z.string().min(1),
  columnDelimiter: z.enum(delimiterNames).default('COMMA'),
  lineEnding: z.enum(['LF', 'CRLF']).default('LF'),
})

/** Results come in pages this big unless the client asks for fewer (`maxRecords`). */
const defaultPage = 100_000

/** A queried record flattened to its columns: `Owner.Name` for parent fields; null as an empty cell. */
function cellsOf(record: Record<string, unknown>, columns: readonly string[]): string[] {
  const flat = new Map<string, unknown>()
  const walk = (node: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'attributes') continue
      if (v && typeof v === 'object') walk(v as Record<string, unknown>, `${prefix}${k}.`)
      else flat.set(`${prefix}${k}`.toLowerCase(), v)
    }
  }
  walk(record, '')
  return columns.map((c) => {
    const v = flat.get(c.toLowerCase())
    return v === null || v === undefined ? '' : String(v)
  })
}

/**
 * Bulk API 2.0 query jobs under `/jobs/query`: create (UploadComplete), poll, read results in pages with
 * `Sforce-Locator` (the literal `null` on the last) and `Sforce-NumberOfRecords`, abort, delete. The
 * query is checked at creation, so bad SOQL answers MALFORMED_QUERY or INVALID_FIELD at once.
 */
export function bulkQueryRoutes(app: Hono, state: SandboxState): void {
  const { org, bulkJobs } = state
  const job = (c: Context): QueryJob => {
    const found = bulkJobs.get(c.req.param('id') ?? '', 'query')
    if (!found) throw notFound()
    return found as QueryJob
  }

  app.post('/jobs/query', async (c) => {
    const parsed = createSchema.safeParse(await readJson(c))
    if (!parsed.success) {
      throw new SfApiError(400, 'INVALIDJOB', `InvalidJob : ${parsed.error.issues[0]?.message ?? 'invalid job'}`)
    }
    const body = parsed.data
    const q = parseSoql(body.query)
    if (q.count || q.select.some((s) => s.kind === 'subquery')) {
      throw new SfApiError(400, 'API_ERROR', 'Aggregate queries and nested queries are not supported by Bulk API 2.0')
    }
    // Resolving names now refuses unknown objects and fields before a job exists.
    evaluate(org, body.query, { ...q, limit: 0 }, { version: versionOf(c), includeDeleted: false, now: state.now() })
    const now = state.now()
    state.bulkQueryJobs++
    const j = bulkJobs.add({
      kind: 'query',
      id: org.newId('750'),
      object: org.object(q.from.name).name,
      operation: body.operation,
      query: body.query,
      state: 'UploadComplete',
      apiVersion: versionOf(c),
      createdById: org.userId,
      createdDate: now,
      systemModstamp: now,
      columnDelimiter: body.columnDelimiter,
      lineEnding: body.lineEnding,
      client: callContext.getStore()?.client ?? null,
      processingMs: 0,
    }) as QueryJob
    bulkJobs.later(() => {
      if (j.state !== 'UploadComplete') return
      j.state = 'InProgress'
      bulkJobs.later(() => {
        if (j.state !== 'InProgress') return
        const started = Date.now()
        const result = evaluate(org, j.query, q, {
          version: j.apiVersion,
          includeDeleted: j.operation === 'queryAll',
          now: state.now(),
        })
        j.columns = q.select.flatMap((s) => (s.kind === 'field' ? [s.path.join('.')] : []))
        j.rows = result.records.map((r) => cellsOf(r, j.columns ?? []))
        j.state = 'JobComplete'
        j.processingMs = Date.now() - started
        j.systemModstamp = state.now()
      })
    })
    return sfJson(c, jobInfo(j, false))
  })

  app.get('/jobs/query/:id', (c) => sfJson(c, jobInfo(job(c), true)))

  app.patch('/jobs/query/:id', async (c) => {
    const j = job(c)
    const wanted = ((await readJson(c)) as { state?: unknown } | null)?.state
    if (wanted !== 'Aborted' || !['UploadComplete', 'InProgress'].includes(j.state)) {
      throw new SfApiError(
        400,
        'INVALIDJOB',
        `InvalidJob : cannot move job ${j.id} from ${j.state} to ${String(wanted)}`,
      )
    }
    j.state = 'Aborted'
    return sfJson(c, jobInfo(j, false))
  })

  app.delete('/jobs/query/:id', (c) => {
    bulkJobs.delete(job(c).id)
    return c.body(null, 204)
  })

  app.get('/jobs/query/:id/results', (c) => {
    const j = job(c)
    if (j.apiVersion !== versionOf(c)) {
      throw new SfApiError(409, 'API_VERSION_MISMATCH', `Job ${j.id} was created with API version ${j.apiVersion}`)
    }
    if (j.state !== 'JobComplete') throw new SfApiError(400, 'JOB_NOT_COMPLETE', `Job ${j.id} is not complete`)
    // The locator is opaque to clients; here it is the base64 of the next row offset (`MjAwMA` = 2000).
    const locator = c.req.query('locator')
    const offset = locator ? Number(Buffer.from(locator, 'base64url').toString('utf8')) : 0
    const rows = j.rows ?? []
    if (!Number.isInteger(offset) || offset < 0 || offset > rows.length) {
      throw new SfApiError(400, 'INVALID_LOCATOR', 'invalid locator')
    }
    const max = Number(c.req.query('maxRecords') ?? defaultPage)
    const size = Number.isInteger(max) && max > 0 ? max : defaultPage
    const page = rows.slice(offset, offset + size)
    const next = offset + size < rows.length ? Buffer.from(String(offset + size)).toString('base64url') : 'null'
    return c.body(writeCsv(j.columns ?? [], [], page, j.columnDelimiter, j.lineEnding), 200, {
      'Content-Type': 'text/csv',
      'Sforce-Locator': next,
      'Sforce-NumberOfRecords': String(page.length),
    })
  })
}
