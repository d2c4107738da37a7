import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { stringify } from 'csv-stringify'
import { stream } from 'hono/streaming'
import { type Runtime, reconcileWorkDir } from '../../engine/runtime.ts'
import type { Logger } from '../../lib/logger.ts'
import { runReconcile } from '../../reconcile/run-reconcile.ts'
import type { ReconFinding, ReconRun } from '../../store/repos/recon-repo.ts'
import { type AuthEnv, audit, roleGuard } from '../auth.ts'
import { errorResponse } from '../error-envelope.ts'
import { errorResponses, flowParam, idParam, json } from './schemas.ts'

const runSchema = z
  .object({
    id: z.number(),
    flow: z.string(),
    mode: z.enum(['full', 'incremental']),
    state: z.enum(['running', 'done', 'failed']),
    repair: z.boolean(),
    since: z.string().nullable(),
    summary: z.record(z.string(), z.unknown()).openapi({ description: 'Counts by kind, records read, progress' }),
    error: z.string().nullable(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('Reconciliation')

const findingSchema = z
  .object({
    id: z.number(),
    kind: z.enum(['missing', 'orphaned', 'mismatched', 'failed']),
    sourceId: z.string().nullable(),
    targetId: z.string().nullable(),
    field: z.string().nullable(),
    expected: z.unknown(),
    actual: z.unknown(),
    detail: z.string().nullable(),
  })
  .openapi('Finding')

function runView(r: ReconRun) {
  return {
    id: r.id,
    flow: r.flow,
    mode: r.mode,
    state: r.state,
    repair: r.repair === 1,
    since: r.since ? new Date(r.since).toISOString() : null,
    summary: JSON.parse(r.summary) as Record<string, unknown>,
    error: r.error,
    startedAt: new Date(r.started_at).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
  }
}

const parse = (v: string | null): unknown => (v === null ? null : JSON.parse(v))
const findingView = (f: ReconFinding) => ({
  id: f.id,
  kind: f.kind,
  sourceId: f.source_id,
  targetId: f.target_id,
  field: f.field,
  expected: parse(f.expected),
  actual: parse(f.actual),
  detail: f.detail,
})

const start = createRoute({
  method: 'post',
  path: '/flows/{flow}/reconcile',
  summary: 'Start a reconciliation of the flow; it runs on, its progress at /reconciliations/{id}',
  request: {
    params: flowParam,
    body: {
      content: {
        'application/json': {
          schema: z.object({
            repair: z.boolean().default(false),
            since: z.union([z.iso.datetime({ offset: true }), z.literal('last')]).optional(),
          }),
        },
      },
    },
  },
  responses: { 202: json(z.object({ run: runSchema.nullable() }), 'The run, started'), ...errorResponses },
})

const list = createRoute({
  method: 'get',
  path: '/reconciliations',
  summary: 'Reconciliation runs, newest first',
  request: {
    query: z.object({ flow: z.string().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
  },
  responses: { 200: json(z.object({ runs: z.array(runSchema) }), 'The runs'), ...errorResponses },
})

const one = createRoute({
  method: 'get',
  path: '/reconciliations/{id}',
  summary: 'One run with its summary (live while it runs)',
  request: { params: idParam },
  responses: { 200: json(z.object({ run: runSchema }), 'The run'), ...errorResponses },
})

const findings = createRoute({
  method: 'get',
  path: '/reconciliations/{id}/findings',
  summary: 'A page of a run’s findings',
  request: {
    params: idParam,
    query: z.object({
      kind: z.enum(['missing', 'orphaned', 'mismatched', 'failed']).optional(),
      limit: z.coerce.number().int().min(1).max(1_000).default(100),
      after: z.coerce.number().int().min(0).optional(),
    }),
  },
  responses: {
    200: json(z.object({ findings: z.array(findingSchema), next: z.number().nullable() }), 'The findings'),
    ...errorResponses,
  },
})

const csv = createRoute({
  method: 'get',
  path: '/reconciliations/{id}/findings.csv',
  summary: 'All of a run’s findings as CSV, streamed',
  request: { params: idParam },
  responses: { 200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses },
})

export function reconciliationRoutes(api: OpenAPIHono<AuthEnv>, rt: Runtime, logger: Logger): void {
  api.openapi({ ...start, ...roleGuard(rt, 'operator') }, async (c) => {
    const flow = rt.flows.get(c.req.valid('param').flow)
    if (!flow) return errorResponse(c, 404, 'FLOW_UNKNOWN', `no flow named '${c.req.valid('param').flow}'`)
    const body = c.req.valid('json') ?? { repair: false }
    const since =
      body.since === undefined ? undefined : body.since === 'last' ? ('last' as const) : Date.parse(body.since)
    // The run goes on after the answer; its progress is readable at /api/v1/reconciliations/:id. Its log
    // lines carry the id of the request that started it (the log context follows the work it starts).
    const id = await new Promise<number>((started, failed) => {
      runReconcile({ flows: rt.flows, store: rt.store, logger, requestSync: rt.requestSync }, flow.name, {
        repair: body.repair,
        workDir: reconcileWorkDir(rt.env),
        ...(since !== undefined ? { since } : {}),
        onStart: started,
      }).catch((err) => {
        logger.error({ err, flow: flow.name }, 'reconciliation failed')
        failed(err)
      })
    })
    await audit(c, rt, 'flows.reconcile', flow.name, { ...body, runId: id })
    const run = await rt.store.recon.get(id)
    return c.json({ run: run ? runView(run) : null }, 202)
  })

  api.openapi({ ...list, ...roleGuard(rt, 'viewer') }, async (c) => {
    const { flow, limit } = c.req.valid('query')
    return c.json({ runs: (await rt.store.recon.runs(flow, limit)).map(runView) }, 200)
  })

  api.openapi({ ...one, ...roleGuard(rt, 'viewer') }, async (c) => {
    const run = await rt.store.recon.get(c.req.valid('param').id)
    if (!run) return errorResponse(c, 404, 'NOT_FOUND', `no reconciliation ${c.req.valid('param').id}`)
    return c.json({ run: runView(run) }, 200)
  })

  api.openapi({ ...findings, ...roleGuard(rt, 'viewer') }, async (c) => {
    const { kind, limit, after } = c.req.valid('query')
    const rows = await rt.store.recon.findings(c.req.valid('param').id, {
      limit,
      ...(kind ? { kind } : {}),
      ...(after !== undefined ? { afterId: after } : {}),
    })
    return c.json({ findings: rows.map(findingView), next: rows.length === limit ? rows.at(-1)!.id : null }, 200)
  })

  api.openapi({ ...csv, ...roleGuard(rt, 'viewer') }, async (c) => {
    const id = c.req.valid('param').id
    if (!(await rt.store.recon.get(id))) return errorResponse(c, 404, 'NOT_FOUND', `no reconciliation ${id}`)
    c.header('content-type', 'text/csv; charset=utf-8')
    c.header('content-disposition', `attachment; filename="reconciliation-${id}.csv"`)
    return stream(c, async (out) => {
      const writer = stringify({
        header: true,
        columns: ['kind', 'source_id', 'target_id', 'field', 'expected', 'actual', 'detail'],
      })
      writer.on('data', (chunk: Buffer) => void out.write(chunk))
      const ended = new Promise<void>((r) => writer.on('end', r))
      let afterId: number | undefined
      for (;;) {
        const rows = await rt.store.recon.findings(id, { limit: 1_000, ...(afterId !== undefined ? { afterId } : {}) })
        if (rows.length === 0) break
        for (const f of rows) writer.write(f)
        afterId = rows.at(-1)!.id
      }
      writer.end()
      await ended
    }) as never
  })
}
