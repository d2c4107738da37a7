import { exportPKCS8, exportSPKI, generateKeyPair, SignJWT } from 'jose'
import { Connection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SalesforceSandbox, startSalesforceSandbox } from '../../../../src/connectors/salesforce/sandbox/server.ts'
import { example, jsforceLogin, keysOf, rawRest } from './sandbox-client.ts'

// JWT bearer logins, Composite, replication (updated/deleted), child subqueries and the fault admin
// endpoint, driven by jsforce and raw HTTP and compared with the reference payloads.
let sandbox: SalesforceSandbox
let conn: Connection
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']
let now = Date.parse('2026-11-22T09:00:00Z')

const rest = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  rawRest(sandbox, conn, method, path, body, headers)

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true })
  privateKey = pair.privateKey
  // A second, unrelated key stays registered too, as when a certificate is being rotated.
  const other = await generateKeyPair('RS256', { extractable: true })
  sandbox = await startSalesforceSandbox({
    jwtCertificates: [await exportSPKI(other.publicKey), await exportSPKI(pair.publicKey)],
    now: () => now,
  })
  conn = await jsforceLogin(sandbox)
})
afterAll(() => sandbox.close())

const assertion = (claims: { iss?: string; sub?: string; aud?: string; exp?: number }, key = privateKey) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(claims.iss ?? sandbox.credentials.clientId)
    .setSubject(claims.sub ?? sandbox.credentials.username)
    .setAudience(claims.aud ?? 'https://login.salesforce.com')
    .setExpirationTime(claims.exp ?? Math.floor(now / 1000) + 180)
    .sign(key)

describe('Salesforce sandbox JWT bearer grant', () => {
  it('logs jsforce in with a signed assertion, answering the documented field set', async () => {
    const c = new Connection({ oauth2: { loginUrl: sandbox.url, clientId: sandbox.credentials.clientId } })
    const info = await c.authorize({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: await assertion({ aud: sandbox.url }),
    })
    expect(info.id).toBe(sandbox.org.userId)
    expect((await c.query('SELECT COUNT() FROM Account')).totalSize).toBe(0)
    const raw = await fetch(`${sandbox.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: await assertion({}),
      }),
    })
    expect(keysOf((await raw.json()) as object)).toEqual(
      expect.arrayContaining(keysOf(example('oauth2-token-jwt-bearer.json').body)),
    )
  })

  it('refuses a wrong issuer, audience, user, key or expiry with the documented errors', async () => {
    const refusal = async (jwt: string) => {
      const res = await fetch(`${sandbox.url}/services/oauth2/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwt }),
      })
      expect(res.status).toBe(400)
      return res.json()
    }
    const documented = (description: string) =>
      (example('oauth2-token-errors.json') as { body: { error_description: string } }[]).find(
        (e) => e.body.error_description === description,
      )?.body
    expect(await refusal(await assertion({ aud: 'https://evil.example' }))).toEqual(documented('audience is invalid'))
    expect(await refusal(await assertion({ sub: 'nobody@tandem.example' }))).toEqual(
      documented("user hasn't approved this consumer"),
    )
    expect(await refusal(await assertion({ iss: '3MVG9unknown' }))).toEqual(documented('client identifier invalid'))
    const stranger = await generateKeyPair('RS256')
    expect(await refusal(await assertion({}, stranger.privateKey))).toEqual({
      error: 'invalid_grant',
      error_description: 'invalid assertion',
    })
    expect(await refusal(await assertion({ exp: Math.floor(now / 1000) - 600 }))).toMatchObject({
      error: 'invalid_grant',
    })
    expect(await refusal(await assertion({ exp: Math.floor(now / 1000) + 3_600 }))).toMatchObject({
      error: 'invalid_grant',
    })
    expect(await refusal('not.a.jwt')).toMatchObject({ error: 'invalid_grant' })
    // The key exported for the connector's own config is accepted as PKCS#8 PEM.
    expect(await exportPKCS8(privateKey)).toMatch(/^-----BEGIN PRIVATE KEY-----/)
  })
})

describe('Salesforce sandbox Composite', () => {
  it('runs subrequests in order with references between them, as one API call', async () => {
    const documented = example('composite.json')
    const request = JSON.parse(JSON.stringify(documented.request.body).replaceAll('ERP_Id__c', 'ERP_Customer_Id__c'))
    const usage = sandbox.apiUsage()
    const res = await rest('POST', '/composite', request)
    expect(res.status).toBe(200)
    expect(sandbox.apiUsage() - usage).toBe(1)
    const results = res.json.compositeResponse
    expect(results.map((r: { httpStatusCode: number }) => r.httpStatusCode)).toEqual([201, 200, 201])
    expect(keysOf(results[2])).toEqual(keysOf(documented.responses.success.body.compositeResponse[2]))
    expect(results[2].httpHeaders.Location).toBe(`/services/data/v62.0/sobjects/Contact/${results[2].body.id}`)
    const contact = sandbox.org.find('Contact', results[2].body.id)
    expect(contact?.AccountId).toBe(results[0].body.id)
  })

  it('rolls everything back with allOrNone and answers PROCESSING_HALTED for the others', async () => {
    const documented = example('composite.json').responses.allOrNone_failure.body
    const before = sandbox.org.count('Account')
    const res = await rest('POST', '/composite', {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: '/services/data/v62.0/sobjects/Account', referenceId: 'acct', body: { Name: 'Gone' } },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Contact',
          referenceId: 'contact',
          body: { AccountId: '@{acct.id}' },
        },
        { method: 'GET', url: '/services/data/v62.0/sobjects/Account/@{acct.id}', referenceId: 'never' },
      ],
    })
    expect(res.json.compositeResponse[0]).toEqual(documented.compositeResponse[0])
    expect(res.json.compositeResponse[1]).toEqual({ ...documented.compositeResponse[2], referenceId: 'contact' })
    expect(res.json.compositeResponse[2]).toMatchObject({ httpStatusCode: 400, referenceId: 'never' })
    expect(sandbox.org.count('Account')).toBe(before)
  })
})

describe('Salesforce sandbox replication and child subqueries', () => {
  it('lists updated and deleted ids in whole minutes, in the documented shapes', async () => {
    const documented = example('sobject-updated-deleted.json')
    const start = new Date(now).toISOString()
    const kept = sandbox.org.create('Account', { Name: 'Kept' })
    const gone = sandbox.org.create('Account', { Name: 'Gone soon' })
    sandbox.org.delete('Account', gone)
    now += 5 * 60_000
    const end = new Date(now).toISOString()
    const updated = await rest(
      'GET',
      `/sobjects/Account/updated/?start=${encodeURIComponent(start)}&end=${encodeURIComponent(end)}`,
    )
    expect(keysOf(updated.json)).toEqual(keysOf(documented.updated.body))
    expect(updated.json.ids).toContain(kept)
    expect(updated.json.ids).not.toContain(gone)
    expect(updated.json.latestDateCovered).toBe(new Date(now).toISOString().replace('Z', '+0000'))
    const deleted = await conn.sobject('Account').deleted(start, end)
    expect(keysOf(deleted)).toEqual(keysOf(documented.deleted.body))
    expect(deleted.deletedRecords.map((d) => d.id)).toEqual([gone])
    const bad = await rest(
      'GET',
      `/sobjects/Account/deleted/?start=${encodeURIComponent(end)}&end=${encodeURIComponent(start)}`,
    )
    expect([bad.status, bad.json[0].errorCode]).toEqual([400, 'INVALID_REPLICATION_DATE'])
  })

  it('answers a child subquery with nested results, or null, like the reference', async () => {
    const documented = example('query-relationships.json').body.records
    const account = sandbox.org.create('Account', { Name: 'Có liên hệ' })
    sandbox.org.create('Contact', { LastName: 'Phạm', AccountId: account })
    sandbox.org.create('Contact', { LastName: 'Lý', AccountId: account })
    const empty = sandbox.org.create('Account', { Name: 'Không liên hệ' })
    type Child = { totalSize: number; done: boolean; records: { LastName: string }[] }
    const res = await conn.query<{ Contacts: Child | null; Parent: unknown }>(
      `SELECT Id, Name, Owner.Name, Parent.Name, (SELECT Id, LastName FROM Contacts ORDER BY LastName) FROM Account WHERE Id IN ('${account}', '${empty}') ORDER BY Name`,
    )
    const [withContacts, without] = res.records
    expect(keysOf(withContacts!)).toEqual(keysOf(documented[0]))
    const contacts = withContacts!.Contacts!
    expect(keysOf(contacts)).toEqual(keysOf(documented[0].Contacts))
    expect(contacts.records.map((r) => r.LastName)).toEqual(['Lý', 'Phạm'])
    expect(keysOf(contacts.records[0]!)).toEqual(keysOf(documented[0].Contacts.records[0]))
    expect(without!.Contacts).toBeNull()
    expect(without!.Parent).toBeNull()
    const deleted = await conn.query("SELECT Id FROM Account WHERE Name = 'Gone soon'", { scanAll: true })
    expect(deleted.totalSize).toBe(1)
  })

  it('describes child relationships and the default objects', async () => {
    const d = await conn.sobject('Opportunity').describe()
    expect(d.childRelationships).toContainEqual(
      expect.objectContaining({
        childSObject: 'OpportunityLineItem',
        field: 'OpportunityId',
        relationshipName: 'OpportunityLineItems',
      }),
    )
    const global = await conn.describeGlobal()
    expect(global.sobjects.map((o) => o.name)).toEqual(
      expect.arrayContaining([
        'Account',
        'Contact',
        'Opportunity',
        'OpportunityLineItem',
        'Product2',
        'Pricebook2',
        'PricebookEntry',
        'Order',
        'OrderItem',
        'User',
        'Invoice__c',
      ]),
    )
    const limits = await conn.limits()
    expect(limits.DailyApiRequests?.Max).toBe(100_000)
    expect(keysOf(limits)).toEqual(expect.arrayContaining(keysOf(example('limits-and-headers.json').limits.body)))
  })
})

describe('Salesforce sandbox fault injection', () => {
  it('injects latency, errors and a concurrency ceiling set through the admin endpoint', async () => {
    const admin = (settings: object) =>
      fetch(`${sandbox.url}/__sandbox/faults`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(settings),
      })
    expect((await fetch(`${sandbox.url}/__sandbox/faults`)).status).toBe(401)
    expect((await admin({ errorRate: 3 })).status).toBe(400)
    expect((await admin({ failNext: [{ error: 'UNABLE_TO_LOCK_ROW', method: 'PATCH' }] })).status).toBe(200)
    const account = sandbox.org.create('Account', { Name: 'Locked' })
    await expect(conn.sobject('Account').update({ Id: account, Phone: '1' })).rejects.toMatchObject({
      errorCode: 'UNABLE_TO_LOCK_ROW',
    })
    await conn.sobject('Account').update({ Id: account, Phone: '2' })
    await admin({ latencyMs: 50, maxConcurrent: 2 })
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => rest('GET', `/sobjects/Account/${account}`)),
    )
    const statuses = results.map((r) => (r.status === 'fulfilled' ? r.value.status : 0)).sort()
    expect(statuses).toEqual([200, 200, 403, 403, 403])
    await admin({ errorRate: 1, errors: ['SERVER_UNAVAILABLE'] })
    const down = await rest('GET', `/sobjects/Account/${account}`)
    expect([down.status, down.json]).toEqual([
      503,
      example('errors-rest-catalog.json').find((e: { errorCode: string }) => e.errorCode === 'SERVER_UNAVAILABLE').body,
    ])
    await admin({})
    expect((await rest('GET', `/sobjects/Account/${account}`)).status).toBe(200)
  })
})
