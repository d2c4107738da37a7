import type { Connection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SalesforceSandbox, startSalesforceSandbox } from '../../../../src/connectors/salesforce/sandbox/server.ts'
import { example, jsforceLogin, keysOf, rawRest } from './sandbox-client.ts'

// Bulk API 2.0 ingest and query jobs, driven by jsforce's bulk2 and by raw HTTP against the reference.
let sandbox: SalesforceSandbox
let conn: Connection

const rest = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  rawRest(sandbox, conn, method, path, body, headers)

beforeAll(async () => {
  sandbox = await startSalesforceSandbox({})
  conn = await jsforceLogin(sandbox)
  conn.bulk2.pollInterval = 20
})
afterAll(() => sandbox.close())

describe('Salesforce sandbox Bulk API 2.0, driven by jsforce', () => {
  it('loads rows with bulk2.loadAndWaitForResults, reporting successes and failures per row', async () => {
    sandbox.org.create('Account', { Name: 'Acme Wholesale', ERP_Customer_Id__c: 'C-100' })
    const csv =
      'ERP_Customer_Id__c,Name,BillingCity,Phone,Parent.ERP_Customer_Id__c\n' +
      'C-100,Acme Wholesale GmbH,Berlin,#N/A,\n' +
      'C-200,Beta Retail AG,Munich,+49 89 1,C-100\n' +
      'C-999,,Nowhere,,C-404\n'
    const results = await conn.bulk2.loadAndWaitForResults({
      object: 'Account',
      operation: 'upsert',
      externalIdFieldName: 'ERP_Customer_Id__c',
      input: csv,
    })
    expect(
      results.successfulResults.map((r) => [
        (r as unknown as Record<string, string>).ERP_Customer_Id__c,
        r.sf__Created,
      ]),
    ).toEqual([
      ['C-100', 'false'],
      ['C-200', 'true'],
    ])
    expect(results.failedResults).toHaveLength(1)
    expect(results.failedResults[0]!.sf__Error).toBe(
      'INVALID_FIELD:Foreign key external ID: C-404 not found for field ERP_Customer_Id__c in entity Account:--',
    )
    const beta = sandbox.org.find('Account', results.successfulResults[1]!.sf__Id)
    expect(beta).toMatchObject({ BillingCity: 'Munich', ParentId: results.successfulResults[0]!.sf__Id })
    expect(sandbox.org.find('Account', results.successfulResults[0]!.sf__Id)?.Phone).toBeNull()
    // Writes made by a bulk job name the Bulk API in their change events' origin.
    const logged = sandbox.state.requests().filter((r) => r.path.includes('/jobs/ingest'))
    expect(logged.map((r) => r.method)).toEqual(expect.arrayContaining(['POST', 'PUT', 'PATCH', 'GET']))
  })

  it('answers each step of an ingest job in the documented shapes', async () => {
    const documented = example('bulk2-ingest-upsert.json')
    const created = await rest('POST', '/jobs/ingest', {
      ...documented['1_create'].request.body,
      externalIdFieldName: 'ERP_Customer_Id__c',
    })
    expect([created.status, keysOf(created.json)]).toEqual([200, keysOf(documented['1_create'].body)])
    expect(created.json).toMatchObject({
      state: 'Open',
      apiVersion: 62,
      contentUrl: `services/data/v62.0/jobs/ingest/${created.json.id}/batches`,
    })
    const id = created.json.id
    const upload = await fetch(`${sandbox.url}/services/data/v62.0/jobs/ingest/${id}/batches`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${conn.accessToken}`, 'content-type': 'text/csv' },
      body: 'ERP_Customer_Id__c,Name\nD-1,Delta\nD-2,\n',
    })
    expect([upload.status, await upload.text()]).toEqual([201, ''])
    const closed = await rest('PATCH', `/jobs/ingest/${id}`, { state: 'UploadComplete' })
    expect([closed.json.state, keysOf(closed.json)]).toEqual(['UploadComplete', keysOf(documented['3_close'].body)])
    let info = (await rest('GET', `/jobs/ingest/${id}`)).json
    while (info.state !== 'JobComplete') info = (await rest('GET', `/jobs/ingest/${id}`)).json
    expect(keysOf(info)).toEqual(keysOf(documented['5_poll_complete'].body))
    expect(info).toMatchObject({ numberRecordsProcessed: 2, numberRecordsFailed: 1, jobType: 'V2Ingest' })
    const ok = await rest('GET', `/jobs/ingest/${id}/successfulResults`)
    expect(ok.headers.get('content-type')).toBe('text/csv')
    expect(ok.text).toMatch(/^"sf__Id","sf__Created",ERP_Customer_Id__c,Name\n"001\w{15}","true","D-1","Delta"\n$/)
    const failed = await rest('GET', `/jobs/ingest/${id}/failedResults`)
    expect(failed.text).toBe(
      '"sf__Id","sf__Error",ERP_Customer_Id__c,Name\n"","REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --","D-2",""\n',
    )
    const unprocessed = await rest('GET', `/jobs/ingest/${id}/unprocessedrecords`)
    expect(unprocessed.text).toBe('ERP_Customer_Id__c,Name\n')
    expect((await rest('DELETE', `/jobs/ingest/${id}`)).status).toBe(204)
    const gone = await rest('GET', `/jobs/ingest/${id}`)
    expect([gone.status, gone.json]).toEqual([404, documented.error_unknown_job.body.map((e: object) => ({ ...e }))])
  })

  it('queries with bulk2.query, and pages results by Sforce-Locator', async () => {
    for (let i = 0; i < 5; i++) sandbox.org.create('Account', { Name: `Bulk Q ${i}`, Industry: 'Retail' })
    const stream = await conn.bulk2.query(
      "SELECT Id, Name, Owner.Name FROM Account WHERE Name LIKE 'Bulk Q %' ORDER BY Name",
    )
    const records = (await stream.toArray()) as Record<string, string>[]
    expect(records.map((r) => r.Name)).toEqual(['Bulk Q 0', 'Bulk Q 1', 'Bulk Q 2', 'Bulk Q 3', 'Bulk Q 4'])
    expect(records[0]!['Owner.Name']).toBe('Tandem Integration')

    const documented = example('bulk2-query.json')
    const created = await rest('POST', '/jobs/query', {
      operation: 'query',
      query: "SELECT Id, Name FROM Account WHERE Name LIKE 'Bulk Q %'",
    })
    expect([created.json.state, keysOf(created.json)]).toEqual(['UploadComplete', keysOf(documented['1_create'].body)])
    let info = (await rest('GET', `/jobs/query/${created.json.id}`)).json
    while (info.state !== 'JobComplete') info = (await rest('GET', `/jobs/query/${created.json.id}`)).json
    expect(keysOf(info)).toEqual(keysOf(documented['2_poll'].body))
    const pages: string[] = []
    let locator = ''
    do {
      const res = await rest(
        'GET',
        `/jobs/query/${created.json.id}/results?maxRecords=2${locator ? `&locator=${locator}` : ''}`,
      )
      expect(res.text.split('\n')[0]).toBe('"Id","Name"')
      pages.push(res.headers.get('sforce-numberofrecords') ?? '')
      locator = res.headers.get('sforce-locator') ?? 'null'
    } while (locator !== 'null')
    expect(pages).toEqual(['2', '2', '1'])
    const bad = await rest('POST', '/jobs/query', { operation: 'query', query: 'SELECT Nope FROM Account' })
    expect([bad.status, bad.json[0].errorCode]).toEqual([400, 'INVALID_FIELD'])
  })
})
