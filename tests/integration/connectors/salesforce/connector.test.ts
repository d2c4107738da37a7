import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { salesforce } from '../../../../src/connectors/salesforce/index.ts'
import { type SalesforceSandbox, startSalesforceSandbox } from '../../../../src/connectors/salesforce/sandbox/server.ts'
import { buildChangeEventRequest } from '../../../../src/connectors/salesforce/webhook.ts'
import type { Connection, ConnectorLogger } from '../../../../src/connectors/types.ts'
import type { TransientError } from '../../../../src/errors.ts'

// Our connector, created the way the runtime creates it, over real HTTP against the sandbox.
const logs: unknown[] = []
const logger: ConnectorLogger = {
  debug: (obj, msg) => logs.push([obj, msg]),
  info: (obj, msg) => logs.push([obj, msg]),
  warn: (obj, msg) => logs.push([obj, msg]),
  error: (obj, msg) => logs.push([obj, msg]),
}

async function connect(sandbox: SalesforceSandbox, file: Record<string, unknown> = {}): Promise<Connection> {
  const settings = salesforce.sandboxConfig({ type: 'salesforce', ...file }, sandbox)
  return salesforce.create(salesforce.configSchema.parse(settings), { name: 'crm', logger })
}

let sandbox: SalesforceSandbox
let connection: Connection

beforeAll(async () => {
  sandbox = await startSalesforceSandbox({})
  connection = await connect(sandbox)
})
afterAll(() => sandbox.close())

describe('Salesforce connector, polling', () => {
  it('lists 5,000 changes in pages and resumes from a stored cursor without loss or repeats', async () => {
    const created = Array.from({ length: 5_000 }, (_, i) => sandbox.org.create('Account', { Name: `Paged ${i}` }))
    const accounts = connection.object('Account')
    const pages: number[] = []
    let cursor: string | null = null
    for await (const page of accounts.listChanged(null, { overlapMs: 0, pageSize: 2_000 })) {
      pages.push(page.changes.length)
      expect(page.cursor).toBe(page.changes.at(-1)?.modifiedAt)
      cursor = page.cursor
    }
    expect(pages).toEqual([2_000, 2_000, 1_000])

    // A poller that stored the cursor after its first page, then crashed, resumes from there.
    let stored: string | null = null
    const seen: string[] = []
    for await (const page of accounts.listChanged(null, { overlapMs: 0, pageSize: 2_000 })) {
      seen.push(...page.changes.map((c) => c.id))
      stored = page.cursor
      break
    }
    for await (const page of accounts.listChanged(stored, { overlapMs: 0, pageSize: 2_000 })) {
      seen.push(...page.changes.map((c) => c.id))
    }
    expect(seen).toEqual(created)

    // Nothing new: an empty poll. Then one edit: exactly that record, with a cursor past the old one.
    const empty: unknown[] = []
    for await (const page of accounts.listChanged(cursor, { overlapMs: 0 })) empty.push(page)
    expect(empty).toEqual([])
    sandbox.org.update('Account', created[42]!, { Phone: '+84 28 1' })
    const after: string[] = []
    for await (const page of accounts.listChanged(cursor, { overlapMs: 0 })) {
      after.push(...page.changes.map((c) => c.id))
      expect(page.cursor > (cursor as string)).toBe(true)
    }
    expect(after).toEqual([created[42]])
  })

  it('re-reads the overlap before the cursor, but never moves the cursor back', async () => {
    const accounts = connection.object('Account')
    const id = sandbox.org.create('Account', { Name: 'Overlap' })
    const stamp = new Date(sandbox.org.find('Account', id)!.SystemModstamp).toISOString()
    const pages = []
    for await (const page of accounts.listChanged(stamp, { overlapMs: 60_000 })) pages.push(page)
    expect(pages.flatMap((p) => p.changes.map((c) => c.id))).toContain(id)
    expect(pages.every((p) => p.cursor >= stamp)).toBe(true)
  })

  it('refuses a cursor that is not a timestamp', async () => {
    const iterate = async () => {
      for await (const _ of connection.object('Account').listChanged('yesterday', { overlapMs: 0 })) return
    }
    await expect(iterate()).rejects.toMatchObject({ kind: 'permanent', code: 'SF_INVALID_CURSOR' })
  })
})

describe('Salesforce connector, reads', () => {
  it('reads records by id with parent fields, skipping unknown and malformed ids', async () => {
    const id = sandbox.org.create('Account', { Name: 'Read Me', Phone: '+84 1' })
    const found = await connection
      .object('Account')
      .getMany([id, '001000000000000AAA', "x' OR Name != '"], ['Name', 'Phone', 'Owner.Name', 'name'])
    expect([...found.keys()]).toEqual([id])
    expect(found.get(id)).toEqual({
      id,
      modifiedAt: new Date(sandbox.org.find('Account', id)!.SystemModstamp).toISOString(),
      data: {
        Id: id,
        SystemModstamp: expect.any(String),
        Name: 'Read Me',
        Phone: '+84 1',
        Owner: { Name: 'Tandem Integration' },
      },
    })
  })

  it('answers a 15-character id under the id it was asked by', async () => {
    const id = sandbox.org.create('Account', { Name: 'Short Id' })
    const found = await connection.object('Account').getMany([id.slice(0, 15)], ['Name'])
    expect(found.get(id.slice(0, 15))?.data.Name).toBe('Short Id')
  })

  it('reads every field from the describe when none are named, describing once', async () => {
    const id = sandbox.org.create('Account', { Name: 'Full Read', Tax_Id__c: '0301234567' })
    const before = sandbox.state.requests().filter((r) => r.path.endsWith('/describe')).length
    await connection.object('Account').getMany([id])
    const found = await connection.object('Account').getMany([id])
    expect(found.get(id)?.data).toMatchObject({
      Name: 'Full Read',
      Tax_Id__c: '0301234567',
      CurrencyIsoCode: 'USD',
      IsDeleted: false,
    })
    expect(sandbox.state.requests().filter((r) => r.path.endsWith('/describe')).length - before).toBeLessThanOrEqual(1)
  })

  it('splits a long id list into queries that keep the request URI under 16 KB', async () => {
    const ids = Array.from({ length: 1_200 }, (_, i) => sandbox.org.create('Account', { Name: `Many ${i}` }))
    const from = sandbox.state.requests().length
    const found = await connection.object('Account').getMany(ids, ['Name'])
    expect(found.size).toBe(1_200)
    const queries = sandbox.state.requests().slice(from)
    expect(queries.length).toBeGreaterThan(1)
    for (const q of queries) expect(q.path.length).toBeLessThan(16_384)
  })

  it('sends Sforce-Call-Options: client=tandem on every call', async () => {
    await connection.object('Account').getMany([sandbox.org.create('Account', { Name: 'Tagged' })], ['Name'])
    expect(sandbox.state.requests().every((r) => r.callOptions === 'client=tandem')).toBe(true)
  })

  it('does not retry in-call a limit that frees up only in minutes', async () => {
    const saved = sandbox.state.apiUsage
    sandbox.state.apiUsage = sandbox.state.dailyApiRequests
    try {
      const err = (await connection
        .object('Account')
        .getMany([sandbox.org.userId], ['Name'])
        .catch((e: unknown) => e)) as TransientError
      expect(err).toMatchObject({ kind: 'transient', code: 'SF_REQUEST_LIMIT_EXCEEDED', remote: { status: 403 } })
      expect(err.retryAfterMs).toBe(300_000)
    } finally {
      sandbox.state.apiUsage = saved
    }
  })
})

describe('Salesforce connector, writes', () => {
  it('upserts a batch and maps each result, a failed row included, to its row', async () => {
    const accounts = connection.object('Account')
    const results = await accounts.upsert('ERP_Customer_Id__c', [
      { ERP_Customer_Id__c: 'E-1', Name: 'Công ty TNHH Một' },
      { ERP_Customer_Id__c: 'E-2' },
      { Name: 'No key' },
      { ERP_Customer_Id__c: 'E-3', Name: 'Three', CurrencyIsoCode: 'VND' },
    ])
    expect(results[0]).toMatchObject({ ok: true, created: true, id: expect.stringMatching(/^001/) })
    expect(results[1]).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'SF_REQUIRED_FIELD_MISSING' } })
    expect(results[1]).toHaveProperty('error.message', 'Required fields are missing: [Name] (Name)')
    expect(results[2]).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'SF_MISSING_EXTERNAL_ID' } })
    expect(results[3]).toMatchObject({ ok: true, created: true })
    const again = await accounts.upsert('ERP_Customer_Id__c', [
      { ERP_Customer_Id__c: 'e-1', Name: 'Công ty TNHH Một (mới)' },
    ])
    expect(again).toEqual([{ ok: true, created: false, id: (results[0] as { id: string }).id }])
  })

  it('reports a duplicate unique value and a bad picklist value as permanent, per row', async () => {
    const results = await connection.object('Account').upsert('External_Key__c', [
      { External_Key__c: 'X-1', Name: 'One' },
      { External_Key__c: 'X-2', Name: 'Two', CurrencyIsoCode: 'EUR' },
    ])
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'ok',
      'SF_INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    ])
  })

  it('splits more rows than one collection holds into several calls, results in order', async () => {
    const usage = sandbox.apiUsage()
    const rows = Array.from({ length: 450 }, (_, i) => ({ ERP_Customer_Id__c: `B-${i}`, Name: `Batch ${i}` }))
    const results = await connection.object('Account').upsert('ERP_Customer_Id__c', rows)
    expect(results.filter((r) => r.ok)).toHaveLength(450)
    expect(sandbox.apiUsage() - usage).toBe(3)
    const ids = results.map((r) => (r.ok ? r.id : ''))
    expect(ids.map((id) => sandbox.org.find('Account', id)?.Name)).toEqual(rows.map((r) => r.Name))
  })

  it('honours a smaller maxBatch from the connection file', async () => {
    const small = await connect(sandbox, { limits: { maxBatch: 50 } })
    // The engine may still gather up to the bulk threshold; the connector splits it into calls of 50.
    expect(small.limits).toEqual({ maxBatch: 50, maxConcurrent: 10, maxGather: 2_000 })
    const usage = sandbox.apiUsage()
    const rows = Array.from({ length: 120 }, (_, i) => ({ ERP_Customer_Id__c: `S-${i}`, Name: `Small ${i}` }))
    await small.object('Account').upsert('ERP_Customer_Id__c', rows)
    // 120 rows at 50 a call: three collection calls (logging in is not a REST call).
    expect(sandbox.apiUsage() - usage).toBe(3)
    await small.close()
  })

  it('gives every row the error of a call that fails as a whole', async () => {
    const results = await connection.object('Nope__c').upsert('Key__c', [{ Key__c: '1' }, { Key__c: '2' }])
    expect(results).toHaveLength(2)
    for (const r of results) expect(r).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'SF_NOT_FOUND' } })
  })
})

describe('Salesforce connector, sessions', () => {
  it('re-authenticates transparently when the session expires', async () => {
    await connection.object('Account').getMany([sandbox.org.create('Account', { Name: 'Before' })], ['Name'])
    const logins = sandbox.state.logins
    sandbox.expireSessions()
    const id = sandbox.org.create('Account', { Name: 'After' })
    expect((await connection.object('Account').getMany([id], ['Name'])).get(id)?.data.Name).toBe('After')
    expect(sandbox.state.logins).toBe(logins + 1)
  })

  it('reports refused credentials as a config error, without the password', async () => {
    const settings = salesforce.sandboxConfig({ type: 'salesforce' }, sandbox) as { auth: Record<string, string> }
    settings.auth.password = 'wrong-password-value'
    const bad = await salesforce.create(salesforce.configSchema.parse(settings), { name: 'crm', logger })
    const err = (await bad
      .object('Account')
      .getMany(['001000000000000AAA'])
      .catch((e: unknown) => e)) as Error
    expect(err).toMatchObject({ kind: 'config', code: 'SF_invalid_grant' })
    expect(err.message).toBe('Salesforce login refused: authentication failure (invalid_grant)')
    expect(JSON.stringify(err)).not.toContain('wrong-password-value')
  })

  it('stops, as a config error, when the org rejects every fresh session', async () => {
    const broken = await startSalesforceSandbox({ sessionTtlMs: 0 })
    try {
      const c = await connect(broken)
      const err = await c
        .object('Account')
        .getMany([broken.org.userId], ['Name'])
        .catch((e: unknown) => e)
      expect(err).toMatchObject({ kind: 'config', code: 'SF_INVALID_SESSION_ID' })
      expect(broken.state.logins).toBeLessThanOrEqual(3)
    } finally {
      await broken.close()
    }
  })

  it('never logs a secret', () => {
    const text = JSON.stringify(logs)
    for (const secret of [
      sandbox.credentials.password,
      sandbox.credentials.clientSecret,
      sandbox.credentials.webhookSecret,
    ]) {
      expect(text).not.toContain(secret)
    }
    expect(text).not.toMatch(/!AQ/)
  })
})

describe('Salesforce connector, webhooks', () => {
  it('accepts a correctly signed change event and drops echoes of its own writes', async () => {
    const { body, headers } = await buildChangeEventRequest(sandbox.credentials.webhookSecret, [
      { object: 'Account', recordIds: ['001A', '001B'], changeType: 'UPDATE', transactionKey: 't1' },
      {
        object: 'Account',
        recordIds: ['001C'],
        changeType: 'UPDATE',
        transactionKey: 't2',
        origin: 'com/salesforce/api/rest/62.0;client=tandem',
      },
    ])
    const parsed = await connection.parseWebhook(
      new Request('http://tandem.test/webhooks/crm', { method: 'POST', headers, body }),
    )
    expect(parsed.events.map((e) => [e.object, e.recordId, e.changeType, e.eventId])).toEqual([
      ['Account', '001A', 'update', 't1:1'],
      ['Account', '001B', 'update', 't1:1'],
    ])
  })

  it('rejects a wrong or stale signature with WEBHOOK_UNAUTHORIZED', async () => {
    const events = [{ object: 'Account', recordIds: ['001A'], changeType: 'UPDATE' as const, transactionKey: 't' }]
    const wrong = await buildChangeEventRequest('not-the-secret', events)
    const stale = await buildChangeEventRequest(sandbox.credentials.webhookSecret, events, Date.now() - 10 * 60_000)
    for (const r of [wrong, stale]) {
      const req = new Request('http://tandem.test/webhooks/crm', { method: 'POST', headers: r.headers, body: r.body })
      await expect(connection.parseWebhook(req)).rejects.toMatchObject({
        kind: 'permanent',
        code: 'WEBHOOK_UNAUTHORIZED',
      })
    }
  })
})
