import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { discardDeadLetters, replayDeadLetters } from '../../engine/dead-letters.ts'
import type { Runtime } from '../../engine/runtime.ts'
import type { DeadLetter } from '../../store/repos/dead-letter-repo.ts'
import { type AuthEnv, audit, roleGuard } from '../auth.ts'
import { errorResponse } from '../error-envelope.ts'
import { errorResponses, idParam, json } from './schemas.ts'

const instant = z.iso.datetime({ offset: true })

const filterSchema = z.object({
  flow: z.string().min(1).optional(),
  code: z.string().min(1).optional().openapi({ description: 'The error code, e.g. NS_USER_ERROR' }),
  since: instant.optional().openapi({ description: 'Last failed at or after' }),
  until: instant.optional().openapi({ description: 'Last failed before' }),
})

const deadLetterSchema = z
  .object({
    id: z.number(),
    flow: z.string(),
    sourceId: z.string(),
    state: z.enum(['open', 'resolved', 'discarded']),
    error: z.object({ kind: z.string(), code: z.string(), message: z.string(), remote: z.unknown() }),
    payload: z.unknown().openapi({ description: 'What the failing sync sent, or null if it failed before mapping' }),
    failures: z.number().openapi({ description: 'Failures of this record collapsed into this entry' }),
    firstFailedAt: z.string(),
    lastFailedAt: z.string(),
    replayedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
  })
  .openapi('DeadLetter')

function view(d: DeadLetter) {
  return {
    id: d.id,
    flow: d.flow,
    sourceId: d.source_id,
    state: d.state,
    error: {
      kind: d.error_kind,
      code: d.error_code,
      message: d.error_message,
      remote: d.remote ? JSON.parse(d.remote) : null,
    },
    payload: d.payload ? JSON.parse(d.payload) : null,
    failures: d.failures,
    firstFailedAt: new Date(d.first_failed_at).toISOString(),
    lastFailedAt: new Date(d.last_failed_at).toISOString(),
    replayedAt: d.replayed_at ? new Date(d.replayed_at).toISOString() : null,
    closedAt: d.closed_at ? new Date(d.closed_at).toISOString() : null,
  }
}

const toFilter = (f: z.infer<typeof filterSchema>) => ({
  ...(f.flow ? { flow: f.flow } : {}),
  ...(f.code ? { code: f.code } : {}),
  ...(f.since ? { since: Date.parse(f.since) } : {}),
  ...(f.until ? { until: Date.parse(f.until) } : {}),
})

const list = createRoute({
  method: 'get',
  path: '/dead-letters',
  summary: 'Records whose sync failed for good, with the remote error and the payload sent',
  request: {
    query: filterSchema.extend({
      state: z.enum(['open', 'resolved', 'discarded']).default('open'),
      limit: z.coerce.number().int().min(1).max(500).default(100),
      after: z.coerce.number().int().min(0).optional().openapi({ description: 'The `next` of the previous page' }),
    }),
  },
  responses: {
    200: json(
      z.object({ deadLetters: z.array(deadLetterSchema), next: z.number().nullable() }),
      'A page of dead letters',
    ),
    ...errorResponses,
  },
})

const one = createRoute({
  method: 'get',
  path: '/dead-letters/{id}',
  summary: 'One dead letter with the record’s attempt history',
  request: { params: idParam },
  responses: {
    200: json(
      z.object({
        deadLetter: deadLetterSchema,
        attempts: z.array(
          z.object({
            at: z.string(),
            attempt: z.number(),
            status: z.string(),
            error: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
            durationMs: z.number(),
          }),
        ),
      }),
      'The dead letter',
    ),
    ...errorResponses,
  },
})

const actionBody = z.union([
  z.object({ ids: z.array(z.number().int().positive()).min(1).max(10_000) }),
  z.object({ filter: filterSchema }),
])

const action = (name: 'replay' | 'discard', summary: string) =>
  createRoute({
    method: 'post',
    path: `/dead-letters/${name}`,
    summary,
    request: { body: { content: { 'application/json': { schema: actionBody } }, required: true } },
    responses: { 200: json(z.object({ count: z.number() }), 'How many dead letters it applied to'), ...errorResponses },
  })

export function deadLetterRoutes(api: OpenAPIHono<AuthEnv>, rt: Runtime): void {
  api.openapi({ ...list, ...roleGuard(rt, 'viewer') }, async (c) => {
    const { limit, after, state, ...filter } = c.req.valid('query')
    const rows = await rt.store.deadLetters.list(
      { ...toFilter(filter), state },
      { limit, ...(after !== undefined ? { afterId: after } : {}) },
    )
    return c.json({ deadLetters: rows.map(view), next: rows.length === limit ? rows.at(-1)!.id : null }, 200)
  })

  api.openapi({ ...one, ...roleGuard(rt, 'viewer') }, async (c) => {
    const row = await rt.store.deadLetters.get(c.req.valid('param').id)
    if (!row) return errorResponse(c, 404, 'NOT_FOUND', `no dead letter ${c.req.valid('param').id}`)
    const attempts = await rt.store.runs.forRecord(row.flow, row.source_id, 50)
    return c.json(
      {
        deadLetter: view(row),
        attempts: attempts.map((r) => ({
          at: new Date(r.started_at).toISOString(),
          attempt: r.attempt,
          status: r.status,
          error: r.error_code ? { code: r.error_code, message: r.error_message } : null,
          durationMs: r.duration_ms,
        })),
      },
      200,
    )
  })

  api.openapi(
    {
      ...action('replay', 'Sync the records again, re-read from the source'),
      ...roleGuard(rt, 'operator'),
    },
    async (c) => {
      const body = c.req.valid('json')
      const filter = 'ids' in body ? { ids: body.ids } : toFilter(body.filter)
      const count = await replayDeadLetters(rt.store, filter, rt.requestSync)
      await audit(c, rt, 'dead-letters.replay', null, { ...body, count })
      return c.json({ count }, 200)
    },
  )

  api.openapi(
    {
      ...action('discard', 'Drop dead letters; their history stays in the sync runs'),
      ...roleGuard(rt, 'operator'),
    },
    async (c) => {
      const body = c.req.valid('json')
      const count = await discardDeadLetters(rt.store, 'ids' in body ? { ids: body.ids } : toFilter(body.filter))
      await audit(c, rt, 'dead-letters.discard', null, { ...body, count })
      return c.json({ count }, 200)
    },
  )
}
