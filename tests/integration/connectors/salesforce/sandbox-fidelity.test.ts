import { Connection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SalesforceSandbox, startSalesforceSandbox } from '../../../../src/connectors/salesforce/sandbox/server.ts'
import { example, jsforceLogin, jsonType, keysOf, oauth2Of, rawRest } from './sandbox-client.ts'

// The sandbox driven by jsforce itself and compared with the reference payloads: if jsforce is satisfied
// and the shapes match what Salesforce sends, integrators' own scripts will work against it too.
// OAuth errors, identity, API versions and limits are in sandbox-auth.test.ts.
let sandbox: SalesforceSandbox
let conn: Connection

const oauth2 = () => oauth2Of(sandbox)
const login = (version?: string) => jsforceLogin(sandbox, version)
const rest = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  rawRest(sandbox, conn, method, path, body, headers)

beforeAll(async () => {
  sandbox = await startSalesforceSandbox({ seed: true })
  conn = await login()
})
afterAll(() => sandbox.close())

describe('Salesforce sandbox sessions, driven by jsforce', () => {
  it('logs in with client credentials, answering the documented field set', async () => {
    const c = new Connection({ oauth2: oauth2() })
    const info = await c.authorize({ grant_type: 'client_credentials' })
    expect(info.id).toMatch(/^005/)
    const raw = await fetch(`${sandbox.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sandbox.credentials.clientId,
        client_secret: sandbox.credentials.clientSecret,
      }),
    })
    expect(keysOf((await raw.json()) as object)).toEqual(keysOf(example('oauth2-token-client-credentials.json').body))
  })

  it('refreshes the session through refreshFn after INVALID_SESSION_ID and replays the call', async () => {
    let refreshes = 0
    const c = new Connection({
      oauth2: oauth2(),
      refreshFn: (self, callback) => {
        refreshes++
        ;(self as Connection)
          .authorize({ grant_type: 'client_credentials' })
          .then(() => callback(null, self.accessToken ?? undefined))
          .catch((err: Error) => callback(err))
      },
    })
    await c.authorize({ grant_type: 'client_credentials' })
    const before = c.accessToken
    const logins = sandbox.state.logins
    sandbox.expireSessions()
    const res = await c.query('SELECT COUNT() FROM Account')
    expect(res.totalSize).toBeGreaterThan(0)
    expect(refreshes).toBe(1)
    expect(sandbox.state.logins).toBe(logins + 1)
    expect(c.accessToken).not.toBe(before)
    conn = await login()
  })
})

describe('Salesforce sandbox REST, driven by jsforce', () => {
  it('describes Account with types, lengths, external ids, picklists and references', async () => {
    const d = await conn.sobject('Account').describe()
    const field = (name: string) => d.fields.find((f) => f.name === name)
    expect(d.keyPrefix).toBe('001')
    expect(field('Name')).toMatchObject({
      type: 'string',
      length: 255,
      nillable: false,
      createable: true,
      idLookup: true,
    })
    expect(field('External_Key__c')).toMatchObject({ type: 'string', length: 64, externalId: true, unique: true })
    expect(field('ERP_Customer_Id__c')).toMatchObject({ externalId: true, unique: false })
    expect(field('CurrencyIsoCode')?.picklistValues?.map((p) => p.value)).toEqual(['VND', 'USD'])
    expect(field('OwnerId')).toMatchObject({ type: 'reference', referenceTo: ['User'], relationshipName: 'Owner' })
    expect(field('SystemModstamp')).toMatchObject({ type: 'datetime', createable: false, updateable: false })
    const global = await conn.describeGlobal()
    expect(global.sobjects.map((o) => o.name)).toEqual(expect.arrayContaining(['Account', 'User']))
  })

  it('replays the reference CRUD exchanges with the same statuses and bodies', async () => {
    const exchanges = example('sobject-crud-exchanges.json') as {
      _case: string
      request: { method: string; url: string; body?: unknown }
      status: number
      body: unknown
    }[]
    // The reference org's external-id field is ERP_Id__c; this org's is ERP_Customer_Id__c.
    const created: string[] = []
    const ids = (text: string) =>
      text
        .replace('0015g00000QwErTAAV', created[0] ?? 'x')
        .replace('0015g00000QwErUAAV', created[1] ?? 'x')
        .replaceAll('ERP_Id__c', 'ERP_Customer_Id__c')
    created.push((await conn.sobject('Account').create({ Name: 'Second' })).id as string)
    for (const exchange of exchanges) {
      const body =
        exchange.request.body === undefined ? undefined : JSON.parse(ids(JSON.stringify(exchange.request.body)))
      const res = await rest(exchange.request.method, ids(exchange.request.url), body)
      expect([exchange._case, res.status]).toEqual([exchange._case, exchange.status])
      expect(res.headers.get('sforce-limit-info')).toMatch(/^api-usage=/)
      if (exchange.body === null) {
        expect(res.text).toBe('')
      } else {
        expect(res.headers.get('content-type')).toBe(jsonType)
        if (exchange.status === 201) {
          expect(keysOf(res.json)).toEqual(keysOf(exchange.body as object))
          created.unshift(res.json.id)
        } else expect([exchange._case, res.json]).toEqual([exchange._case, exchange.body])
      }
    }
  })

  it('creates, retrieves, updates and deletes through jsforce, with Salesforce’s record shape', async () => {
    const created = await conn
      .sobject('Account')
      .create({ Name: 'Công ty TNHH Kiểm thử', BillingCity: 'Hà Nội', CurrencyIsoCode: 'VND' })
    expect(created).toMatchObject({ success: true, errors: [] })
    expect(created.id).toMatch(/^001[a-zA-Z0-9]{15}$/)
    const got = (await conn.sobject('Account').retrieve(created.id!)) as Record<string, unknown>
    expect(got).toMatchObject({ Name: 'Công ty TNHH Kiểm thử', BillingCity: 'Hà Nội', IsDeleted: false, Phone: null })
    expect(got.attributes).toEqual({ type: 'Account', url: `/services/data/v62.0/sobjects/Account/${created.id}` })
    expect(got.SystemModstamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/)
    const documented = keysOf(example('sobject-account-get.json').body)
    for (const key of [
      'attributes',
      'Id',
      'IsDeleted',
      'Name',
      'Type',
      'Phone',
      'OwnerId',
      'CreatedDate',
      'SystemModstamp',
    ]) {
      expect(documented).toContain(key)
      expect(got).toHaveProperty(key)
    }
    const narrow = await rest('GET', `/sobjects/Account/${created.id?.slice(0, 15)}?fields=Name,Phone`)
    expect(keysOf(narrow.json)).toEqual(['Name', 'Phone', 'attributes'])
    await conn.sobject('Account').update({ Id: created.id!, Phone: '+84 24 1234 5678' })
    const after = (await conn.sobject('Account').retrieve(created.id!)) as Record<string, unknown>
    expect(after.Phone).toBe('+84 24 1234 5678')
    expect(Date.parse(String(after.SystemModstamp).replace('+0000', 'Z'))).toBeGreaterThan(
      Date.parse(String(got.SystemModstamp).replace('+0000', 'Z')),
    )
    await conn.sobject('Account').destroy(created.id!)
    await expect(conn.sobject('Account').destroy(created.id!)).rejects.toMatchObject({ errorCode: 'ENTITY_IS_DELETED' })
  })

  it('answers validation failures with the documented codes', async () => {
    const account = conn.sobject('Account')
    await expect(account.create({ AccountNumber: 'X' })).rejects.toMatchObject({ errorCode: 'REQUIRED_FIELD_MISSING' })
    await expect(account.create({ Name: 'A', Foo__c: 1 })).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' })
    await expect(account.create({ Name: 'x'.repeat(256) })).rejects.toMatchObject({ errorCode: 'STRING_TOO_LONG' })
    await expect(account.create({ Name: 'A', CurrencyIsoCode: 'EUR' })).rejects.toMatchObject({
      errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    })
    await expect(account.create({ Name: 'A', OwnerId: '001000000000000AAA' })).rejects.toMatchObject({
      errorCode: 'FIELD_INTEGRITY_EXCEPTION',
    })
    await expect(account.create({ Name: 'A', OwnerId: 'bogus' })).rejects.toMatchObject({ errorCode: 'MALFORMED_ID' })
    await account.create({ Name: 'Unique', External_Key__c: 'U-1' })
    await expect(account.create({ Name: 'Unique 2', External_Key__c: 'u-1' })).rejects.toMatchObject({
      errorCode: 'DUPLICATE_VALUE',
    })
  })

  it('upserts by external id: 201 created, then 200 created:false, 204 before v46', async () => {
    const upserts = example('upsert-external-id.json') as { status: number; body: object | null }[]
    const first = await conn
      .sobject('Account')
      .upsert({ Name: 'Beta Retail', ERP_Customer_Id__c: 'C-200' }, 'ERP_Customer_Id__c')
    expect(first).toMatchObject({ success: true, created: true })
    expect(keysOf(first)).toEqual(keysOf(upserts[0]!.body!))
    const second = await conn
      .sobject('Account')
      .upsert({ Name: 'Beta Retail AG', ERP_Customer_Id__c: 'C-200' }, 'ERP_Customer_Id__c')
    expect(second).toMatchObject({ success: true, created: false, id: first.id })
    const raw = await rest('PATCH', '/sobjects/Account/ERP_Customer_Id__c/C-200', { Phone: '1' })
    expect([raw.status, keysOf(raw.json)]).toEqual([200, keysOf(upserts[1]!.body!)])
    const legacy = await rest('PATCH', '/services/data/v45.0/sobjects/Account/ERP_Customer_Id__c/C-200', { Phone: '2' })
    expect([legacy.status, legacy.text]).toEqual([204, ''])
    const old = await login('45.0')
    expect(
      await old.sobject('Account').upsert({ Phone: '3', ERP_Customer_Id__c: 'C-200' }, 'ERP_Customer_Id__c'),
    ).toEqual({ success: true, errors: [] })
  })

  it('takes the external-id value from the path as jsforce sends it, unencoded, diacritics and spaces included', async () => {
    const value = 'KH-Đà Nẵng 01'
    const first = await conn
      .sobject('Account')
      .upsert({ Name: 'Raw Path', ERP_Customer_Id__c: value }, 'ERP_Customer_Id__c')
    expect(first).toMatchObject({ created: true })
    expect((await conn.sobject('Account').retrieve(first.id!)) as Record<string, unknown>).toMatchObject({
      ERP_Customer_Id__c: value,
    })
    const again = await conn.sobject('Account').upsert({ Phone: '9', ERP_Customer_Id__c: value }, 'ERP_Customer_Id__c')
    expect(again).toMatchObject({ created: false, id: first.id })
  })

  it('answers 300 with the matching URLs, 404 for a field that is no external id, and inserts through /Id', async () => {
    const upserts = example('upsert-external-id.json') as { status: number; body: unknown; request: { url: string } }[]
    await conn.sobject('Account').create([
      { Name: 'Dup 1', ERP_Customer_Id__c: 'C-300' },
      { Name: 'Dup 2', ERP_Customer_Id__c: 'C-300' },
    ])
    const multiple = await rest('PATCH', '/sobjects/Account/ERP_Customer_Id__c/C-300', { Phone: '1' })
    expect(multiple.status).toBe(300)
    expect(multiple.json).toEqual([
      expect.stringMatching(/^\/services\/data\/v62\.0\/sobjects\/Account\/001\w{15}$/),
      expect.any(String),
    ])
    await expect(
      conn.sobject('Account').upsert({ Phone: '1', ERP_Customer_Id__c: 'C-300' }, 'ERP_Customer_Id__c'),
    ).rejects.toMatchObject({
      errorCode: 'MULTIPLE_CHOICES',
    })
    const unknown = await rest('PATCH', '/sobjects/Account/ERPId/C-200', { Phone: '1' })
    expect([unknown.status, unknown.json]).toEqual([404, upserts[4]!.body])
    const byId = await rest('POST', '/sobjects/Account/Id', { Name: 'Gamma Ltd' })
    expect([byId.status, keysOf(byId.json)]).toEqual([201, keysOf(upserts[5]!.body as object)])
  })

  it('upserts an array through sObject Collections with per-record results in order', async () => {
    const documented = example('collections-upsert.json').responses
    const results = await conn
      .sobject('Account')
      .upsert(
        [
          { Name: 'Coll A', ERP_Customer_Id__c: 'K-1' },
          { ERP_Customer_Id__c: 'K-2' },
          { Name: 'Coll C', ERP_Customer_Id__c: 'K-3' },
        ],
        'ERP_Customer_Id__c',
      )
    expect(results.map((r) => r.success)).toEqual([true, false, true])
    expect(keysOf(results[0]!)).toEqual(keysOf(documented.all_succeed.body[0]))
    expect(keysOf(results[1]!)).toEqual(keysOf(documented.one_fails_allOrNone_false.body[1]))
    expect(results[1]!.errors).toEqual([
      { statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Name]', fields: ['Name'] },
    ])
    const tooMany = await rest('PATCH', '/composite/sobjects/Account/ERP_Customer_Id__c', {
      records: Array.from({ length: 201 }, (_, i) => ({
        attributes: { type: 'Account' },
        Name: `X${i}`,
        ERP_Customer_Id__c: `X${i}`,
      })),
    })
    expect([tooMany.status, tooMany.json]).toEqual([400, documented.more_than_200_records.body])
    await conn.sobject('Account').create([
      { Name: 'Twin 1', ERP_Customer_Id__c: 'K-9' },
      { Name: 'Twin 2', ERP_Customer_Id__c: 'K-9' },
    ])
    const duplicates = await conn.sobject('Account').upsert(
      [
        { Name: 'Same', ERP_Customer_Id__c: 'K-5' },
        { Name: 'Same again', ERP_Customer_Id__c: 'k-5' },
        { Name: 'Matches twins', ERP_Customer_Id__c: 'K-9' },
      ],
      'ERP_Customer_Id__c',
    )
    // jsforce types the per-record code as `errorCode`; collections send `statusCode`.
    const codes = duplicates.map((r) => [r.success, (r.errors[0] as { statusCode?: string } | undefined)?.statusCode])
    expect(codes).toEqual([
      [false, 'DUPLICATE_EXTERNAL_ID'],
      [false, 'DUPLICATE_EXTERNAL_ID'],
      [false, 'DUPLICATE_EXTERNAL_ID'],
    ])
  })

  it('rolls back a collection with allOrNone, in the documented shape', async () => {
    const documented = example('collections-create.json').responses.one_fails_allOrNone_true.body
    const results = await conn
      .sobject('Account')
      .create([{ AccountNumber: 'no name' }, { Name: 'Kept?' }], { allOrNone: true })
    expect(results).toEqual([
      { success: false, errors: [expect.objectContaining({ statusCode: 'REQUIRED_FIELD_MISSING' })] },
      documented[1],
    ])
    expect((await conn.query("SELECT COUNT() FROM Account WHERE Name = 'Kept?'")).totalSize).toBe(0)
    const existing = (await conn.sobject('Account').create({ Name: 'Will not change' })).id!
    const updates = await conn.sobject('Account').update(
      [
        { Id: existing, Name: 'Changed' },
        { Id: existing, Name: '' },
      ],
      { allOrNone: true },
    )
    expect(updates[0]).toMatchObject({
      id: existing,
      success: false,
      errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK' }],
    })
    expect(((await conn.sobject('Account').retrieve(existing)) as Record<string, unknown>).Name).toBe('Will not change')
  })

  it('creates 2,500 records through collections with allowRecursive, then updates and deletes them the same way', async () => {
    const usage = sandbox.apiUsage()
    const batch = Array.from({ length: 2_500 }, (_, i) => ({
      Name: `Bulk ${String(i).padStart(4, '0')}`,
      Industry: 'Retail',
    }))
    const created = await conn.sobject('Account').create(batch, { allowRecursive: true })
    expect(created).toHaveLength(2_500)
    expect(created.every((r) => r.success)).toBe(true)
    // jsforce splits the array into sequential calls of 200, the collection limit: 13 API calls.
    expect(sandbox.apiUsage() - usage).toBe(13)
    const updated = await conn.sobject('Account').update(
      created.slice(0, 450).map((r) => ({ Id: r.id!, Phone: '+84 28 0' })),
      { allowRecursive: true },
    )
    expect(updated.every((r) => r.success)).toBe(true)
    const throwaway = await conn.sobject('Account').create(
      Array.from({ length: 250 }, (_, i) => ({ Name: `Throwaway ${i}` })),
      { allowRecursive: true },
    )
    const destroyed = await conn.sobject('Account').destroy(
      throwaway.map((r) => r.id!),
      { allowRecursive: true },
    )
    expect(destroyed.every((r) => r.success)).toBe(true)
    expect((await conn.query("SELECT COUNT() FROM Account WHERE Name LIKE 'Throwaway %'")).totalSize).toBe(0)
  })

  it('pages a query through nextRecordsUrl, honouring batchSize, and follows it with autoFetch', async () => {
    const documented = example('query-paged.json')
    const soql = "SELECT Id, Name, SystemModstamp FROM Account WHERE Name LIKE 'Bulk %' ORDER BY Name"
    const first = await rest('GET', `/query?q=${encodeURIComponent(soql)}`)
    expect(first.json).toMatchObject({ totalSize: 2_500, done: false })
    expect(first.json.records).toHaveLength(2_000)
    expect(first.json.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g\w+-2000$/)
    expect(keysOf(first.json)).toEqual(keysOf(documented.page1.body))
    expect(keysOf(first.json.records[0])).toEqual(['Id', 'Name', 'SystemModstamp', 'attributes'])
    const last = await rest('GET', first.json.nextRecordsUrl)
    expect(keysOf(last.json)).toEqual(keysOf(documented.page2.body))
    expect(last.json.records).toHaveLength(500)
    const small = await rest('GET', `/query?q=${encodeURIComponent(soql)}`, undefined, {
      'Sforce-Query-Options': 'batchSize=500',
    })
    expect(small.json.records).toHaveLength(500)
    expect(small.json.nextRecordsUrl).toMatch(/-500$/)
    const all = await conn.query<{ Name: string }>(soql, { autoFetch: true, maxFetch: 10_000 })
    expect(all.records).toHaveLength(2_500)
    expect(all.records.at(-1)?.Name).toBe('Bulk 2499')
    const empty = await rest('GET', `/query?q=${encodeURIComponent("SELECT Id FROM Account WHERE Name = 'none'")}`)
    expect(empty.json).toEqual(documented.empty.body)
    const bad = await rest('GET', '/query/01gRO0000000000XYZ-2000')
    expect([bad.status, bad.json]).toEqual([
      400,
      [{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }],
    ])
  })

  it('nests parent relationship fields like Salesforce, and counts with COUNT()', async () => {
    const res = await conn.query<{ Name: string; Owner: Record<string, unknown> }>(
      "SELECT Name, Owner.Name FROM Account WHERE Name = 'Northwind Traders'",
    )
    const documented = example('query-relationships.json').body.records[0]
    expect(keysOf(res.records[0]!.Owner)).toEqual(keysOf(documented.Owner))
    expect(res.records[0]!.Owner).toMatchObject({ attributes: { type: 'User' }, Name: 'Sarah Johnson' })
    const count = await rest(
      'GET',
      `/query?q=${encodeURIComponent("SELECT COUNT() FROM Account WHERE CurrencyIsoCode = 'VND'")}`,
    )
    expect(keysOf(count.json)).toEqual(keysOf(example('query-count-aggregate.json').count.body))
    expect(count.json).toMatchObject({ totalSize: 13, done: true, records: [] })
    const hanoi = await conn.query("SELECT Name FROM Account WHERE BillingCity = 'Hà Nội' AND CurrencyIsoCode = 'VND'")
    expect(hanoi.totalSize).toBe(3)
  })

  it('answers bad SOQL with MALFORMED_QUERY, INVALID_FIELD and INVALID_TYPE', async () => {
    await expect(conn.query('SELECT Id FROM')).rejects.toMatchObject({ errorCode: 'MALFORMED_QUERY' })
    await expect(conn.query('SELECT Nope FROM Account')).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' })
    await expect(conn.query('SELECT Id FROM Nope')).rejects.toMatchObject({ errorCode: 'INVALID_TYPE' })
    const raw = await rest('GET', `/query?q=${encodeURIComponent('SELECT Id FROM Acount')}`)
    expect(raw.json).toEqual(
      example('errors-rest-catalog.json').find((e: { errorCode: string }) => e.errorCode === 'INVALID_TYPE').body,
    )
  })

  it('reports API usage in Sforce-Limit-Info, parsed by jsforce', async () => {
    await conn.query('SELECT Id FROM Account LIMIT 1')
    expect(conn.limitInfo?.apiUsage).toEqual({ used: sandbox.apiUsage(), limit: 100_000 })
  })

  it('answers unknown routes and objects with JSON NOT_FOUND', async () => {
    const missing = await rest('GET', '/nothing/here')
    expect([missing.status, missing.headers.get('content-type'), missing.json]).toEqual([
      404,
      jsonType,
      [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }],
    ])
    await expect(conn.sobject('Nope').describe()).rejects.toMatchObject({ errorCode: 'NOT_FOUND' })
  })
})
