import { Connection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SalesforceSandbox, startSalesforceSandbox } from '../../../../src/connectors/salesforce/sandbox/server.ts'
import { example, jsforceLogin, jsonType, keysOf, oauth2Of, rawRest } from './sandbox-client.ts'

// The sandbox's OAuth endpoints, identity URL, version discovery and API limits, driven by jsforce and
// compared with the reference payloads.
let sandbox: SalesforceSandbox
let conn: Connection

const oauth2 = () => oauth2Of(sandbox)
const login = (version?: string) => jsforceLogin(sandbox, version)
const rest = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  rawRest(sandbox, conn, method, path, body, headers)

beforeAll(async () => {
  sandbox = await startSalesforceSandbox({})
  conn = await login()
})
afterAll(() => sandbox.close())

describe('Salesforce sandbox OAuth, identity and limits', () => {
  it('logs in with the username-password flow, answering the documented token shape', async () => {
    const res = await fetch(`${sandbox.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: sandbox.credentials.clientId,
        client_secret: sandbox.credentials.clientSecret,
        username: sandbox.credentials.username,
        password: sandbox.credentials.password,
      }),
    })
    expect(res.headers.get('content-type')).toBe(jsonType)
    const body = (await res.json()) as Record<string, string>
    expect(keysOf(body)).toEqual(expect.arrayContaining(keysOf(example('oauth2-token-password.json').body)))
    expect(body.id).toBe(`${sandbox.url}/id/${conn.userInfo?.organizationId}/${conn.userInfo?.id}`)
    expect(body.instance_url).toBe(sandbox.url)
    expect(body.issued_at).toMatch(/^\d{13}$/)
    expect(conn.userInfo?.organizationId).toMatch(/^00D/)
    expect(conn.instanceUrl).toBe(sandbox.url)
  })

  it('refuses bad clients, credentials and grants with the documented error bodies', async () => {
    const documented = example('oauth2-token-errors.json') as { body: { error: string; error_description: string } }[]
    const expectRefusal = async (form: Record<string, string>, description: string) => {
      const res = await fetch(`${sandbox.url}/services/oauth2/token`, {
        method: 'POST',
        body: new URLSearchParams(form),
      })
      expect(res.status).toBe(400)
      expect(res.headers.get('content-type')).toBe(jsonType)
      expect(await res.json()).toEqual(documented.find((d) => d.body.error_description === description)?.body)
    }
    const { clientId, clientSecret, username } = sandbox.credentials
    await expectRefusal(
      { grant_type: 'password', client_id: clientId, client_secret: clientSecret, username, password: 'wrong' },
      'authentication failure',
    )
    await expectRefusal(
      { grant_type: 'client_credentials', client_id: 'nope', client_secret: clientSecret },
      'client identifier invalid',
    )
    await expectRefusal(
      { grant_type: 'client_credentials', client_id: clientId, client_secret: 'nope' },
      'invalid client credentials',
    )
    await expectRefusal(
      { grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret },
      'grant type not supported',
    )
    const c = new Connection({ oauth2: oauth2() })
    await expect(c.login(username, 'wrong')).rejects.toThrow(/authentication failure/)
  })

  it('answers the identity URL and revokes tokens', async () => {
    const c = await login()
    const identity = await c.identity()
    expect(identity).toMatchObject({
      user_id: c.userInfo?.id,
      organization_id: c.userInfo?.organizationId,
      username: sandbox.credentials.username,
    })
    const token = c.accessToken
    await c.logout()
    const res = await fetch(`${sandbox.url}/services/data/v62.0/sobjects`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(res.status).toBe(401)
  })

  it('answers 401 INVALID_SESSION_ID in the documented shape', async () => {
    const res = await fetch(`${sandbox.url}/services/data/v62.0/sobjects/Account`, {
      headers: { authorization: 'Bearer nope' },
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toBe(jsonType)
    expect(await res.json()).toEqual(example('error-401-invalid-session.json').body)
  })

  it('lists API versions without a limits header, and serves the resource map', async () => {
    const res = await fetch(`${sandbox.url}/services/data`)
    expect(res.headers.get('content-type')).toBe(jsonType)
    expect(res.headers.get('sforce-limit-info')).toBeNull()
    const versions = (await res.json()) as { label: string; version: string }[]
    for (const v of example('services-data-versions.json').body) expect(versions).toContainEqual(v)
    const map = await rest('GET', '/')
    expect(map.json.identity).toBe(`${sandbox.url}/id/${conn.userInfo?.organizationId}/${conn.userInfo?.id}`)
    expect(map.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/100000$/)
  })

  it('refuses calls with 403 REQUEST_LIMIT_EXCEEDED once the daily allocation is spent', async () => {
    const small = await startSalesforceSandbox({ dailyApiRequests: 2 })
    try {
      const c = await jsforceLogin(small)
      await c.query('SELECT Id FROM Account')
      await c.query('SELECT Id FROM Account')
      await expect(c.query('SELECT Id FROM Account')).rejects.toMatchObject({
        errorCode: 'REQUEST_LIMIT_EXCEEDED',
        message: 'TotalRequests Limit exceeded.',
      })
      expect(small.apiUsage()).toBe(2)
    } finally {
      await small.close()
    }
  })
})
