import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiToken, type Role, roles } from '../../../src/engine/api-tokens.ts'
import { createApp } from '../../../src/http/app.ts'
import { createLogger } from '../../../src/lib/logger.ts'
import { type RuntimeFixture, startRuntimeFixture } from '../../helpers/runtime-fixture.ts'

/**
 * Every admin API route, found from the running app and its OpenAPI document (never a list kept by hand),
 * is held to the role it declares: 401 without a token or with an unknown one, 403 for the role just below,
 * and past the check with the declared role. The declarations themselves follow the policy: reads need a
 * viewer, actions an operator, tokens and the audit log an admin.
 */

const httpMethods = ['get', 'put', 'post', 'delete', 'patch'] as const

interface Operation {
  method: string
  /** Hono syntax, `/api/v1/flows/:flow/pause`. */
  path: string
  role: Role | undefined
  security: unknown
  hasBody: boolean
}

interface OpenApiOperation {
  security?: Record<string, string[]>[]
  requestBody?: unknown
}

/** Stand-ins for path parameters that name nothing, so an action that gets past the role check does nothing. */
const placeholder = (name: string) => (name === 'id' ? '987654321' : `no-such-${name}`)

describe('every /api/v1 route checks its role', () => {
  let fx: RuntimeFixture
  let app: ReturnType<typeof createApp>
  let operations: Operation[]
  const tokens = {} as Record<Role, string>

  beforeAll(async () => {
    fx = await startRuntimeFixture({ flows: ['customers'] })
    app = createApp(fx.rt, createLogger('silent'))
    for (const role of roles) tokens[role] = (await createApiToken(fx.rt.store, `route-auth-${role}`, role)).token
    const doc = (await (await app.request('/api/openapi.json')).json()) as {
      servers: { url: string }[]
      paths: Record<string, Partial<Record<(typeof httpMethods)[number], OpenApiOperation>>>
    }
    const base = doc.servers[0]!.url
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      httpMethods.flatMap((method) => {
        const op = ops[method]
        if (!op) return []
        const declared = op.security?.length === 1 ? op.security[0]?.bearer : undefined
        const role = declared?.length === 1 ? roles.find((r) => r === declared[0]) : undefined
        return [
          {
            method: method.toUpperCase(),
            path: `${base}${path.replaceAll(/\{(\w+)\}/g, ':$1')}`,
            role,
            security: op.security,
            hasBody: op.requestBody !== undefined,
          },
        ]
      }),
    )
  })
  afterAll(async () => {
    await fx?.close()
  })

  const call = (op: Operation, token?: string) => {
    const url = op.path.replaceAll(/:(\w+)/g, (_, name: string) => placeholder(name))
    return app.request(url, {
      method: op.method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(op.hasBody ? { 'content-type': 'application/json' } : {}),
      },
      ...(op.hasBody ? { body: '{}' } : {}),
    })
  }

  it('documents every route the app serves under /api/v1, and serves every documented one', () => {
    const served = new Set(
      app.routes
        .filter((r) => r.path.startsWith('/api/v1/') && !r.path.endsWith('*'))
        .map((r) => `${r.method} ${r.path}`),
    )
    const documented = new Set(operations.map((op) => `${op.method} ${op.path}`))
    expect([...served].sort()).toEqual([...documented].sort())
    // The enumeration is not vacuous: flows, dead letters, reconciliation, records, connections, tokens.
    expect(documented.size).toBeGreaterThanOrEqual(15)
  })

  it('declares exactly one role per route, and the role follows the policy', () => {
    for (const op of operations) {
      const where = `${op.method} ${op.path}`
      expect(op.role, `${where} declares security ${JSON.stringify(op.security)}`).toBeDefined()
      const needed: Role = /^\/api\/v1\/(tokens|audit)\b/.test(op.path)
        ? 'admin'
        : op.method === 'GET'
          ? 'viewer'
          : 'operator'
      expect(op.role, where).toBe(needed)
    }
  })

  it('answers 401 with a Bearer challenge to a request without a token or with an unknown one', async () => {
    for (const op of operations) {
      for (const token of [undefined, 'tdm_unknown-token-of-nobody', 'not-even-a-token']) {
        const res = await call(op, token)
        expect(res.status, `${op.method} ${op.path} with ${token ?? 'no token'}`).toBe(401)
        expect(res.headers.get('www-authenticate')).toBe('Bearer realm="tandem"')
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED')
      }
    }
  })

  it('answers 403 to every role below the declared one, and lets the declared role past the check', async () => {
    let refusals = 0
    for (const op of operations) {
      const rank = roles.indexOf(op.role!)
      for (const lower of roles.slice(0, rank)) {
        const res = await call(op, tokens[lower])
        expect(res.status, `${op.method} ${op.path} as ${lower}`).toBe(403)
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN')
        refusals++
      }
      const allowed = await call(op, tokens[op.role!])
      expect([401, 403], `${op.method} ${op.path} as ${op.role}: ${allowed.status}`).not.toContain(allowed.status)
      await allowed.body?.cancel()
    }
    expect(refusals).toBeGreaterThan(0)
  })
})
