import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { Runtime } from '../../engine/runtime.ts'
import { type AuthEnv, roleGuard } from '../auth.ts'
import { errorResponses, json } from './schemas.ts'

const list = createRoute({
  method: 'get',
  path: '/connections',
  summary: 'Connections: circuit state, limits, API usage as the system last reported it',
  responses: {
    200: json(
      z.object({
        connections: z.array(
          z.object({
            name: z.string(),
            sandbox: z.string().nullable().openapi({ description: 'URL of the local sandbox standing in for it' }),
            circuit: z.object({
              state: z.enum(['closed', 'open']),
              failures: z.number(),
              nextProbeAt: z.string().nullable(),
              lastError: z.string().nullable(),
            }),
            limits: z.object({ maxBatch: z.number(), maxConcurrent: z.number() }),
            usage: z.object({ used: z.number(), limit: z.number() }).nullable(),
          }),
        ),
      }),
      'The connections',
    ),
    ...errorResponses,
  },
})

export function connectionRoutes(api: OpenAPIHono<AuthEnv>, rt: Runtime): void {
  api.openapi({ ...list, ...roleGuard(rt, 'viewer') }, async (c) => {
    const circuits = new Map((await rt.store.circuits.all()).map((r) => [r.connection, r]))
    const connections = [...rt.connections].map(([name, conn]) => {
      const circuit = circuits.get(name)
      return {
        name,
        sandbox: rt.sandboxes.get(name)?.url ?? null,
        circuit: {
          state: circuit?.state ?? ('closed' as const),
          failures: circuit?.failures ?? 0,
          nextProbeAt: circuit?.next_probe_at ? new Date(circuit.next_probe_at).toISOString() : null,
          lastError: circuit?.last_error ?? null,
        },
        limits: { maxBatch: conn.limits.maxBatch, maxConcurrent: conn.limits.maxConcurrent },
        usage: conn.usage?.() ?? null,
      }
    })
    return c.json({ connections }, 200)
  })
}
