import { PermanentError } from '../../errors.ts'
import { signWebhook, verifyWebhook } from '../../lib/webhook-signature.ts'
import type { ChangeEvent, ChangeType, InboundWebhook } from '../types.ts'
import { isOwnChange } from './call-options.ts'
import { type ChangeEventBatch, type ChangeEventMessage, changeEventBatchSchema } from './change-event-schema.ts'
import { isSoapRequest, type OutboundMessageSettings, parseOutboundMessage } from './outbound-message.ts'

/** CDC change types; GAP_* events carry no field data but still name the records to re-read. */
const changeTypes: Record<string, ChangeType> = {
  CREATE: 'create',
  UPDATE: 'update',
  DELETE: 'delete',
  UNDELETE: 'undelete',
  GAP_CREATE: 'create',
  GAP_UPDATE: 'update',
  GAP_DELETE: 'delete',
  GAP_UNDELETE: 'undelete',
}

/** What a Salesforce connection needs to check its inbound requests. */
export interface SalesforceWebhookSettings {
  /** HMAC keys of signed change events: the current one and, while rotating, the previous one. */
  secrets: readonly string[]
  /** Unset: Outbound Messages are refused. */
  outboundMessages?: OutboundMessageSettings | undefined
}

/**
 * One endpoint per connection takes both: SOAP Outbound Messages and signed JSON change events. The core's
 * connection and the edge Worker both call this, so a request is judged the same wherever it lands.
 */
export function parseSalesforceWebhook(req: Request, settings: SalesforceWebhookSettings): Promise<InboundWebhook> {
  return isSoapRequest(req)
    ? parseOutboundMessage(req, settings.outboundMessages)
    : parseChangeEvents(req, settings.secrets)
}

/**
 * Verifies, validates and normalises one inbound change-event request. The signature is checked first,
 * over the raw body; any failure says only "signature invalid or stale", so a caller learns nothing about
 * which check failed. A body that does not validate names the first bad path.
 */
export async function parseChangeEvents(req: Request, secrets: readonly string[]): Promise<InboundWebhook> {
  const raw = await req.text()
  const verified = secrets.length > 0 && (await verifyWebhook(secrets, raw, req.headers)).ok
  if (!verified) throw new PermanentError('WEBHOOK_UNAUTHORIZED', 'signature invalid or stale')
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    throw new PermanentError('WEBHOOK_INVALID_BODY', 'body: not JSON')
  }
  const parsed = changeEventBatchSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const path = issue?.path.map(String).join('.') || 'body'
    throw new PermanentError('WEBHOOK_INVALID_BODY', `${path}: ${issue?.message ?? 'invalid'}`)
  }
  return { events: parsed.data.events.flatMap(toChangeEvents) }
}

/** One ChangeEvent per named record; none for our own writes echoing back or for wildcard ids. */
export function toChangeEvents(message: ChangeEventMessage): ChangeEvent[] {
  const h = message.payload.ChangeEventHeader
  if (isOwnChange(h.changeOrigin)) return []
  const eventId =
    h.transactionKey !== undefined && h.sequenceNumber !== undefined
      ? `${h.transactionKey}:${h.sequenceNumber}`
      : `replay:${message.event?.replayId}`
  return (
    h.recordIds
      // `001*`-style wildcards mark type conversions: there is no single record to re-read.
      .filter((id) => !id.endsWith('*'))
      .map((recordId) => ({
        object: h.entityName,
        recordId,
        changeType: changeTypes[h.changeType] ?? 'unknown',
        eventId,
        ...(h.commitTimestamp !== undefined ? { occurredAt: new Date(h.commitTimestamp).toISOString() } : {}),
        ...(h.changeOrigin !== undefined ? { origin: h.changeOrigin } : {}),
      }))
  )
}

/** One change to announce with {@link buildChangeEventRequest}. */
export interface ChangeEventInput {
  object: string
  recordIds: string[]
  changeType: 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE' | 'GAP_CREATE' | 'GAP_UPDATE' | 'GAP_DELETE' | 'GAP_UNDELETE'
  /** Default: a fresh random key per event. */
  transactionKey?: string
  sequenceNumber?: number
  replayId?: number
  /** `changeOrigin`; default a REST write by another client. */
  origin?: string
  /** UPDATE: the changed field names. */
  changedFields?: string[]
  /** Field values carried in the body, as CDC sends them (Tandem ignores them). */
  fields?: Record<string, unknown>
}

/**
 * Builds a signed change-event request (body and headers) as an Apex trigger, a CDC relay or the demo
 * sends it to `POST /webhooks/<connection>`.
 *
 * @example
 * const { body, headers } = await buildChangeEventRequest(secret, [
 *   { object: 'Account', recordIds: [id], changeType: 'UPDATE', transactionKey: 'tx-1', replayId: 7 },
 * ])
 * await fetch(`${tandemUrl}/webhooks/crm`, { method: 'POST', headers, body })
 */
export async function buildChangeEventRequest(
  secret: string,
  events: readonly ChangeEventInput[],
  nowMs = Date.now(),
): Promise<{ body: string; headers: Record<string, string> }> {
  const batch: ChangeEventBatch = {
    events: events.map((e) => ({
      schema: 'tandem-change-event-v1',
      payload: {
        ...e.fields,
        ChangeEventHeader: {
          entityName: e.object,
          recordIds: e.recordIds,
          changeType: e.changeType,
          changeOrigin: e.origin ?? 'com/salesforce/api/rest/62.0',
          transactionKey: e.transactionKey ?? crypto.randomUUID(),
          sequenceNumber: e.sequenceNumber ?? 1,
          commitTimestamp: nowMs,
          ...(e.changedFields ? { changedFields: e.changedFields } : {}),
        },
      },
      ...(e.replayId !== undefined ? { event: { replayId: e.replayId } } : {}),
    })),
  }
  const body = JSON.stringify(batch)
  const headers = await signWebhook(secret, body, Math.floor(nowMs / 1000))
  return { body, headers: { ...headers, 'content-type': 'application/json' } }
}
