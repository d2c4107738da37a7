import type { Context, Hono } from 'hono'
import { z } from 'zod'
import { notFound, SfApiError } from '../api-error.ts'
import { type ColumnDelimiter, delimiters, writeCsv } from '../bulk/bulk-csv.ts'
import { runIngest } from '../bulk/ingest.ts'
import { jobInfo } from '../bulk/job-info.ts'
import type { IngestJob } from '../bulk/jobs.ts'
import { callContext, newContext } from '../call-context.ts'
import { readJson, sfJson, versionOf } from '../responses.ts'
import type { SandboxState } from '../state.ts'

const delimiterNames = Object.keys(delimiters) as [ColumnDelimiter, ...ColumnDelimiter[]]

const createSchema = z.looseObject({
  object: z.string().min(1),
  operation: z.enum(['insert', 'update', 'upsert', 'delete', 'hardDelete']),
  externalIdFieldName: z.string().min(1).optional(),
  contentType: z.literal('CSV').default('CSV'),
  columnDelimiter: z.enum(delimiterNames).default('COMMA'),
  lineEnding: z.enum(['LF', 'CRLF']).default('LF'),
})

const invalidJob = (message: string) => new SfApiError(400, 'INVALIDJOB', message)

/**
 * Bulk API 2.0 ingest jobs under `/jobs/ingest` (Bulk API 2.0 guide): create (Open), upload the CSV once
 * (201), close (UploadComplete) or abort, poll, read the three result CSVs, delete. Rows are applied one
 * by one through the same validated path as REST writes, as `bulkapi` calls in change events.
 */
export function bulkIngestRoutes(app: Hono, state: SandboxState): void {
  const { org, bulkJobs } = state
  const job = (c: Context): IngestJob => {
    const found = bulkJobs.get(c.req.param('id') ?? '', 'ingest')
    if (!found) throw notFound()
    return found as IngestJob
  }

  app.post('/jobs/ingest', async (c) => {
    const parsed = createSchema.safeParse(await readJson(c))
    if (!parsed.success) throw invalidJob(`InvalidJob : ${parsed.error.issues[0]?.message ?? 'invalid job'}`)
    const body = parsed.data
    const o = org.findObject(body.object)
    if (!o) throw new SfApiError(400, 'INVALIDENTITY', `sObject type '${body.object}' is not supported.`)
    if (body.operation === 'upsert' && !body.externalIdFieldName) {
      throw invalidJob(`InvalidJob : External ID was blank for ${o.name}. An External ID must be specified for upsert.`)
    }
    const now = state.now()
    const created = bulkJobs.add({
      kind: 'ingest',
      id: org.newId('750'),
      object: o.name,
      operation: body.operation,
      ...(body.externalIdFieldName ? { externalIdFieldName: body.externalIdFieldName } : {}),
      state: 'Open',
      apiVersion: versionOf(c),
      createdById: org.userId,
      createdDate: now,
      systemModstamp: now,
      columnDelimiter: body.columnDelimiter,
      lineEnding: body.lineEnding,
      client: callContext.getStore()?.client ?? null,
      processingMs: 0,
    })
    return sfJson(c, jobInfo(created, false))
  })

  app.put('/jobs/ingest/:id/batches', async (c) => {
    const j = job(c)
    if (j.state !== 'Open' || j.csv !== undefined) throw invalidJob(`InvalidJob : Job ${j.id} is not open for upload`)
    j.csv = await c.req.text()
    return c.body(null, 201)
  })

  app.patch('/jobs/ingest/:id', async (c) => {
    const j = job(c)
    const wanted = ((await readJson(c)) as { state?: unknown } | null)?.state
    if (wanted === 'Aborted' && ['Open', 'UploadComplete', 'InProgress'].includes(j.state)) {
      j.state = 'Aborted'
    } else if (wanted === 'UploadComplete' && j.state === 'Open') {
      j.state = 'UploadComplete'
      bulkJobs.later(() => process(j))
    } else {
      throw invalidJob(`InvalidJob : cannot move job ${j.id} from ${j.state} to ${String(wanted)}`)
    }
    j.systemModstamp = state.now()
    return sfJson(c, jobInfo(j, false))
  })

  const process = (j: IngestJob) => {
    if (j.state !== 'UploadComplete') return
    j.state = 'InProgress'
    bulkJobs.later(() => {
      if (j.state !== 'InProgress') return
      const started = Date.now()
      try {
        callContext.run(newContext('bulkapi', j.apiVersion, j.client), () => {
          j.outcome = runIngest(org, j, j.csv ?? '', j.apiVersion)
        })
        j.state = 'JobComplete'
      } catch (err) {
        j.state = 'Failed'
        j.errorMessage = err instanceof SfApiError ? err.message : 'Internal error while processing the job'
      }
      j.processingMs = Date.now() - started
      j.systemModstamp = state.now()
    })
  }

  app.get('/jobs/ingest/:id', (c) => sfJson(c, jobInfo(job(c), true)))

  app.delete('/jobs/ingest/:id', (c) => {
    const j = job(c)
    if (j.state === 'InProgress') throw invalidJob(`InvalidJob : Job ${j.id} is in progress`)
    bulkJobs.delete(j.id)
    return c.body(null, 204)
  })

  const csv = (c: Context, text: string) => c.body(text, 200, { 'Content-Type': 'text/csv' })
  const finished = (c: Context) => {
    const j = job(c)
    if (!['JobComplete', 'Failed', 'Aborted'].includes(j.state)) {
      throw new SfApiError(400, 'JOB_NOT_COMPLETE', `Job ${j.id} is not complete`)
    }
    return j
  }
  const header = (j: IngestJob) => j.outcome?.header ?? []

  app.get('/jobs/ingest/:id/successfulResults', (c) => {
    const j = finished(c)
    const rows = (j.outcome?.successful ?? []).map((s) => [s.id, String(s.created), ...s.row])
    return csv(c, writeCsv(['sf__Id', 'sf__Created'], header(j), rows, j.columnDelimiter, j.lineEnding))
  })
  app.get('/jobs/ingest/:id/failedResults', (c) => {
    const j = finished(c)
    const rows = (j.outcome?.failed ?? []).map((f) => ['', f.error, ...f.row])
    return csv(c, writeCsv(['sf__Id', 'sf__Error'], header(j), rows, j.columnDelimiter, j.lineEnding))
  })
  app.get('/jobs/ingest/:id/unprocessedrecords', (c) => {
    const j = finished(c)
    // Only an aborted or failed job leaves rows behind: then every uploaded row is unprocessed.
    const first = (j.csv ?? '').split(/\r?\n/, 1)[0] ?? ''
    const rest = j.outcome ? '' : (j.csv ?? '').slice(first.length).replace(/^\r?\n/, '')
    return csv(c, `${j.outcome ? header(j).join(delimiters[j.columnDelimiter]) : first}\n${rest}`)
  })
}
