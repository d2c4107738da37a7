import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createNetSuiteConnection } from '../../../../src/connectors/netsuite/connection.ts'
import { netsuite } from '../../../../src/connectors/netsuite/index.ts'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../../../src/connectors/netsuite/sandbox/server.ts'
import { buildNetSuiteWebhook } from '../../../../src/connectors/netsuite/webhook.ts'
import type { ChangePage, Connection } from '../../../../src/connectors/types.ts'
import type { TandemError } from '../../../../src/errors.ts'

/** The connector against the sandbox over real HTTP: what the engine relies on. */

const logger = { debug() {}, info() {}, warn() {}, error() {} }
const fastRetry = { retry: { retries: 3, minMs: 5, maxMs: 50 } }

function connect(sandbox: NetSuiteSandbox, overrides: Record<string, unknown> = {}): Connection {
  const settings = netsuite.sandboxConfig({ type: 'netsuite', accountId: '', auth: {}, ...overrides }, sandbox)
  return createNetSuiteConnection(netsuite.configSchema.parse(settings), { logger }, fastRetry)
}

describe('NetSuite connector against the sandbox', () => {
  let sandbox: NetSuiteSandbox
  let conn: Connection

  beforeAll(async () => {
    sandbox = await startNetSuiteSandbox({ seed: true })
    conn = connect(sandbox)
  })
  afterAll(async () => {
    await conn.close()
    await sandbox.close()
  })
  afterEach(() => {
    sandbox.faults.clear()
    sandbox.setLatency(0)
  })

  describe('upsert', () => {
    it('creates a customer, then updates the same one by external ID', async () => {
      const customers = conn.object('customer')
      const [first] = await customers.upsert('externalId', [
        {
          externalId: '001A000001',
          companyName: 'Công ty TNHH Đồng Hành',
          phone: '+84 28 3822 0001',
          subsidiary: { id: '1' },
        },
      ])
      expect(first).toEqual({ ok: true, id: expect.stringMatching(/^\d+$/), created: true })
      const [second] = await customers.upsert('externalId', [
        { externalId: '001A000001', companyName: 'Đồng Hành JSC', phone: null, subsidiary: { id: '1' } },
      ])
      expect(second).toEqual({ ok: true, id: (first as { id: string }).id, created: false })
      const stored = sandbox.customers().filter((c) => c.externalId === '001A000001')
      expect(stored).toHaveLength(1)
      expect(stored[0]).toMatchObject({ companyName: 'Đồng Hành JSC', subsidiary: '1', currency: '2' })
      expect(stored[0]?.phone).toBeUndefined()
    })

    it('reports a missing subsidiary as a permanent NS_USER_ERROR with NetSuite detail, and writes nothing', async () => {
      const before = sandbox.records.count('customer')
      const [result] = await conn
        .object('customer')
        .upsert('externalId', [{ externalId: 'NO-SUB', companyName: 'Orphan' }])
      expect(result?.ok).toBe(false)
      const error = (result as { error: TandemError }).error
      expect(error.kind).toBe('permanent')
      expect(error.code).toBe('NS_USER_ERROR')
      expect(error.message).toContain('Please enter value(s) for: Subsidiary')
      expect(error.remote?.status).toBe(400)
      expect(sandbox.records.count('customer')).toBe(before)
    })

    it('returns one result per row, in order, with an invalid reference failing alone', async () => {
      const results = await conn.object('customer').upsert('externalId', [
        { externalId: 'ROW-1', companyName: 'One', subsidiary: { id: '2' } },
        { externalId: 'ROW-2', companyName: 'Two', subsidiary: { id: '99' } },
        { companyName: 'No key', subsidiary: { id: '1' } },
        { externalId: 'ROW-4', companyName: 'Four', subsidiary: { externalId: 'nope' } },
      ])
      expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
        'ok',
        'NS_USER_ERROR',
        'NS_EXTERNAL_ID_MISSING',
        'NS_USER_ERROR',
      ])
      expect(results[1]?.ok === false && results[1].error.message).toContain(
        'Invalid Field Value 99 for the following field: subsidiary',
      )
    })

    it('writes rows sharing an external ID one after the other, creating one record', async () => {
      const results = await conn.object('customer').upsert('externalId', [
        { externalId: 'TWICE', companyName: 'First', subsidiary: { id: '1' } },
        { externalId: 'TWICE', companyName: 'Second', subsidiary: { id: '1' } },
      ])
      expect(results.map((r) => r.ok && r.created)).toEqual([true, false])
      expect(
        sandbox
          .customers()
          .filter((c) => c.externalId === 'TWICE')
          .map((c) => c.companyName),
      ).toEqual(['Second'])
    })

    it('refuses a match key other than externalId as a configuration error', async () => {
      const [result] = await conn.object('customer').upsert('email', [{ email: 'x@example.com' }])
      expect(result?.ok === false && result.error.kind).toBe('config')
    })

    it('keeps 200 parallel upserts under maxConcurrent 5 at the sandbox, all succeeding', async () => {
      sandbox.setLatency(5)
      sandbox.governance.resetStats()
      const customers = conn.object('customer')
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          customers.upsert('externalId', [
            { externalId: `PAR-${i}`, companyName: `Parallel ${i}`, subsidiary: { id: '2' } },
          ]),
        ),
      )
      expect(results.flat().every((r) => r.ok && r.created)).toBe(true)
      expect(sandbox.governance.rejected).toBe(0)
      expect(sandbox.governance.maxInFlight).toBeLessThanOrEqual(5)
      expect(sandbox.governance.maxInFlight).toBeGreaterThan(1)
      expect(sandbox.customers().filter((c) => c.externalId?.startsWith('PAR-'))).toHaveLength(200)
    })

    it('does not retry a write refused with 429: the queue retries it later', async () => {
      sandbox.requestLog.clear()
      sandbox.faults.failNext(1, 429, { method: 'PUT' })
      const [result] = await conn
        .object('customer')
        .upsert('externalId', [{ externalId: 'BUSY-1', companyName: 'Busy', subsidiary: { id: '1' } }])
      expect(result?.ok === false && [result.error.kind, result.error.code]).toEqual([
        'transient',
        'NS_CONCURRENCY_LIMIT_EXCEEDED',
      ])
      expect(sandbox.requestLog.entries().filter((e) => e.method === 'PUT')).toHaveLength(1)
    })
  })

  describe('getMany', () => {
    it('reads records by id and external ID; ids not found are absent; references keep id and refName', async () => {
      const [ids] = [sandbox.records.ids('customer')]
      const found = await conn.object('customer').getMany([ids[0]!, '999999', 'eid:DEMO-002'])
      expect([...found.keys()]).toEqual([ids[0], 'eid:DEMO-002'])
      const rec = found.get(ids[0]!)!
      expect(rec.id).toBe(ids[0])
      expect(rec.modifiedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
      expect(rec.data.subsidiary).toEqual({ id: '1', refName: 'Tandem Việt Nam' })
      expect(JSON.stringify(rec.data)).not.toContain('links')
      expect(found.get('eid:DEMO-002')?.data.externalId).toBe('DEMO-002')
    })

    it('asks only for the wanted body fields, plus lastModifiedDate', async () => {
      const id = sandbox.records.ids('customer')[0]!
      const found = await conn.object('customer').getMany([id], ['companyName', 'subsidiary.refName'])
      expect(Object.keys(found.get(id)!.data).sort()).toEqual(['companyName', 'lastModifiedDate', 'subsidiary'])
    })

    it('retries a read answered 429 and succeeds', async () => {
      const id = sandbox.records.ids('customer')[1]!
      sandbox.requestLog.clear()
      sandbox.faults.failNext(2, 429, { method: 'GET' })
      const found = await conn.object('customer').getMany([id])
      expect(found.has(id)).toBe(true)
      expect(sandbox.requestLog.entries().map((e) => e.status)).toEqual([429, 429, 200])
    })

    it('gives up on a read after its retries with a transient error', async () => {
      sandbox.faults.failNext(10, 503, { method: 'GET' })
      await expect(conn.object('customer').getMany(['101'])).rejects.toMatchObject({
        kind: 'transient',
        code: 'NS_HTTP_503',
      })
    })
  })

  describe('authentication', () => {
    it('maps a refused login to a config error that carries no secret', async () => {
      const settings = netsuite.sandboxConfig({ type: 'netsuite', accountId: '', auth: {} }, sandbox) as {
        auth: Record<string, string>
      }
      settings.auth.tokenSecret = 'wrong-secret'
      const bad = createNetSuiteConnection(netsuite.configSchema.parse(settings), { logger }, fastRetry)
      try {
        const err = await bad
          .object('customer')
          .getMany(['101'])
          .catch((e: unknown) => e as TandemError)
        expect(err).toMatchObject({ kind: 'config', code: 'NS_INVALID_LOGIN', remote: { status: 401 } })
        const json = JSON.stringify(err)
        expect(json).not.toContain('OAuth ')
        expect(json).not.toContain(sandbox.credentials.tokenSecret)
        expect(sandbox.loginAudit.last()).toMatchObject({ status: 'Failure', cause: 'InvalidSignature' })
      } finally {
        await bad.close()
      }
    })
  })

  describe('parseWebhook', () => {
    const event = {
      recordType: 'salesorder',
      id: 4321,
      type: 'edit' as const,
      eventId: 'salesorder:4321:1736874331000',
      occurredAt: '2025-01-14T17:05:31Z',
      executionContext: 'USERINTERFACE',
    }
    const post = (body: string, headers: Record<string, string>) =>
      new Request('http://tandem.local/webhooks/erp', { method: 'POST', body, headers })

    it('accepts a good signature and normalises the events', async () => {
      const { body, headers } = await buildNetSuiteWebhook(sandbox.credentials.webhookSecret, [
        event,
        { ...event, recordType: 'customer', id: '614', type: 'create', eventId: 'c1' },
      ])
      const inbound = await conn.parseWebhook(post(body, headers))
      expect(inbound.events).toEqual([
        {
          object: 'salesOrder',
          recordId: '4321',
          changeType: 'update',
          eventId: 'salesorder:4321:1736874331000',
          occurredAt: '2025-01-14T17:05:31Z',
          origin: 'USERINTERFACE',
        },
        expect.objectContaining({ object: 'customer', recordId: '614', changeType: 'create' }),
      ])
    })

    it('rejects a bad signature without saying which check failed', async () => {
      const { body, headers } = await buildNetSuiteWebhook('another-secret', [event])
      await expect(conn.parseWebhook(post(body, headers))).rejects.toMatchObject({
        kind: 'permanent',
        code: 'WEBHOOK_UNAUTHORIZED',
        message: 'webhook signature missing, invalid or expired',
      })
    })

    it('rejects a signed body of the wrong shape, naming the path', async () => {
      const { body, headers } = await buildNetSuiteWebhook(sandbox.credentials.webhookSecret, [
        { ...event, type: 'view' as 'edit' },
      ])
      await expect(conn.parseWebhook(post(body, headers))).rejects.toMatchObject({
        code: 'WEBHOOK_INVALID_BODY',
        message: expect.stringMatching(/^events\[0\]\.type: /),
      })
    })
  })
})

describe('listChanged', () => {
  const total = 2_600
  const base = Date.parse('2025-03-01T08:00:00Z')
  let sandbox: NetSuiteSandbox
  let conn: Connection

  beforeAll(async () => {
    // A 1,000-row SuiteQL cap (NetSuite's is 100,000) makes every query here run into it.
    sandbox = await startNetSuiteSandbox({ suiteQlRowCap: 1_000 })
    conn = connect(sandbox)
    // Modification times out of id order, many records per second.
    for (let i = 0; i < total; i++) {
      sandbox.records.create(
        'customer',
        { companyName: `Poll ${i}`, subsidiary: { id: '1' } },
        { at: base + ((i * 37) % 400) * 1000 },
      )
    }
  })
  afterAll(async () => {
    await conn.close()
    await sandbox.close()
  })

  async function drain(cursor: string | null, opts: { overlapMs: number; pageSize?: number }, stopAfter = Infinity) {
    const pages: ChangePage[] = []
    for await (const page of conn.object('customer').listChanged(cursor, opts)) {
      pages.push(page)
      if (pages.length >= stopAfter) break
    }
    return pages
  }

  it('reads every record exactly once, oldest first, in pages past the row cap', async () => {
    const pages = await drain(null, { overlapMs: 0, pageSize: 1_000 })
    const changes = pages.flatMap((p) => p.changes)
    expect(changes).toHaveLength(total)
    expect(new Set(changes.map((c) => c.id)).size).toBe(total)
    const keys = changes.map((c) => [Date.parse(c.modifiedAt), Number(c.id)] as const)
    for (let i = 1; i < keys.length; i++) {
      const [t0, id0] = keys[i - 1]!
      const [t1, id1] = keys[i]!
      expect(t1 > t0 || (t1 === t0 && id1 > id0)).toBe(true)
    }
    // The cursor is account-local time (Los Angeles, UTC-8 in March before DST).
    expect(pages.at(-1)?.cursor).toBe('2025-03-01 00:06:39')
    expect(changes.at(-1)?.modifiedAt).toBe('2025-03-01T08:06:39Z')
  })

  it('resumes from a stored cursor, re-reading only the overlap', async () => {
    const firstRun = await drain(null, { overlapMs: 0, pageSize: 500 }, 2)
    const cursor = firstRun.at(-1)!.cursor
    const seen = new Set(firstRun.flatMap((p) => p.changes.map((c) => c.id)))
    const resumed = (await drain(cursor, { overlapMs: 5_000, pageSize: 500 })).flatMap((p) => p.changes)
    for (const c of resumed) seen.add(c.id)
    expect(seen.size).toBe(total)
    // Only the overlap (five seconds before the cursor) is read twice.
    const cursorInstant = Date.parse(`${cursor.replace(' ', 'T')}-08:00`)
    const reread = resumed.filter((c) => firstRun.some((p) => p.changes.some((x) => x.id === c.id)))
    expect(reread.every((c) => Date.parse(c.modifiedAt) >= cursorInstant - 5_000)).toBe(true)
  })

  it('finds only what changed after the last cursor', async () => {
    const all = await drain(null, { overlapMs: 0 })
    const cursor = all.at(-1)!.cursor
    const later = base + 3_600_000
    const touched = sandbox.records.ids('customer').slice(0, 3)
    for (const [i, id] of touched.entries())
      sandbox.records.update('customer', id, { comments: 'edited' }, { at: later + i * 1000 })
    const pages = await drain(cursor, { overlapMs: 0 })
    const ids = pages
      .flatMap((p) => p.changes)
      .filter((c) => Date.parse(c.modifiedAt) >= later)
      .map((c) => c.id)
    expect(ids).toEqual(touched)
    expect(pages.at(-1)?.cursor).toBe('2025-03-01 01:00:02')
    expect(await drain('2025-03-01 01:00:03', { overlapMs: 0 })).toEqual([])
  })
})

describe('listChanged across the hour repeated when DST ends', () => {
  let sandbox: NetSuiteSandbox
  let conn: Connection

  beforeAll(async () => {
    sandbox = await startNetSuiteSandbox({})
    conn = connect(sandbox)
    // 2025-11-02 in Los Angeles: 01:00-02:00 happens twice (PDT, then PST). 60 changes in each pass, more
    // than a page, so a keyset bound read as local time falls back onto rows already read.
    const pdt = Date.parse('2025-11-02T08:00:00Z')
    for (let i = 0; i < 60; i++)
      sandbox.records.create('customer', { companyName: `PDT ${i}`, subsidiary: { id: '1' } }, { at: pdt + i * 60_000 })
    for (let i = 0; i < 60; i++) {
      sandbox.records.create(
        'customer',
        { companyName: `PST ${i}`, subsidiary: { id: '1' } },
        { at: pdt + 3_600_000 + i * 60_000 + 30_000 },
      )
    }
    sandbox.records.create('customer', { companyName: 'Later', subsidiary: { id: '1' } }, { at: pdt + 4 * 3_600_000 })
  })
  afterAll(async () => {
    await conn.close()
    await sandbox.close()
  })

  it('still reaches every record and ends, re-reading rather than skipping', async () => {
    const seen = new Set<string>()
    let pages = 0
    let lastCursor = ''
    for await (const page of conn.object('customer').listChanged(null, { overlapMs: 0, pageSize: 10 })) {
      for (const c of page.changes) seen.add(c.id)
      lastCursor = page.cursor
      pages++
      expect(pages).toBeLessThan(200)
    }
    expect(seen.size).toBe(121)
    expect(lastCursor).toBe('2025-11-02 04:00:00')
  })
})
