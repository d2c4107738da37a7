import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { Runtime } from '../../engine/runtime.ts'
import { diffPayload } from '../../mapping/compare-values.ts'
import { type AuthEnv, roleGuard } from '../auth.ts'
import { errorResponses, json } from './schemas.ts'

const runSchema = z.object({
  at: z.string(),
  attempt: z.number(),
  status: z.string(),
  targetId: z.string().nullable(),
  durationMs: z.number(),
  error: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
  warnings: z.array(z.object({ field: z.string(), message: z.string() })),
  /** What this run wrote that the previous run with a payload did not. */
  changes: z.array(z.object({ field: z.string(), current: z.unknown(), next: z.unknown() })),
})

const timeline = createRoute({
  method: 'get',
  path: '/records/{id}',
  summary: 'A record by its id in either system: its links, and the timeline of sync runs with what each changed',
  request: {
    params: z.object({
      id: z
        .string()
        .min(1)
        .openapi({ param: { name: 'id', in: 'path' } }),
    }),
  },
  responses: {
    200: json(
      z.object({
        id: z.string(),
        flows: z.array(
          z.object({
            flow: z.string(),
            sourceId: z.string(),
            targetId: z.string().nullable(),
            deadLetter: z.object({ id: z.number(), code: z.string(), message: z.string() }).nullable(),
            runs: z.array(runSchema),
          }),
        ),
      }),
      'The record’s timeline, newest run first',
    ),
    ...errorResponses,
  },
})

const parse = <T>(v: string | null, fallback: T): T => (v === null ? fallback : (JSON.parse(v) as T))

export function recordRoutes(api: OpenAPIHono<AuthEnv>, rt: Runtime): void {
  api.openapi({ ...timeline, ...roleGuard(rt, 'viewer') }, async (c) => {
    const id = c.req.valid('param').id
    const links = await rt.store.xrefs.findByEitherId(id)
    const pairs = new Map<string, { flow: string; sourceId: string; targetId: string | null }>()
    for (const l of links)
      pairs.set(`${l.flow}\u0000${l.source_id}`, { flow: l.flow, sourceId: l.source_id, targetId: l.target_id })
    for (const flow of await rt.store.runs.flowsFor(id)) {
      if (!pairs.has(`${flow}\u0000${id}`)) pairs.set(`${flow}\u0000${id}`, { flow, sourceId: id, targetId: null })
    }
    const flows = []
    for (const p of pairs.values()) {
      const runs = await rt.store.runs.forRecord(p.flow, p.sourceId, 100)
      const found = await rt.store.deadLetters.forRecord(p.flow, p.sourceId)
      const letter = found?.state === 'open' ? found : undefined
      // Oldest first to diff each payload against the one before it, then newest first for reading.
      const ordered = [...runs].reverse()
      let previous: Record<string, unknown> | null = null
      const entries = ordered.map((r) => {
        const payload = parse<Record<string, unknown> | null>(r.payload, null)
        const changes = payload ? diffPayload(payload, previous) : []
        if (payload) previous = payload
        return {
          at: new Date(r.started_at).toISOString(),
          attempt: r.attempt,
          status: r.status,
          targetId: r.target_id,
          durationMs: r.duration_ms,
          error: r.error_code ? { code: r.error_code, message: r.error_message } : null,
          warnings: parse<{ field: string; message: string }[]>(r.warnings, []),
          changes,
        }
      })
      flows.push({
        ...p,
        deadLetter: letter ? { id: letter.id, code: letter.error_code, message: letter.error_message } : null,
        runs: entries.reverse(),
      })
    }
    return c.json({ id, flows }, 200)
  })
}
