import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { createApiToken, roles } from '../../engine/api-tokens.ts'
import type { Runtime } from '../../engine/runtime.ts'
import type { ApiToken } from '../../store/repos/token-repo.ts'
import { type AuthEnv, audit, roleGuard } from '../auth.ts'
import { errorResponse } from '../error-envelope.ts'
import { errorResponses, idParam, json } from './schemas.ts'

const roleSchema = z.enum(roles as ['viewer', 'operator', 'admin'])

const tokenSchema = z
  .object({
    id: z.number(),
    name: z.string(),
    role: roleSchema,
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('Token')

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
const view = (t: ApiToken) => ({
  id: t.id,
  name: t.name,
  role: t.role,
  createdAt: new Date(t.created_at).toISOString(),
  lastUsedAt: iso(t.last_used_at),
  revokedAt: iso(t.revoked_at),
})

const list = createRoute({
  method: 'get',
  path: '/tokens',
  summary: 'API tokens (never their secrets)',
  responses: { 200: json(z.object({ tokens: z.array(tokenSchema) }), 'The tokens'), ...errorResponses },
})

const create = createRoute({
  method: 'post',
  path: '/tokens',
  summary: 'Create a token; its secret is shown in this answer only',
  request: {
    body: {
      content: { 'application/json': { schema: z.object({ name: z.string().min(1).max(80), role: roleSchema }) } },
      required: true,
    },
  },
  responses: { 201: json(z.object({ token: z.string(), id: z.number() }), 'The new token'), ...errorResponses },
})

const revoke = createRoute({
  method: 'delete',
  path: '/tokens/{id}',
  summary: 'Revoke a token',
  request: { params: idParam },
  responses: { 200: json(z.object({ revoked: z.boolean() }), 'Whether it was live'), ...errorResponses },
})

const auditLog = createRoute({
  method: 'get',
  path: '/audit',
  summary: 'Who did what, when: every write action, newest first',
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(500).default(100),
      before: z.coerce.number().int().min(1).optional(),
    }),
  },
  responses: {
    200: json(
      z.object({
        entries: z.array(
          z.object({
            id: z.number(),
            at: z.string(),
            actor: z.string(),
            role: roleSchema,
            action: z.string(),
            target: z.string().nullable(),
            detail: z.unknown(),
          }),
        ),
      }),
      'The audit log',
    ),
    ...errorResponses,
  },
})

export function tokenRoutes(api: OpenAPIHono<AuthEnv>, rt: Runtime): void {
  api.openapi({ ...list, ...roleGuard(rt, 'admin') }, async (c) =>
    c.json({ tokens: (await rt.store.tokens.list()).map(view) }, 200),
  )

  api.openapi({ ...create, ...roleGuard(rt, 'admin') }, async (c) => {
    const { name, role } = c.req.valid('json')
    const created = await createApiToken(rt.store, name, role)
    await audit(c, rt, 'tokens.create', name, { role, id: created.id })
    return c.json(created, 201)
  })

  api.openapi({ ...revoke, ...roleGuard(rt, 'admin') }, async (c) => {
    const id = c.req.valid('param').id
    const revoked = await rt.store.tokens.revoke(id)
    if (!revoked && !(await rt.store.tokens.list()).some((t) => t.id === id)) {
      return errorResponse(c, 404, 'NOT_FOUND', `no token ${id}`)
    }
    await audit(c, rt, 'tokens.revoke', String(id))
    return c.json({ revoked }, 200)
  })

  api.openapi({ ...auditLog, ...roleGuard(rt, 'admin') }, async (c) => {
    const { limit, before } = c.req.valid('query')
    const rows = await rt.store.tokens.auditLog({ limit, ...(before !== undefined ? { beforeId: before } : {}) })
    return c.json(
      {
        entries: rows.map((e) => ({
          id: e.id,
          at: new Date(e.at).toISOString(),
          actor: e.actor,
          role: e.role,
          action: e.action,
          target: e.target,
          detail: e.detail ? JSON.parse(e.detail) : null,
        })),
      },
      200,
    )
  })
}
