import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { XMLParser } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { salesforce } from '../../../../src/connectors/salesforce/index.ts'
import { type SalesforceSandbox, startSalesforceSandbox } from '../../../../src/connectors/salesforce/sandbox/server.ts'
import type { ChangeEvent, Connection } from '../../../../src/connectors/types.ts'
import { verifyWebhook } from '../../../../src/lib/webhook-signature.ts'
import { waitFor } from '../../../helpers/wait-for.ts'
import { jsforceLogin } from './sandbox-client.ts'

// The sandbox's outbound side: Outbound Messages (SOAP, redelivered until acknowledged) and signed change
// events, received by a listener that hands them to the connector's parseWebhook, as Tandem's webhook does.
const examples = new URL('../../../../../shared/reference/salesforce-examples/', import.meta.url)
const xml = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, parseTagValue: false })

interface Delivery {
  contentType: string
  headers: Headers
  body: string
  status: number
}

let sandbox: SalesforceSandbox
let connection: Connection
let listener: ReturnType<typeof serve>
let listenerUrl: string
let down = false
const deliveries: Delivery[] = []
const events: ChangeEvent[] = []

beforeAll(async () => {
  listener = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve(
      {
        port: 0,
        hostname: '127.0.0.1',
        fetch: async (req) => {
          const body = await req.clone().text()
          const contentType = req.headers.get('content-type') ?? ''
          if (down) {
            deliveries.push({ contentType, headers: req.headers, body, status: 503 })
            return new Response('unavailable', { status: 503 })
          }
          const inbound = await connection.parseWebhook(req)
          events.push(...inbound.events)
          const res = inbound.respond ? inbound.respond() : new Response(null, { status: 202 })
          deliveries.push({ contentType, headers: req.headers, body, status: res.status })
          return res
        },
      },
      () => resolve(s),
    )
  })
  listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/webhooks/crm`
  sandbox = await startSalesforceSandbox({
    seed: true,
    notifyUrl: listenerUrl,
    notifications: {
      changeEvents: ['Account'],
      outboundMessages: [{ object: 'Opportunity', fields: ['Name', 'StageName', 'Amount', 'LastModifiedDate'] }],
      retry: { initialMs: 20, maxMs: 80, giveUpMs: 60_000 },
    },
  })
  const settings = salesforce.sandboxConfig({ type: 'salesforce' }, sandbox)
  connection = await salesforce.create(salesforce.configSchema.parse(settings), {
    name: 'crm',
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  })
})
afterAll(async () => {
  await sandbox.close()
  await new Promise((r) => listener.close(r))
})

const opportunity = (name: string) => {
  const account = sandbox.org.create('Account', { Name: `${name} Co` })
  return sandbox.org.create('Opportunity', {
    Name: name,
    AccountId: account,
    StageName: 'Prospecting',
    CloseDate: '2026-12-31',
  })
}

describe('Salesforce sandbox Outbound Messages', () => {
  it('sends a SOAP notification shaped like the reference, acknowledged by the connector’s listener', async () => {
    const id = opportunity('Đơn hàng Huế')
    const delivered = await waitFor(() =>
      deliveries.find((d) => d.contentType.startsWith('text/xml') && d.body.includes(id) && d.status === 200),
    )
    const reference = xml.parse(readFileSync(new URL('outbound-message-notification.xml', examples), 'utf8'))
    const sent = xml.parse(delivered.body)
    const shape = (doc: typeof sent) => Object.keys(doc.Envelope.Body.notifications).sort()
    expect(shape(sent)).toEqual(shape(reference))
    const n = sent.Envelope.Body.notifications
    expect(n.OrganizationId).toBe(sandbox.org.orgId)
    expect(n.Notification.Id).toMatch(/^04l/)
    expect(n.Notification.sObject['@_type']).toBe('sf:Opportunity')
    expect(n.Notification.sObject).toMatchObject({ Id: id, Name: 'Đơn hàng Huế', StageName: 'Prospecting' })
    expect(events).toContainEqual(
      expect.objectContaining({ object: 'Opportunity', recordId: id, eventId: `om:${n.Notification.Id}` }),
    )
  })

  it('redelivers the same notification with backoff while the listener is down, until it is acknowledged', async () => {
    down = true
    const id = opportunity('Giao hàng Đà Lạt')
    await waitFor(() => deliveries.filter((d) => d.body.includes(id) && d.status === 503).length >= 3)
    const failedIds = deliveries
      .filter((d) => d.body.includes(id))
      .map((d) => xml.parse(d.body).Envelope.Body.notifications.Notification.Id)
    expect(new Set(failedIds).size).toBe(1)
    down = false
    await waitFor(() => events.some((e) => e.recordId === id))
    const stats = sandbox.state.notifier.stats().outboundMessages.Opportunity
    await waitFor(() => sandbox.state.notifier.stats().outboundMessages.Opportunity?.pending === 0)
    expect(stats?.failedAttempts).toBeGreaterThanOrEqual(3)
    expect(events.filter((e) => e.recordId === id).map((e) => e.eventId)).toEqual([`om:${failedIds[0]}`])
  })

  it('refuses a notification from another org, and answers with the reference Ack otherwise', async () => {
    const body = readFileSync(new URL('outbound-message-notification.xml', examples), 'utf8')
    const req = () =>
      new Request(listenerUrl, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body })
    await expect(connection.parseWebhook(req())).rejects.toMatchObject({ code: 'WEBHOOK_UNAUTHORIZED' })
    const own = await connection.parseWebhook(
      new Request(listenerUrl, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: body.replace('00D5g000004XyZaEAK', sandbox.org.orgId),
      }),
    )
    expect(own.events).toEqual([
      {
        object: 'Account',
        recordId: '0015g00000QwErTAAV',
        changeType: 'unknown',
        eventId: 'om:04l5g00000YhNuJAAV',
        occurredAt: '2024-05-02T07:30:00.000Z',
      },
    ])
    const ack = await own.respond!().text()
    expect(xml.parse(ack)).toEqual(xml.parse(readFileSync(new URL('outbound-message-ack.xml', examples), 'utf8')))
  })
})

describe('Salesforce sandbox change events', () => {
  it('signs CDC-shaped events, naming the API client in changeOrigin so our own writes are dropped', async () => {
    const conn = await jsforceLogin(sandbox)
    const theirs = await conn
      .sobject('Account')
      .create({ Name: 'Từ người dùng' }, { headers: { 'Sforce-Call-Options': 'client=sales-app' } })
    const ours = await connection
      .object('Account')
      .upsert('ERP_Customer_Id__c', [{ ERP_Customer_Id__c: 'OWN-1', Name: 'Từ Tandem' }])
    const ourId = ours[0]?.ok ? ours[0].id : ''
    const json = await waitFor(() => {
      const headers = deliveries
        .filter((d) => d.contentType.startsWith('application/json'))
        .map((d) => JSON.parse(d.body) as { events: { payload: { ChangeEventHeader: Record<string, unknown> } }[] })
        .flatMap((b) => b.events)
        .filter((e) => [theirs.id, ourId].includes((e.payload.ChangeEventHeader.recordIds as string[])[0]!))
        .map((e) => e.payload.ChangeEventHeader)
        .sort((a, b) => Number(a.commitNumber) - Number(b.commitNumber))
      return headers.length === 2 ? headers : undefined
    })
    expect(json[0]).toMatchObject({
      entityName: 'Account',
      changeType: 'CREATE',
      changeOrigin: 'com/salesforce/api/rest/62.0;client=sales-app',
      sequenceNumber: 1,
    })
    expect(json[1]!.changeOrigin).toBe('com/salesforce/api/rest/62.0;client=tandem')
    // The listener passed both through the connector: only the other client's change became an event.
    expect(events.some((e) => e.recordId === theirs.id && e.changeType === 'create')).toBe(true)
    expect(events.some((e) => e.recordId === ourId)).toBe(false)
    const signed = deliveries.find((d) => d.contentType.startsWith('application/json') && d.body.includes(theirs.id!))!
    expect((await verifyWebhook([sandbox.credentials.webhookSecret], signed.body, signed.headers)).ok).toBe(true)
    expect((await verifyWebhook(['another-secret'], signed.body, signed.headers)).ok).toBe(false)
  })

  it('sends an UPDATE with only the changed fields, and a DELETE with none', async () => {
    const id = sandbox.org.create('Account', { Name: 'Đổi tên' })
    sandbox.org.update('Account', id, { Phone: '+84 234 1' })
    sandbox.org.delete('Account', id)
    const bodies = await waitFor(() => {
      const found = deliveries
        .filter((d) => d.contentType.startsWith('application/json') && d.body.includes(id))
        .flatMap((d) => (JSON.parse(d.body) as { events: { payload: Record<string, unknown> }[] }).events)
        .map((e) => e.payload)
        .filter((p) => (p.ChangeEventHeader as { recordIds: string[] }).recordIds[0] === id)
      return found.length === 3 ? found : undefined
    })
    const [, update, del] = bodies
    expect(update).toMatchObject({
      ChangeEventHeader: { changeType: 'UPDATE', changedFields: ['Phone', 'LastModifiedDate'], changeOrigin: '' },
      Phone: '+84 234 1',
    })
    expect(Object.keys(update!).sort()).toEqual(['ChangeEventHeader', 'LastModifiedDate', 'Phone'])
    expect(Object.keys(del!)).toEqual(['ChangeEventHeader'])
  })
})
