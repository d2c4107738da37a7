import { XMLParser } from 'fast-xml-parser'
import { z } from 'zod'
import { PermanentError } from '../../errors.ts'
import type { ChangeEvent, InboundWebhook } from '../types.ts'

/**
 * Inbound Outbound Messages: the SOAP `notifications` call a Workflow rule or Flow action POSTs (SOAP API
 * guide, "Outbound Messaging"). Salesforce retries until it gets the `Ack`, for up to 24 hours, so the Ack
 * is sent only once the events are stored; redeliveries carry the same Notification Id, which is the
 * event id the inbox dedupes on.
 */
const maxBodyBytes = 5 * 1024 * 1024

/** The acknowledgement Salesforce waits for (outbound messaging WSDL, `notificationsResponse`). */
export const outboundAck = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">
 <soapenv:Body>
  <notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">
   <Ack>true</Ack>
  </notificationsResponse>
 </soapenv:Body>
</soapenv:Envelope>
`

// Entities stay unexpanded and no DTD is read: a listener must not be an XML-bomb target.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  processEntities: false,
  isArray: (name) => name === 'Notification',
})

const idText = z.string().regex(/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/)

const notificationsSchema = z.looseObject({
  OrganizationId: idText,
  ActionId: z.string().optional(),
  Notification: z
    .array(
      z.looseObject({
        Id: idText,
        sObject: z.looseObject({
          '@_type': z.string().regex(/^(?:\w+:)?[A-Za-z][A-Za-z0-9_]*$/),
          Id: idText,
          LastModifiedDate: z.string().optional(),
        }),
      }),
    )
    .min(1)
    .max(100),
})

const envelopeSchema = z.looseObject({
  Envelope: z.looseObject({ Body: z.looseObject({ notifications: notificationsSchema }) }),
})

/**
 * A constant-time check of the `?token=` an org presents. The core passes its `Secret`; the edge Worker,
 * which has no node:crypto, passes a Web Crypto check, hence the optional promise.
 */
export interface TokenCheck {
  equals(presented: string): boolean | Promise<boolean>
}

export interface OutboundMessageSettings {
  organizationId: string
  token?: TokenCheck | undefined
}

const refused = () => new PermanentError('WEBHOOK_UNAUTHORIZED', 'outbound message refused: unknown org or token')

/** Verifies the sender (org, and token when configured), parses the notifications and answers with the Ack. */
export async function parseOutboundMessage(
  req: Request,
  settings: OutboundMessageSettings | undefined,
): Promise<InboundWebhook> {
  if (!settings) {
    throw new PermanentError('WEBHOOK_UNAUTHORIZED', 'this connection does not accept Outbound Messages')
  }
  if (settings.token) {
    const presented = new URL(req.url).searchParams.get('token') ?? ''
    if (!(await settings.token.equals(presented))) throw refused()
  }
  const raw = await req.text()
  if (raw.length > maxBodyBytes) throw new PermanentError('WEBHOOK_INVALID_BODY', 'body: too large')
  let doc: unknown
  try {
    doc = parser.parse(raw, true)
  } catch {
    throw new PermanentError('WEBHOOK_INVALID_BODY', 'body: not well-formed XML')
  }
  const parsed = envelopeSchema.safeParse(doc)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new PermanentError(
      'WEBHOOK_INVALID_BODY',
      `${issue?.path.map(String).join('.') || 'body'}: ${issue?.message}`,
    )
  }
  const n = parsed.data.Envelope.Body.notifications
  // Org ids compare on their case-sensitive 15-character form; either length may be configured.
  if (n.OrganizationId.slice(0, 15) !== settings.organizationId.slice(0, 15)) throw refused()
  const events: ChangeEvent[] = n.Notification.map((item) => {
    const modified = item.sObject.LastModifiedDate ? Date.parse(item.sObject.LastModifiedDate) : Number.NaN
    return {
      object: item.sObject['@_type'].replace(/^\w+:/, ''),
      recordId: item.sObject.Id,
      // An Outbound Message says that a record matched its rule, not how it changed.
      changeType: 'unknown',
      eventId: `om:${item.Id}`,
      ...(Number.isNaN(modified) ? {} : { occurredAt: new Date(modified).toISOString() }),
    }
  })
  return {
    events,
    respond: () => new Response(outboundAck, { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } }),
  }
}

/** Whether a request is SOAP (an Outbound Message) rather than JSON change events. */
export function isSoapRequest(req: Request): boolean {
  return /^(text\/xml|application\/soap\+xml)\b/i.test(req.headers.get('content-type') ?? '')
}
