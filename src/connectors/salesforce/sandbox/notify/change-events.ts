import { signWebhook } from '../../../../lib/webhook-signature.ts'
import type { RecordChange, StoredRecord } from '../org.ts'
import type { ObjectDescribe } from '../schema.ts'

/** A change event as Tandem's webhook takes it: the `data` of a CDC CometD message. */
export interface ChangeEventMessage {
  schema: string
  payload: Record<string, unknown> & { ChangeEventHeader: Record<string, unknown> }
  event: { replayId: number }
}

/** Fields a change event body never carries (Change Data Capture guide, "Change Event Body Fields"). */
const neverInBody = new Set(['Id', 'IsDeleted', 'SystemModstamp'])

function bodyValue(type: string, value: unknown): unknown {
  return type === 'datetime' && typeof value === 'number' ? new Date(value).toISOString().replace('.000Z', 'Z') : value
}

/**
 * The CDC event for one committed change: the header (entity, ids, type, origin, transaction key and
 * sequence, commit time and user, changed fields) and the body CometD delivers: non-null fields on CREATE,
 * the changed ones on UPDATE, none on DELETE.
 */
export function buildChangeEvent(opts: {
  change: RecordChange
  object: ObjectDescribe
  record: StoredRecord | undefined
  origin: string
  transactionKey: string
  sequenceNumber: number
  commitNumber: number
  commitUser: string
  replayId: number
}): ChangeEventMessage {
  const { change, object, record } = opts
  const body: Record<string, unknown> = {}
  if (record && change.changeType !== 'DELETE') {
    const include =
      change.changeType === 'CREATE'
        ? (name: string) => record[name] !== null && record[name] !== undefined
        : (name: string) => change.changedFields.includes(name)
    for (const f of object.fields) {
      if (!neverInBody.has(f.name) && include(f.name)) body[f.name] = bodyValue(f.type, record[f.name] ?? null)
    }
  }
  return {
    schema: `tandem-sandbox-${object.name}`,
    payload: {
      ChangeEventHeader: {
        entityName: object.name,
        recordIds: [change.id],
        changeType: change.changeType,
        changeOrigin: opts.origin,
        transactionKey: opts.transactionKey,
        sequenceNumber: opts.sequenceNumber,
        commitTimestamp: record?.SystemModstamp ?? Date.now(),
        commitNumber: opts.commitNumber,
        commitUser: opts.commitUser,
        changedFields: change.changeType === 'UPDATE' ? change.changedFields : [],
      },
      ...body,
    },
    event: { replayId: opts.replayId },
  }
}

/** A batch of change events as a signed request body and headers (HMAC-SHA256, see src/lib/webhook-signature.ts). */
export async function signedBatch(
  secret: string,
  events: readonly ChangeEventMessage[],
): Promise<{ body: string; headers: Record<string, string> }> {
  const body = JSON.stringify({ events })
  return { body, headers: { ...(await signWebhook(secret, body)), 'content-type': 'application/json' } }
}
