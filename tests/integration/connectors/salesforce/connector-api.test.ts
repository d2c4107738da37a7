import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { salesforce } from '../../../../src/connectors/salesforce/index.ts'
import { type SalesforceSandbox, startSalesforceSandbox } from '../../../../src/connectors/salesforce/sandbox/server.ts'
import type { Connection, ConnectorLogger, SourceRecord } from '../../../../src/connectors/types.ts'

// The rest of the connector boundary over real HTTP against the sandbox: JWT bearer login, describe,
// list-all, deletes in polling, child lists, retried blips, Bulk API 2.0 upserts, updates by id, API usage.
const logger: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} }

let sandbox: SalesforceSandbox
let connection: Connection
let privateKeyPem: string

async function connect(file: Record<string, unknown> = {}): Promise<Connection> {
  const settings = salesforce.sandboxConfig({ type: 'salesforce', ...file }, sandbox)
  return salesforce.create(salesforce.configSchema.parse({ ...settings, ...file }), { name: 'crm', logger })
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true })
  privateKeyPem = await exportPKCS8(pair.privateKey)
  sandbox = await startSalesforceSandbox({ jwtCertificates: [await exportSPKI(pair.publicKey)] })
  connection = await connect()
})
afterAll(() => sandbox.close())

describe('Salesforce connector, JWT bearer login', () => {
  it('logs in with a signed assertion and re-signs after the session expires', async () => {
    const jwt = await connect({
      auth: {
        method: 'jwt',
        clientId: sandbox.credentials.clientId,
        username: sandbox.credentials.username,
        privateKey: privateKeyPem,
      },
    })
    const id = sandbox.org.create('Account', { Name: 'Đăng nhập JWT' })
    expect((await jwt.object('Account').getMany([id], ['Name'])).get(id)?.data.Name).toBe('Đăng nhập JWT')
    const logins = sandbox.state.logins
    sandbox.expireSessions()
    expect((await jwt.object('Account').getMany([id], ['Name'])).size).toBe(1)
    expect(sandbox.state.logins).toBe(logins + 1)
  })

  it('reports a key the org does not know as a config error', async () => {
    const other = await generateKeyPair('RS256', { extractable: true })
    const jwt = await connect({
      auth: {
        method: 'jwt',
        clientId: sandbox.credentials.clientId,
        username: sandbox.credentials.username,
        privateKey: await exportPKCS8(other.privateKey),
      },
    })
    const err = await jwt
      .object('Account')
      .getMany([sandbox.org.userId])
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ kind: 'config', code: 'SF_invalid_grant' })
    expect(JSON.stringify(err)).not.toContain('PRIVATE KEY')
  })
})

describe('Salesforce connector, schema and reads', () => {
  it('describes an object normalised for mapping checks', async () => {
    const schema = await connection.object('Opportunity').describe()
    expect(schema.fields.Name).toMatchObject({ type: 'string', length: 120, required: true, readOnly: false })
    expect(schema.fields.Amount).toMatchObject({ type: 'currency', required: false })
    expect(schema.fields.IsWon).toMatchObject({ type: 'boolean', readOnly: true })
    expect(schema.fields.ERP_Order_Id__c).toMatchObject({ externalId: true, length: 64 })
    expect(schema.fields.AccountId).toMatchObject({ referenceTo: ['Account'], relationshipName: 'Account' })
    expect(schema.fields.StageName?.picklistValues).toContain('Closed Won')
    expect(schema.children?.OpportunityLineItems).toEqual({ object: 'OpportunityLineItem', field: 'OpportunityId' })
    await expect(connection.object('Nope__c').describe()).rejects.toMatchObject({
      kind: 'permanent',
      code: 'SF_NOT_FOUND',
    })
  })

  it('streams every record in pages, optionally only those modified since an instant', async () => {
    const before = new Date(sandbox.org.stamp()).toISOString()
    const ids = Array.from({ length: 450 }, (_, i) =>
      sandbox.org.create('Product2', { Name: `SP ${i}`, IsActive: true }),
    )
    const pages: SourceRecord[][] = []
    for await (const page of connection.object('Product2').listAll({ fields: ['Name'], pageSize: 200 }))
      pages.push(page)
    expect(pages.map((p) => p.length)).toEqual([200, 200, 50])
    expect(pages.flat().map((r) => r.id)).toEqual([...ids].sort())
    expect(pages[0]![0]).toMatchObject({
      data: { Name: expect.stringMatching(/^SP /) },
      modifiedAt: expect.any(String),
    })
    sandbox.org.update('Product2', ids[7]!, { Name: 'SP đổi' })
    const since = new Date(sandbox.org.find('Product2', ids[7]!)!.SystemModstamp).toISOString()
    const recent: string[] = []
    for await (const page of connection.object('Product2').listAll({ fields: ['Name'], since })) {
      recent.push(...page.map((r) => r.id))
    }
    expect(recent).toEqual([ids[7]])
    expect(before < since).toBe(true)
  })

  it('reports deletes among the changes, through queryAll', async () => {
    const cursor = new Date(sandbox.org.stamp()).toISOString()
    const kept = sandbox.org.create('Account', { Name: 'Còn lại' })
    const gone = sandbox.org.create('Account', { Name: 'Đã xoá' })
    sandbox.org.delete('Account', gone)
    const changes = []
    for await (const page of connection.object('Account').listChanged(cursor, { overlapMs: 0 }))
      changes.push(...page.changes)
    expect(changes.map((c) => [c.id, c.deleted ?? false])).toEqual([
      [kept, false],
      [gone, true],
    ])
  })

  it('reads child lists with their parents as plain rows', async () => {
    const product = sandbox.org.create('Product2', { Name: 'Gạo ST25', IsActive: true })
    const entry = sandbox.org.create('PricebookEntry', {
      Pricebook2Id: sandbox.org.standardPricebookId!,
      Product2Id: product,
      UnitPrice: 30,
      IsActive: true,
    })
    const account = sandbox.org.create('Account', { Name: 'Nhà hàng Sen' })
    const opp = sandbox.org.create('Opportunity', {
      Name: 'Sen Q4',
      AccountId: account,
      StageName: 'Closed Won',
      CloseDate: '2026-12-01',
    })
    sandbox.org.create('OpportunityLineItem', {
      OpportunityId: opp,
      PricebookEntryId: entry,
      Quantity: 10,
      UnitPrice: 28,
    })
    const found = await connection.object('Opportunity').getMany([opp], ['Name', 'Amount', 'Account.Name'], {
      lists: [
        { path: 'OpportunityLineItems', fields: ['Quantity', 'UnitPrice', 'Product2.ProductCode', 'Product2Id'] },
      ],
    })
    expect(found.get(opp)?.data).toMatchObject({
      Name: 'Sen Q4',
      Amount: 280,
      Account: { Name: 'Nhà hàng Sen' },
      OpportunityLineItems: [{ Quantity: 10, UnitPrice: 28, Product2Id: product, Product2: { ProductCode: null } }],
    })
    // A listing brings the same lists along (reconciliation compares order lines).
    const listed: SourceRecord[] = []
    for await (const page of connection.object('Opportunity').listAll({
      fields: ['Name'],
      lists: [{ path: 'OpportunityLineItems', fields: ['Quantity'] }],
    }))
      listed.push(...page)
    expect(listed.find((r) => r.id === opp)?.data).toMatchObject({ OpportunityLineItems: [{ Quantity: 10 }] })
  })

  it('retries a 503 on a read and gives back the records', async () => {
    const id = sandbox.org.create('Account', { Name: 'Bận' })
    sandbox.state.faults.configure({ failNext: [{ error: 'SERVER_UNAVAILABLE', method: 'GET', path: '/query' }] })
    const from = sandbox.state.requests().length
    expect((await connection.object('Account').getMany([id], ['Name'])).get(id)?.data.Name).toBe('Bận')
    expect(
      sandbox.state
        .requests()
        .slice(from)
        .map((r) => r.status),
    ).toEqual([503, 200])
  })
})

describe('Salesforce connector, writes', () => {
  it('retries an upsert refused with UNABLE_TO_LOCK_ROW, writing each row once', async () => {
    sandbox.state.faults.configure({
      failNext: [{ error: 'UNABLE_TO_LOCK_ROW', method: 'PATCH', path: '/composite/sobjects' }],
    })
    const from = sandbox.state.requests().length
    const results = await connection
      .object('Account')
      .upsert('ERP_Customer_Id__c', [{ ERP_Customer_Id__c: 'LOCK-1', Name: 'Khoá' }])
    expect(results).toEqual([{ ok: true, id: expect.stringMatching(/^001/), created: true }])
    expect(
      sandbox.state
        .requests()
        .slice(from)
        .map((r) => r.status),
    ).toEqual([400, 200])
    expect(sandbox.org.matchExternal('Account', 'ERP_Customer_Id__c', 'LOCK-1')).toHaveLength(1)
  })

  it('gives up on a lasting limit with a transient error for every row, not a permanent one', async () => {
    sandbox.state.faults.configure({ errorRate: 1, errors: ['REQUEST_LIMIT_EXCEEDED'] })
    try {
      const results = await connection
        .object('Account')
        .upsert('ERP_Customer_Id__c', [{ ERP_Customer_Id__c: 'L-1', Name: 'L' }])
      expect(results[0]).toMatchObject({ ok: false, error: { kind: 'transient', code: 'SF_REQUEST_LIMIT_EXCEEDED' } })
    } finally {
      sandbox.state.faults.configure({})
    }
  })

  it('upserts a big batch through one Bulk API 2.0 job and maps unordered results back to rows', async () => {
    const bulk = await connect({ bulk: { threshold: 50, pollMs: 20 } })
    const rows = Array.from({ length: 60 }, (_, i) => ({ ERP_Customer_Id__c: `BK-${i}`, Name: `Bulk ${i}` }))
    rows[5] = { ERP_Customer_Id__c: 'BK-5', Name: '' }
    rows[9] = { ERP_Customer_Id__c: 'bk-8', Name: 'Twin' }
    sandbox.org.create('Account', { Name: 'Existing', ERP_Customer_Id__c: 'BK-0' })
    const from = sandbox.state.requests().length
    const results = await bulk.object('Account').upsert('ERP_Customer_Id__c', rows)
    expect(
      sandbox.state
        .requests()
        .slice(from)
        .some((r) => r.path.endsWith('/jobs/ingest')),
    ).toBe(true)
    expect(results[0]).toMatchObject({ ok: true, created: false })
    expect(results[1]).toMatchObject({ ok: true, created: true })
    expect(results[5]).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'SF_REQUIRED_FIELD_MISSING' } })
    expect(results[8]).toMatchObject({ ok: false, error: { code: 'SF_DUPLICATE_EXTERNAL_ID' } })
    expect(results[9]).toMatchObject({ ok: false, error: { code: 'SF_DUPLICATE_EXTERNAL_ID' } })
    results.forEach((r, i) => {
      if (r.ok) expect(sandbox.org.find('Account', r.id)?.ERP_Customer_Id__c).toBe(rows[i]!.ERP_Customer_Id__c)
    })
    expect(results.filter((r) => r.ok)).toHaveLength(57)
  })

  it('updates records by id, one result per row in order, and reports API usage', async () => {
    const a = sandbox.org.create('Account', { Name: 'Cập nhật' })
    const results = await connection.object('Account').update([
      { id: a, Tandem_Sync_Status__c: 'Synced', ERP_Customer_Id__c: 'CUS-77' },
      { id: a.replace(/^001/, '003'), Tandem_Sync_Status__c: 'Synced' },
      { id: a, Tandem_Sync_Status__c: 'Maybe' },
    ])
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'ok',
      'SF_MALFORMED_ID',
      'SF_INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    ])
    expect(sandbox.org.find('Account', a)).toMatchObject({
      Tandem_Sync_Status__c: 'Synced',
      ERP_Customer_Id__c: 'CUS-77',
    })
    expect(connection.usage?.()).toEqual({ used: sandbox.apiUsage(), limit: 100_000 })
  })
})
