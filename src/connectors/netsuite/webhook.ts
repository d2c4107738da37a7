import { z } from 'zod'
import { PermanentError } from '../../errors.ts'
import { signWebhook, verifyWebhook } from '../../lib/webhook-signature.ts'
import type { ChangeEvent, ChangeType, InboundWebhook } from '../types.ts'
import { restRecordType } from './record-catalog.ts'

/**
 * Inbound change notices from NetSuite. NetSuite has no configurable outbound webhook (reference §10):
 * a User Event script's afterSubmit posts them with N/https, signed like every Tandem webhook
 * (src/lib/webhook-signature.ts: `X-Tandem-Timestamp`, `X-Tandem-Signature: v1=<hex>`). The body:
 *
 * ```json
 * {"events":[{"recordType":"customer","id":"614","type":"edit","eventId":"customer:614:1736874331000",
 *   "occurredAt":"2025-01-14T17:05:31Z","executionContext":"USERINTERFACE"}]}
 * ```
 *
 * - `recordType`: `context.newRecord.type` (`customer`, `salesorder`; matched to REST names in any case)
 * - `id`: the internal id; `type`: `context.type` (a UserEventType); `executionContext`: `runtime.executionContext`
 * - `eventId`: unique per change, stable across the script's retries (record, id and lastmodifieddate do)
 *
 * The script skips saves made through REST web services so Tandem's own writes do not echo back; events
 * that arrive from that context anyway (a script deployed without the filter) are dropped here too. The
 * context is kept as the event's `origin`. No node: imports here: the edge Worker reuses the schema.
 */

/**
 * Execution contexts whose saves are Tandem's own writes: the connection writes through REST web services.
 * N/runtime reports `RESTWEBSERVICES`; the enum key `REST_WEBSERVICES` is accepted as the same.
 */
export const echoContexts: readonly string[] = ['RESTWEBSERVICES']

function isEcho(context: string, skip: readonly string[]): boolean {
  const norm = (c: string) => c.replaceAll('_', '').toUpperCase()
  return skip.some((s) => norm(s) === norm(context))
}

/** The UserEventType values an afterSubmit script can see. */
export const userEventTypes = [
  'create',
  'edit',
  'xedit',
  'delete',
  'approve',
  'reject',
  'cancel',
  'pack',
  'ship',
  'markcomplete',
  'reassign',
  'editforecast',
  'dropship',
  'specialorder',
  'orderitems',
  'paybills',
] as const

export const netsuiteWebhookEventSchema = z.object({
  recordType: z.string().min(1).max(100),
  // SuiteScript gives record ids as numbers or strings; NetSuite ids are strings everywhere else.
  id: z.union([z.string().regex(/^\d{1,15}$/, 'an internal id is digits'), z.int().positive()]).transform(String),
  type: z.enum(userEventTypes),
  eventId: z.string().min(1).max(200),
  occurredAt: z.iso.datetime({ offset: true }),
  executionContext: z.string().min(1).max(64),
})

export const netsuiteWebhookBodySchema = z.object({
  events: z.array(netsuiteWebhookEventSchema).min(1).max(1000),
})

export type NetSuiteWebhookEvent = z.input<typeof netsuiteWebhookEventSchema>
export type NetSuiteWebhookBody = z.output<typeof netsuiteWebhookBodySchema>

function changeTypeOf(type: (typeof userEventTypes)[number]): ChangeType {
  if (type === 'create') return 'create'
  if (type === 'delete') return 'delete'
  return 'update'
}

function formatIssuePath(path: readonly PropertyKey[]): string {
  return (
    path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') || '(body)'
  )
}

/**
 * Verifies the signature (constant time, five-minute window), then the body; returns normalised change
 * events. Failures are PermanentErrors: `WEBHOOK_UNAUTHORIZED` never says which check failed,
 * `WEBHOOK_INVALID_BODY` names the offending path.
 */
export async function parseNetSuiteWebhook(
  req: Request,
  secrets: readonly string[],
  opts: { nowSeconds?: number; skipContexts?: readonly string[] } = {},
): Promise<InboundWebhook> {
  const raw = await req.text()
  const verified = secrets.length > 0 ? await verifyWebhook(secrets, raw, req.headers, opts) : { ok: false }
  if (!verified.ok) throw new PermanentError('WEBHOOK_UNAUTHORIZED', 'webhook signature missing, invalid or expired')
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    throw new PermanentError('WEBHOOK_INVALID_BODY', 'body is not JSON')
  }
  const parsed = netsuiteWebhookBodySchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new PermanentError('WEBHOOK_INVALID_BODY', `${formatIssuePath(issue.path)}: ${issue.message}`)
  }
  const skip = opts.skipContexts ?? echoContexts
  const events: ChangeEvent[] = parsed.data.events
    .filter((e) => !isEcho(e.executionContext, skip))
    .map((e) => ({
      object: restRecordType(e.recordType),
      recordId: e.id,
      changeType: changeTypeOf(e.type),
      eventId: e.eventId,
      occurredAt: e.occurredAt,
      origin: e.executionContext,
    }))
  return { events }
}

/**
 * A signed webhook request as the User Event script sends it: the body and the headers to post with it.
 * For tests and tools; the sandbox's own notifier (issue 3/9) signs with src/lib/webhook-signature.ts
 * directly, since a sandbox shares no code with its connector.
 *
 * @example
 * const { body, headers } = await buildNetSuiteWebhook(secret, [{ recordType: 'customer', id: '614',
 *   type: 'edit', eventId: 'customer:614:1', occurredAt: new Date().toISOString(), executionContext: 'USERINTERFACE' }])
 * await fetch(`${tandem}/webhooks/erp`, { method: 'POST', headers, body })
 */
export async function buildNetSuiteWebhook(
  secret: string,
  events: readonly NetSuiteWebhookEvent[],
  nowSeconds?: number,
): Promise<{ body: string; headers: Record<string, string> }> {
  const body = JSON.stringify({ events })
  const signed = await signWebhook(secret, body, nowSeconds)
  return { body, headers: { 'content-type': 'application/json', ...signed } }
}
