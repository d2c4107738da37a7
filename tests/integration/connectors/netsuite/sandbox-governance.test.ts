import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../../../src/connectors/netsuite/sandbox/server.ts'
import { call, example } from './signed-call.ts'

/** Governance and fault injection: the limits endpoint, faults set at start and through the admin API. */

interface Exchange {
  status: number
  body: Record<string, unknown>
}

describe('NetSuite sandbox governance and faults', () => {
  let sb: NetSuiteSandbox
  const admin = (method: string, path: string, body?: unknown, token = sb.credentials.adminToken) =>
    fetch(`${sb.url}/__sandbox${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })

  beforeAll(async () => {
    sb = await startNetSuiteSandbox({ faults: { failNext: [{ error: 429, count: 1, method: 'GET' }] } })
  })
  afterAll(async () => {
    await sb.close()
  })

  it('answers the first GET with the 429 set at start, in Oracle’s exact body', async () => {
    const reference = example<Exchange>('error-429-concurrency-limit.json')
    const refused = await call(sb, 'GET', '/record/v1/customer')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBeNull()
    expect(refused.body).toEqual(reference.body)
    expect((await call(sb, 'GET', '/record/v1/customer')).status).toBe(200)
  })

  it('reports the account concurrency limit in the accountLimit shape', async () => {
    const reference = example<Record<string, Record<string, unknown>>>('governance-limits.json')
    const reply = await call(sb, 'GET', '/system/v1/governanceLimits')
    expect(reply.status).toBe(200)
    expect(Object.keys(reply.body).sort()).toEqual(Object.keys(reference.accountLimit!).sort())
    expect(reply.body).toMatchObject({ accountConcurrencyLimit: 5, integrationLimitType: 'accountLimit' })
  })

  it('keeps its admin API closed without the admin token', async () => {
    expect((await admin('GET', '/faults', undefined, 'wrong')).status).toBe(401)
    expect((await admin('PUT', '/faults', { errorRate: 2 })).status).toBe(400)
  })

  it('injects locked-record USER_ERRORs on writes only, and clears them with PUT {}', async () => {
    const reference = example<Exchange>('error-400-user-error-locked-by-workflow.json')
    const set = await admin('PUT', '/faults', { errorRate: 1, errors: ['locked'], concurrencyLimit: 7 })
    expect(await set.json()).toMatchObject({ errorRate: 1, errors: ['locked'], concurrencyLimit: 7 })
    const write = await call(sb, 'POST', '/record/v1/customer', { body: { companyName: 'X', subsidiary: { id: '1' } } })
    expect(write.status).toBe(400)
    expect(write.body['o:errorDetails']).toEqual(reference.body['o:errorDetails'])
    expect((await call(sb, 'GET', '/record/v1/customer')).status).toBe(200)
    expect((await call(sb, 'GET', '/system/v1/governanceLimits')).body.accountConcurrencyLimit).toBe(7)

    await admin('PUT', '/faults', {})
    const after = await call(sb, 'POST', '/record/v1/customer', { body: { companyName: 'X', subsidiary: { id: '1' } } })
    expect(after.status).toBe(204)
    expect(await (await admin('GET', '/faults')).json()).toMatchObject({
      errorRate: 0,
      failNext: [],
      concurrencyLimit: 5,
    })
  })

  it('answers queued one-off faults: a gateway 503 with an empty body, then a 500 UNEXPECTED_ERROR', async () => {
    await admin('PUT', '/faults', {
      failNext: [
        { error: 503, count: 1, path: '/record/v1/term' },
        { error: 500, count: 1, path: '/record/v1/term' },
      ],
    })
    const gateway = await call(sb, 'GET', '/record/v1/term')
    expect([gateway.status, gateway.body]).toEqual([503, null])
    const unexpected = await call(sb, 'GET', '/record/v1/term')
    expect(unexpected.status).toBe(500)
    expect(unexpected.body['o:errorDetails'][0]).toMatchObject({ 'o:errorCode': 'UNEXPECTED_ERROR' })
    expect((await call(sb, 'GET', '/record/v1/term')).status).toBe(200)
  })
})
