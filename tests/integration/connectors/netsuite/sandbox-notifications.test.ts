import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../../../src/connectors/netsuite/sandbox/server.ts'
import { parseNetSuiteWebhook } from '../../../../src/connectors/netsuite/webhook.ts'
import { waitFor } from '../../../helpers/wait-for.ts'
import { call, idOf } from './signed-call.ts'

/**
 * The sandbox's User Event posts reach a real HTTP listener, signed so that the connector's webhook
 * verification accepts them; a change the integration writes through REST is not posted (no echo).
 */

interface Received {
  headers: IncomingHttpHeaders
  body: string
}

describe('NetSuite sandbox User Event posts', () => {
  let listener: Server
  let received: Received[]
  let answer = 204
  let sb: NetSuiteSandbox

  beforeAll(async () => {
    received = []
    listener = createServer((req, res) => {
      let body = ''
      req.setEncoding('utf8')
      req.on('data', (chunk: string) => {
        body += chunk
      })
      req.on('end', () => {
        received.push({ headers: req.headers, body })
        res.writeHead(answer).end()
      })
    })
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
    const { port } = listener.address() as AddressInfo
    sb = await startNetSuiteSandbox({
      notifyUrl: `http://127.0.0.1:${port}/webhooks/erp`,
      notifications: { retryDelayMs: 1 },
    })
  })
  afterEach(() => {
    received.length = 0
    answer = 204
  })
  afterAll(async () => {
    await sb.close()
    await new Promise<void>((resolve) => listener.close(() => resolve()))
  })

  /** A received post as the connector sees it: verified with the connection's secret, normalised. */
  async function verified(r: Received) {
    const headers = Object.fromEntries(
      Object.entries(r.headers).filter((e): e is [string, string] => typeof e[1] === 'string'),
    )
    const req = new Request('http://tandem.local/webhooks/erp', { method: 'POST', headers, body: r.body })
    return parseNetSuiteWebhook(req, [sb.credentials.webhookSecret])
  }

  it('posts a change made in the UI, signed so the connector accepts it', async () => {
    const id = sb.records.create('customer', { companyName: 'Sài Gòn Xanh', subsidiary: { id: '1' } })
    await waitFor(() => received.length === 1)
    const inbound = await verified(received[0]!)
    const stored = sb.records.get('customer', id) as { lastModifiedDate: string }
    expect(inbound.events).toEqual([
      {
        object: 'customer',
        recordId: id,
        changeType: 'create',
        eventId: `customer:${id}:create:${Date.parse(stored.lastModifiedDate)}`,
        occurredAt: stored.lastModifiedDate,
        origin: 'USERINTERFACE',
      },
    ])
    expect(received[0]!.headers['content-type']).toBe('application/json')
  })

  it('does not post what the integration writes through REST, in any write form', async () => {
    const created = idOf(
      await call(sb, 'POST', '/record/v1/customer', { body: { companyName: 'Echo Co', subsidiary: { id: '1' } } }),
    )
    await call(sb, 'PATCH', `/record/v1/customer/${created}`, { body: { phone: '1' } })
    await call(sb, 'PUT', '/record/v1/customer/eid:ECHO-2', {
      body: { companyName: 'Echo 2', subsidiary: { id: '1' } },
    })
    await call(sb, 'DELETE', `/record/v1/customer/${created}`)
    // A UI edit afterwards is posted: when it arrives, anything posted before it would have arrived too.
    const marker = sb.records.create('customer', { companyName: 'Marker', subsidiary: { id: '1' } })
    await waitFor(() => received.length >= 1)
    await sb.notifications.idle()
    const events = (await Promise.all(received.map(verified))).flatMap((w) => w.events)
    expect(events.map((e) => e.recordId)).toEqual([marker])
    expect(sb.notifications.stats().skipped).toBeGreaterThanOrEqual(4)
  })

  it('posts edits and deletes with their own event ids, by SuiteScript record type', async () => {
    const item = sb.records.create('nonInventorySaleItem', { itemId: 'SVC-1' })
    sb.records.update('nonInventorySaleItem', item, { displayName: 'Service' }, { at: Date.now() + 2000 })
    sb.records.remove('nonInventorySaleItem', item)
    await waitFor(() => received.length === 3)
    const events = (await Promise.all(received.map(verified))).flatMap((w) => w.events)
    expect(events.map((e) => [e.object, e.changeType])).toEqual([
      ['nonInventorySaleItem', 'create'],
      ['nonInventorySaleItem', 'update'],
      ['nonInventorySaleItem', 'delete'],
    ])
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3)
  })

  it('tries a failing listener three times, then gives up without undoing the save', async () => {
    answer = 503
    const before = sb.notifications.stats().failed
    const id = sb.records.create('customer', { companyName: 'Retry Co', subsidiary: { id: '1' } })
    await waitFor(() => sb.notifications.stats().failed === before + 1)
    expect(received).toHaveLength(3)
    expect(new Set(received.map((r) => r.body)).size).toBe(1)
    expect(sb.records.get('customer', id)).toBeDefined()
  })

  it('refuses a post whose signature was computed with another secret', async () => {
    sb.records.create('customer', { companyName: 'Signed Co', subsidiary: { id: '1' } })
    await waitFor(() => received.length === 1)
    const req = new Request('http://tandem.local/webhooks/erp', {
      method: 'POST',
      headers: received[0]!.headers as Record<string, string>,
      body: received[0]!.body,
    })
    await expect(parseNetSuiteWebhook(req, ['another-secret'])).rejects.toMatchObject({ code: 'WEBHOOK_UNAUTHORIZED' })
  })
})
