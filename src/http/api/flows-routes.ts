import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { pausedBy } from '../../engine/flow-pauses.ts'
import { previewRecord } from '../../engine/preview.ts'
import type { Runtime } from '../../engine/runtime.ts'
import { isTandemError } from '../../errors.ts'
import { type AuthEnv, audit, roleGuard } from '../auth.ts'
import { errorResponse, statusOf } from '../error-envelope.ts'
import { errorResponses, flowParam, json } from './schemas.ts'

const circuitSchema = z.object({
  state: z.enum(['closed', 'open']),
  failures: z.number(),
  openedAt: z.string().nullable(),
  nextProbeAt: z.string().nullable(),
  lastError: z.string().nullable(),
})

const flowSchema = z
  .object({
    name: z.string(),
    status: z.enum(['running', 'paused']),
    pausedBy: z
      .enum(['operator', 'circuit'])
      .nullable()
      .openapi({ description: 'operator: paused through the API; circuit: a connection is down' }),
    source: z.object({ connection: z.string(), object: z.string(), when: z.string().optional() }),
    target: z.object({ connection: z.string(), object: z.string() }),
    triggers: z.object({ webhook: z.boolean(), pollEveryMs: z.number().nullable() }),
    counts: z.object({ synced: z.number(), pending: z.number(), failed: z.number(), deadLetters: z.number() }),
  })
  .openapi('Flow')

const listFlows = createRoute({
  method: 'get',
  path: '/flows',
  summary: 'Flows with their status, counts and the connections’ circuits; queue depth',
  responses: {
    200: json(
      z.object({
        flows: z.array(flowSchema),
        queue: z.object({ waiting: z.number(), delayed: z.number(), active: z.number(), failed: z.number() }),
        connections: z.record(z.string(), circuitSchema),
      }),
      'The flows',
    ),
    ...errorResponses,
  },
})

const previewBody = z.object({ sourceId: z.string().min(1).max(255).openapi({ example: '001000000000001AAA' }) })
const preview = createRoute({
  method: 'post',
  path: '/flows/{flow}/preview',
  summary: 'What syncing one record would write, and its diff against the target; writes nothing',
  request: { params: flowParam, body: { content: { 'application/json': { schema: previewBody } }, required: true } },
  responses: {
    200: json(
      z.object({
        flow: z.string(),
        sourceId: z.string(),
        action: z.enum(['create', 'update', 'none', 'skip', 'fail']),
        reason: z.string().optional(),
        payload: z.record(z.string(), z.unknown()).nullable(),
        warnings: z.array(z.object({ field: z.string(), message: z.string() })),
        target: z.object({ id: z.string().nullable(), record: z.record(z.string(), z.unknown()).nullable() }),
        diff: z.array(z.object({ field: z.string(), current: z.unknown(), next: z.unknown() })),
        error: z.object({ code: z.string(), message: z.string() }).optional(),
      }),
      'The preview',
    ),
    ...errorResponses,
  },
})

const pauseRoute = (action: 'pause' | 'resume') =>
  createRoute({
    method: 'post',
    path: `/flows/{flow}/${action}`,
    summary:
      action === 'pause'
        ? 'Pause a flow: changes are still taken in, nothing is written until it resumes'
        : 'Resume a paused flow: what waited is written',
    request: { params: flowParam },
    responses: {
      200: json(z.object({ flow: z.string(), paused: z.boolean() }), 'The flow’s new state'),
      ...errorResponses,
    },
  })

/** Flows: their state at a glance, pause and resume, and a dry run of one record's sync. */
export function flowsRoutes(api: OpenAPIHono<AuthEnv>, rt: Runtime): void {
  api.openapi({ ...listFlows, ...roleGuard(rt, 'viewer') }, async (c) => {
    const [synced, pending, failed, deadLetters, queue, circuitRows, paused] = await Promise.all([
      rt.store.xrefs.countByFlow(),
      rt.store.inbox.pendingCounts(),
      rt.store.runs.failedCounts(),
      rt.store.deadLetters.openCounts(),
      rt.queue.counts(),
      rt.store.circuits.all(),
      rt.store.flowSettings.paused(),
    ])
    const connections = Object.fromEntries(
      circuitRows.map((row) => [
        row.connection,
        {
          state: row.state,
          failures: row.failures,
          openedAt: row.opened_at ? new Date(row.opened_at).toISOString() : null,
          nextProbeAt: row.next_probe_at ? new Date(row.next_probe_at).toISOString() : null,
          lastError: row.last_error,
        },
      ]),
    )
    const open = new Set(circuitRows.filter((row) => row.state === 'open').map((row) => row.connection))
    const flows = [...rt.flows.values()].map((f) => {
      const why = pausedBy(f, paused, open)
      return {
        name: f.name,
        status: why ? ('paused' as const) : ('running' as const),
        pausedBy: why,
        source: f.config.source,
        target: { connection: f.config.target.connection, object: f.config.target.object },
        triggers: { webhook: f.config.triggers.webhook, pollEveryMs: f.config.triggers.poll?.every ?? null },
        counts: {
          synced: synced.get(f.name) ?? 0,
          pending: pending.get(f.name) ?? 0,
          failed: failed.get(f.name) ?? 0,
          deadLetters: deadLetters.get(f.name) ?? 0,
        },
      }
    })
    return c.json({ flows, queue, connections }, 200)
  })

  for (const action of ['pause', 'resume'] as const) {
    api.openapi({ ...pauseRoute(action), ...roleGuard(rt, 'operator') }, async (c) => {
      const name = c.req.valid('param').flow
      if (!rt.flows.has(name)) return errorResponse(c, 404, 'FLOW_UNKNOWN', `no flow named '${name}'`)
      await rt.store.flowSettings.setPaused(name, action === 'pause', c.get('actor').name)
      await audit(c, rt, `flows.${action}`, name)
      return c.json({ flow: name, paused: action === 'pause' }, 200)
    })
  }

  api.openapi({ ...preview, ...roleGuard(rt, 'operator') }, async (c) => {
    const flow = rt.flows.get(c.req.valid('param').flow)
    if (!flow) return errorResponse(c, 404, 'FLOW_UNKNOWN', `no flow named '${c.req.valid('param').flow}'`)
    try {
      return c.json(await previewRecord(rt.flows, flow, c.req.valid('json').sourceId, rt.store), 200)
    } catch (err) {
      // A remote failure while reading (the CRM is down): say so rather than a bare 500.
      if (!isTandemError(err)) throw err
      const status = statusOf(err)
      return status === 503
        ? errorResponse(c, 503, err.code, err.message)
        : errorResponse(c, 502, err.code, err.message)
    }
  })
}
