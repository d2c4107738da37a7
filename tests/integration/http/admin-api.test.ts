import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiToken } from '../../../src/engine/api-tokens.ts'
import { createApp } from '../../../src/http/app.ts'
import { createLogger } from '../../../src/lib/logger.ts'
import { type RuntimeFixture, startRuntimeFixture } from '../../helpers/runtime-fixture.ts'

const bootstrap = 'integration-admin-token-0123456789abcdef'

describe('admin API', () => {
  let fx: RuntimeFixture
  let app: ReturnType<typeof createApp>
  const tokens: Record<'viewer' | 'operator' | 'admin', string> = { viewer: '', operator: '', admin: '' }
  const call = (path: string, token?: string, init: RequestInit = {}) =>
    app.request(path, {
      ...init,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
    })

  beforeAll(async () => {
    fx = await startRuntimeFixture({ flows: ['customers'], env: { TANDEM_ADMIN_TOKEN: bootstrap } })
    app = createApp(fx.rt, createLogger('silent'))
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      tokens[role] = (await createApiToken(fx.rt.store, `test-${role}`, role)).token
    }
  })
  afterAll(async () => {
    await fx?.close()
  })

  it('refuses a request without a valid token, with a Bearer challenge', async () => {
    for (const token of [undefined, 'tdm_not-a-real-token', 'something-else']) {
      const res = await call('/api/v1/flows', token)
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="tandem"')
      expect((await res.json()) as object).toMatchObject({ error: { code: 'UNAUTHORIZED' } })
    }
  })

  it('lets each role do what its rank allows, and no more', async () => {
    expect((await call('/api/v1/flows', tokens.viewer)).status).toBe(200)
    const replay = { method: 'POST', body: JSON.stringify({ ids: [999] }) }
    const refused = await call('/api/v1/dead-letters/replay', tokens.viewer, replay)
    expect(refused.status).toBe(403)
    expect(await refused.json()).toEqual({
      error: {
        code: 'FORBIDDEN',
        message: 'this needs the operator role; the token has viewer',
        requestId: refused.headers.get('x-request-id'),
      },
    })
    expect((await call('/api/v1/dead-letters/replay', tokens.operator, replay)).status).toBe(200)
    expect((await call('/api/v1/tokens', tokens.operator)).status).toBe(403)
    expect((await call('/api/v1/tokens', tokens.admin)).status).toBe(200)
    expect((await call('/api/v1/tokens', bootstrap)).status).toBe(200)
  })

  it('answers invalid input with the error envelope, naming the field', async () => {
    const res = await call('/api/v1/dead-letters?limit=0', tokens.viewer)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/^limit: /),
    })
  })

  it('creates and revokes tokens, never showing a stored secret, and audits every write', async () => {
    const created = await call('/api/v1/tokens', tokens.admin, {
      method: 'POST',
      body: JSON.stringify({ name: 'ci', role: 'viewer' }),
    })
    expect(created.status).toBe(201)
    const { token, id } = (await created.json()) as { token: string; id: number }
    expect((await call('/api/v1/flows', token)).status).toBe(200)
    const listed = await (await call('/api/v1/tokens', tokens.admin)).text()
    expect(listed).not.toContain(token)
    expect((await call(`/api/v1/tokens/${id}`, tokens.admin, { method: 'DELETE' })).status).toBe(200)
    expect((await call('/api/v1/flows', token)).status).toBe(401)

    const audit = (await (await call('/api/v1/audit', tokens.admin)).json()) as {
      entries: { actor: string; action: string }[]
    }
    expect(audit.entries.map((e) => [e.actor, e.action])).toEqual(
      expect.arrayContaining([
        ['token:test-admin', 'tokens.revoke'],
        ['token:test-admin', 'tokens.create'],
        ['token:test-operator', 'dead-letters.replay'],
      ]),
    )
    expect((await call('/api/v1/audit', tokens.operator)).status).toBe(403)
  })

  it('describes itself with OpenAPI and serves browsable docs without the internet', async () => {
    const doc = (await (await app.request('/api/openapi.json')).json()) as {
      paths: Record<string, unknown>
      components: { securitySchemes: object }
    }
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/flows',
        '/flows/{flow}/preview',
        '/dead-letters',
        '/dead-letters/replay',
        '/reconciliations/{id}/findings',
        '/tokens',
        '/audit',
      ]),
    )
    expect(doc.components.securitySchemes).toHaveProperty('bearer')
    const page = await (await app.request('/api/docs')).text()
    expect(page).toContain('/api/docs/swagger-ui-bundle.js')
    const bundle = await app.request('/api/docs/swagger-ui-bundle.js')
    expect(bundle.status).toBe(200)
    expect((await bundle.text()).length).toBeGreaterThan(100_000)
  })

  it('pauses and resumes a flow, shown in the flow list and audited', async () => {
    const pause = await call('/api/v1/flows/customers/pause', tokens.operator, { method: 'POST' })
    expect(await pause.json()).toEqual({ flow: 'customers', paused: true })
    type Flows = { flows: { name: string; status: string; pausedBy: string | null }[] }
    const paused = (await (await call('/api/v1/flows', tokens.viewer)).json()) as Flows
    expect(paused.flows[0]).toMatchObject({ name: 'customers', status: 'paused', pausedBy: 'operator' })
    await call('/api/v1/flows/customers/resume', tokens.operator, { method: 'POST' })
    const running = (await (await call('/api/v1/flows', tokens.viewer)).json()) as Flows
    expect(running.flows[0]).toMatchObject({ status: 'running', pausedBy: null })
    expect((await call('/api/v1/flows/nope/pause', tokens.operator, { method: 'POST' })).status).toBe(404)
    const audit = (await (await call('/api/v1/audit?limit=5', tokens.admin)).json()) as {
      entries: { action: string }[]
    }
    expect(audit.entries.slice(0, 2).map((e) => e.action)).toEqual(['flows.resume', 'flows.pause'])
  })

  it('lists the connections with their sandboxes, circuits and limits', async () => {
    const body = (await (await call('/api/v1/connections', tokens.viewer)).json()) as {
      connections: { name: string; sandbox: string | null; circuit: { state: string }; limits: { maxBatch: number } }[]
    }
    expect(body.connections.map((c) => [c.name, c.circuit.state])).toEqual([
      ['crm', 'closed'],
      ['erp', 'closed'],
    ])
  })

  it('finds a record by id in either system, with each run and what it changed', async () => {
    const store = fx.rt.store
    const base = {
      flow: 'customers',
      attempt: 1,
      duration_ms: 5,
      error_kind: null,
      error_code: null,
      error_message: null,
    }
    await store.runs.insert({
      ...base,
      source_id: '001T',
      target_id: '77',
      status: 'written',
      started_at: 1_000,
      payload: '{"companyName":"A","phone":"1"}',
    })
    await store.runs.insert({
      ...base,
      source_id: '001T',
      target_id: '77',
      status: 'written',
      started_at: 2_000,
      payload: '{"companyName":"B","phone":"1"}',
    })
    await store.xrefs.record('customers', '001T', '77', 'h')
    type Timeline = {
      flows: { flow: string; sourceId: string; targetId: string; runs: { changes: { field: string }[] }[] }[]
    }
    for (const id of ['001T', '77']) {
      const t = (await (await call(`/api/v1/records/${id}`, tokens.viewer)).json()) as Timeline
      expect(t.flows).toHaveLength(1)
      expect(t.flows[0]).toMatchObject({ flow: 'customers', sourceId: '001T', targetId: '77' })
      expect(t.flows[0]!.runs.map((r) => r.changes.map((ch) => ch.field))).toEqual([
        ['companyName'],
        ['companyName', 'phone'],
      ])
    }
  })
})
