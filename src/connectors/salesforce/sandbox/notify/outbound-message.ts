import { XMLBuilder, XMLParser } from 'fast-xml-parser'
import type { StoredRecord } from '../org.ts'
import type { ObjectDescribe } from '../schema.ts'

/** One queued notification: its own id (Salesforce's `04l…`), and the record it is about. */
export interface OutboundNotification {
  id: string
  object: string
  recordId: string
}

const outboundNs = 'http://soap.sforce.com/2005/09/outbound'
// suppressBooleanAttributes off: `xsi:nil="true"` must keep its value to be well-formed XML.
const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
})
const parser = new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false })

/** A field value as the enterprise WSDL types it: instants in UTC with milliseconds, the rest as text. */
function soapValue(type: string, value: unknown): string {
  if (type === 'datetime' && typeof value === 'number') return new Date(value).toISOString()
  return String(value)
}

/**
 * The SOAP `notifications` request an Outbound Message action sends (SOAP API guide, "Outbound Messaging
 * WSDL"): org and action ids, a session id (nil: "Send Session ID" off), the endpoint URLs, then up to
 * 100 `Notification`s, each an `sObject` typed `sf:<Object>` holding the chosen fields' current values.
 */
export function buildNotifications(opts: {
  orgId: string
  actionId: string
  baseUrl: string
  version: string
  object: ObjectDescribe
  fields: readonly string[] | undefined
  notifications: readonly { id: string; record: StoredRecord }[]
}): string {
  const org15 = opts.orgId.slice(0, 15)
  const wanted = opts.fields ? new Set(['Id', ...opts.fields].map((f) => f.toLowerCase())) : null
  const notification = ({ id, record }: { id: string; record: StoredRecord }) => {
    const sObject: Record<string, unknown> = {
      '@_xsi:type': `sf:${opts.object.name}`,
      '@_xmlns:sf': 'urn:sobject.enterprise.soap.sforce.com',
    }
    for (const f of opts.object.fields) {
      const v = record[f.name]
      if (v === null || v === undefined || (wanted && !wanted.has(f.name.toLowerCase()))) continue
      sObject[`sf:${f.name}`] = soapValue(f.type, v)
    }
    return { Id: id, sObject }
  }
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    'soapenv:Envelope': {
      '@_xmlns:soapenv': 'http://schemas.xmlsoap.org/soap/envelope/',
      '@_xmlns:xsd': 'http://www.w3.org/2001/XMLSchema',
      '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
      'soapenv:Body': {
        notifications: {
          '@_xmlns': outboundNs,
          OrganizationId: opts.orgId,
          ActionId: opts.actionId,
          SessionId: { '@_xsi:nil': 'true' },
          EnterpriseUrl: `${opts.baseUrl}/services/Soap/c/${opts.version}/${org15}`,
          PartnerUrl: `${opts.baseUrl}/services/Soap/u/${opts.version}/${org15}`,
          Notification: opts.notifications.map(notification),
        },
      },
    },
  })
}

/** Whether a listener's answer acknowledges the message: HTTP 200 with `notificationsResponse/Ack` true. */
export function isAck(status: number, body: string): boolean {
  if (status !== 200) return false
  try {
    const doc = parser.parse(body) as { Envelope?: { Body?: { notificationsResponse?: { Ack?: unknown } } } }
    return String(doc.Envelope?.Body?.notificationsResponse?.Ack ?? '').trim() === 'true'
  } catch {
    return false
  }
}
