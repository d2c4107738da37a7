import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createNetSuiteConnection } from '../../../../src/connectors/netsuite/connection.ts'
import { netsuite } from '../../../../src/connectors/netsuite/index.ts'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../../../src/connectors/netsuite/sandbox/server.ts'
import type { Connection, SourceRecord } from '../../../../src/connectors/types.ts'

/**
 * Faults injected through the sandbox's admin endpoint, met by the connector over HTTP: reads and SuiteQL
 * ride out 429s, 500s and bodiless 503s in the call; a write refused by a workflow lock comes back
 * transient for the queue to retry; an error rate across a listing still yields every record.
 */

const logger = { debug() {}, info() {}, warn() {}, error() {} }

describe('NetSuite connector under injected faults', () => {
  let sandbox: NetSuiteSandbox
  let conn: Connection

  const setFaults = async (settings: Record<string, unknown>) => {
    const res = await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${sandbox.credentials.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(settings),
    })
    expect(res.status).toBe(200)
  }

  beforeAll(async () => {
    sandbox = await startNetSuiteSandbox({ seed: true })
    const settings = netsuite.sandboxConfig({ type: 'netsuite', accountId: '', auth: {} }, sandbox)
    conn = createNetSuiteConnection(
      netsuite.configSchema.parse(settings),
      { logger },
      {
        // Enough tries that a 20% error rate cannot exhaust them in practice (0.2^9 per request).
        retry: { retries: 8, minMs: 1, maxMs: 10 },
      },
    )
  })
  afterAll(async () => {
    await conn.close()
    await sandbox.close()
  })
  afterEach(() => setFaults({}))

  it('retries a read through a 429, a 500 and a 503 with no body, then returns the record', async () => {
    const [id] = sandbox.records.ids('customer')
    await setFaults({
      failNext: [
        { error: 429, count: 1, method: 'GET', path: '/record/v1/customer/' },
        { error: 500, count: 1, method: 'GET', path: '/record/v1/customer/' },
        { error: 503, count: 1, method: 'GET', path: '/record/v1/customer/' },
      ],
    })
    sandbox.requestLog.clear()
    const found = await conn.object('customer').getMany([id!], ['companyName'])
    expect(found.get(id!)?.data.companyName).toBeTruthy()
    const statuses = sandbox.requestLog
      .entries()
      .filter((e) => e.target.startsWith(`/services/rest/record/v1/customer/${id}`))
      .map((e) => e.status)
    expect(statuses).toEqual([429, 500, 503, 200])
  })

  it('retries SuiteQL pages the same way while polling', async () => {
    await setFaults({ failNext: [{ error: 503, count: 2, method: 'POST', path: '/query/v1/suiteql' }] })
    const ids: string[] = []
    for await (const page of conn.object('customer').listChanged(null, { overlapMs: 0 })) {
      ids.push(...page.changes.map((c) => c.id))
    }
    expect(ids.sort()).toEqual(sandbox.records.ids('customer').sort())
  })

  it('returns a write refused by a workflow lock as transient, carrying NetSuite’s detail, and nothing changed', async () => {
    const [id] = sandbox.records.ids('customer')
    const before = sandbox.records.get('customer', id!)?.comments
    await setFaults({ failNext: [{ error: 'locked', count: 1, method: 'PATCH' }] })
    const [result] = await conn.object('customer').update([{ id: id!, comments: 'locked out' }])
    expect(result?.ok).toBe(false)
    if (result?.ok === false) {
      expect([result.error.kind, result.error.code]).toEqual(['transient', 'NS_USER_ERROR'])
      expect(result.error.message).toMatch(/locked by a user defined workflow/)
    }
    expect(sandbox.records.get('customer', id!)?.comments).toBe(before)
  })

  it('lists every record once while a fifth of all requests fail', async () => {
    await setFaults({ errorRate: 0.2, errors: [429, 500, 503] })
    const all: SourceRecord[] = []
    for await (const page of conn.object('customer').listAll({ fields: ['companyName'] })) all.push(...page)
    expect(all.map((r) => r.id).sort()).toEqual(sandbox.records.ids('customer').sort())
    const names = new Map(sandbox.records.list('customer').map((c) => [c.id, c.companyName]))
    expect(all.every((r) => r.data.companyName === names.get(r.id))).toBe(true)
  })
})
