import type { MessageSendRequest, Queue } from '@cloudflare/workers-types/index.ts'
import { describe, expect, it } from 'vitest'
import { buildNetSuiteWebhook } from '../../../src/connectors/netsuite/webhook.ts'
import { outboundAck } from '../../../src/connectors/salesforce/outbound-message.ts'
import { buildChangeEventRequest } from '../../../src/connectors/salesforce/webhook.ts'
import type { EdgeBindings } from '../../../src/edge/edge-settings.ts'
import { edgeApp } from '../../../src/edge/worker.ts'
import { type EdgeDelivery, edgeDeliverySchema } from '../../../src/lib/forwarded-batch.ts'

const crmSecret = 'crm-webhook-secret-for-edge-tests'
const erpSecret = 'erp-webhook-secret-for-edge-tests'
const orgId = '00D000000000001'

/** The producer side of a queue, keeping what was sent; `fail` makes sendBatch throw as an outage would. */
function recordingQueue(opts: { fail?: boolean } = {}) {
  const sent: MessageSendRequest<EdgeDelivery>[][] = []
  const queue = {
    async sendBatch(messages: Iterable<MessageSendRequest<EdgeDelivery>>) {
      if (opts.fail) throw new Error('queue unavailable')
      sent.push([...messages])
    },
  } as unknown as Queue<EdgeDelivery>
  return { queue, sent }
}

function bindings(overrides: Partial<EdgeBindings> = {}, queue = recordingQueue().queue): EdgeBindings {
  return {
    INGRESS: queue,
    TANDEM_CORE_URL: 'https://tandem.example.com',
    TANDEM_CONNECTIONS: {
      crm: {
        type: 'salesforce',
        webhook: { secret: 'CRM_WEBHOOK_SECRET' },
        outboundMessages: { organizationId: orgId, token: 'CRM_OUTBOUND_TOKEN' },
      },
      erp: { type: 'netsuite', webhook: { secret: 'ERP_WEBHOOK_SECRET' } },
    },
    CRM_WEBHOOK_SECRET: crmSecret,
    ERP_WEBHOOK_SECRET: erpSecret,
    CRM_OUTBOUND_TOKEN: 'outbound-token-value',
    ...overrides,
  }
}

const netsuiteEvent = {
  recordType: 'salesorder',
  id: 77,
  type: 'edit' as const,
  eventId: 'salesorder:77:1',
  occurredAt: '2026-11-20T08:00:00Z',
  executionContext: 'USERINTERFACE',
}

function outboundMessage(org = orgId): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>${org}</OrganizationId>
   <Notification>
    <Id>04l000000000001AAA</Id>
    <sObject xsi:type="sf:Account" xmlns:sf="urn:sobject.enterprise.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
     <sf:Id>001000000000001AAA</sf:Id>
     <sf:LastModifiedDate>2026-11-20T08:00:00.000Z</sf:LastModifiedDate>
    </sObject>
   </Notification>
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>`
}

describe('the edge Worker app', () => {
  it('queues a signed NetSuite User Event post as one delivery, normalised as the core would', async () => {
    const { queue, sent } = recordingQueue()
    const { body, headers } = await buildNetSuiteWebhook(erpSecret, [netsuiteEvent])
    const res = await edgeApp.request('/webhooks/erp', { method: 'POST', headers, body }, bindings({}, queue))
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ queued: 1 })
    expect(sent).toHaveLength(1)
    const [message] = sent[0]!
    expect(message!.contentType).toBe('json')
    const delivery = edgeDeliverySchema.parse(message!.body)
    expect(delivery).toMatchObject({
      connection: 'erp',
      events: [
        {
          object: 'salesOrder',
          recordId: '77',
          changeType: 'update',
          eventId: 'salesorder:77:1',
          occurredAt: '2026-11-20T08:00:00Z',
          origin: 'USERINTERFACE',
        },
      ],
    })
  })

  it('queues nothing and answers 202 when every event is an echo of our own writes', async () => {
    const { queue, sent } = recordingQueue()
    const { body, headers } = await buildChangeEventRequest(crmSecret, [
      { object: 'Account', recordIds: ['001000000000002AAA'], changeType: 'UPDATE', origin: 'client=tandem' },
    ])
    const res = await edgeApp.request('/webhooks/crm', { method: 'POST', headers, body }, bindings({}, queue))
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ queued: 0 })
    expect(sent).toEqual([])
  })

  it('takes an Outbound Message with the right token and answers with the SOAP Ack', async () => {
    const { queue, sent } = recordingQueue()
    const init = { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body: outboundMessage() }
    const res = await edgeApp.request('/webhooks/crm?token=outbound-token-value', init, bindings({}, queue))
    expect(res.status).toBe(200)
    expect(await res.text()).toBe(outboundAck)
    expect(edgeDeliverySchema.parse(sent[0]![0]!.body).events).toEqual([
      {
        object: 'Account',
        recordId: '001000000000001AAA',
        changeType: 'unknown',
        eventId: 'om:04l000000000001AAA',
        occurredAt: '2026-11-20T08:00:00.000Z',
      },
    ])
    const wrongToken = await edgeApp.request('/webhooks/crm?token=outbound-token-valuf', init, bindings({}, queue))
    expect(wrongToken.status).toBe(401)
    expect(sent).toHaveLength(1)
  })

  it('refuses a wrong signature with 401 and a bad body with 400 naming the path, queueing neither', async () => {
    const { queue, sent } = recordingQueue()
    const signedWrong = await buildNetSuiteWebhook('not-the-secret', [netsuiteEvent])
    const unauthorized = await edgeApp.request('/webhooks/erp', { method: 'POST', ...signedWrong }, bindings({}, queue))
    expect(unauthorized.status).toBe(401)
    expect(await unauthorized.json()).toEqual({
      error: { code: 'WEBHOOK_UNAUTHORIZED', message: 'webhook signature missing, invalid or expired' },
    })
    const invalid = await buildNetSuiteWebhook(erpSecret, [{ ...netsuiteEvent, type: 'teleport' as 'edit' }])
    const bad = await edgeApp.request('/webhooks/erp', { method: 'POST', ...invalid }, bindings({}, queue))
    expect(bad.status).toBe(400)
    const { error } = (await bad.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe('WEBHOOK_INVALID_BODY')
    expect(error.message).toMatch(/^events\[0\]\.type: /)
    expect(sent).toEqual([])
  })

  it('answers 404 for a connection it does not serve, even one named like an object property', async () => {
    for (const name of ['ledger', 'constructor', '__proto__']) {
      const res = await edgeApp.request(`/webhooks/${name}`, { method: 'POST', body: '{}' }, bindings())
      expect(res.status).toBe(404)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('CONNECTION_UNKNOWN')
    }
  })

  it('answers 503 when the queue does not take the events, so the source retries', async () => {
    const { body, headers } = await buildNetSuiteWebhook(erpSecret, [netsuiteEvent])
    const res = await edgeApp.request(
      '/webhooks/erp',
      { method: 'POST', headers, body },
      bindings({}, recordingQueue({ fail: true }).queue),
    )
    expect(res.status).toBe(503)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('EDGE_QUEUE_UNAVAILABLE')
  })

  it('names a missing secret by its variable, never showing a value, and reports bad vars on /health', async () => {
    const { body, headers } = await buildNetSuiteWebhook(erpSecret, [netsuiteEvent])
    const res = await edgeApp.request(
      '/webhooks/erp',
      { method: 'POST', headers, body },
      bindings({ ERP_WEBHOOK_SECRET: undefined }),
    )
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({
      error: {
        code: 'EDGE_CONFIG_INVALID',
        message:
          'TANDEM_CONNECTIONS.erp.webhook.secret names ERP_WEBHOOK_SECRET, which is not set: wrangler secret put ERP_WEBHOOK_SECRET',
      },
    })
    expect((await edgeApp.request('/health', {}, bindings())).status).toBe(200)
    const broken = await edgeApp.request('/health', {}, bindings({ TANDEM_CORE_URL: 'ftp://core' }))
    expect(broken.status).toBe(500)
    expect(((await broken.json()) as { error: { message: string } }).error.message).toMatch(/^TANDEM_CORE_URL: /)
  })
})
