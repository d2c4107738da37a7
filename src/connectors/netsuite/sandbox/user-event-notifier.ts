import { createHmac } from 'node:crypto'
import { setTimeout as delay } from 'node:timers/promises'
import type { StoredRecord } from './record-types/record-type.ts'

/**
 * What the User Event script in connectors/netsuite/ (tandem_ue_notify.js) does, done by the simulator:
 * after a record is saved or deleted, post `{"events":[…]}` with that one change to the middleware, signed
 * with HMAC-SHA256 over `<unix seconds>.<body>` (`X-Tandem-Timestamp`, `X-Tandem-Signature: v1=<hex>`).
 * Like the script it skips saves made through REST web services (the integration's own writes: no echo),
 * names the record by its SuiteScript type (`salesorder`), and tries three times. The signature is
 * computed here with node:crypto, apart from Tandem's verifier, so a mistake in one cannot hide in the other.
 */

/** `runtime.executionContext` values (the values of N/runtime's ContextType) the simulator uses. */
export type ExecutionContext = 'USERINTERFACE' | 'RESTWEBSERVICES' | 'CSVIMPORT' | 'SCHEDULED' | 'WORKFLOW'

/** The script's default filter: contexts whose saves are not posted (reference §10). */
export const skippedContexts: readonly ExecutionContext[] = ['RESTWEBSERVICES']

/** SuiteScript's `record.type` for each REST record type: lower case, and one type for all non-inventory items. */
const suiteScriptTypes: Record<string, string> = { nonInventorySaleItem: 'noninventoryitem' }

export function suiteScriptType(restType: string): string {
  return suiteScriptTypes[restType] ?? restType.toLowerCase()
}

export type UserEventType = 'create' | 'edit' | 'delete'

export interface UserEventPayload {
  recordType: string
  id: string
  type: UserEventType
  eventId: string
  occurredAt: string
  executionContext: ExecutionContext
}

export interface NotifierSettings {
  /** Where to post; unset: nothing is sent (the script is not deployed). */
  url?: string
  /** Record types the script is deployed on; default all the sandbox serves. */
  recordTypes?: readonly string[]
  /** Tries per post (the script retries a failed N/https call) and the wait between them. */
  attempts: number
  retryDelayMs: number
}

export interface NotifierStats {
  /** Posts answered 2xx. */
  delivered: number
  /** Posts given up after every attempt. */
  failed: number
  /** Saves the execution-context filter skipped. */
  skipped: number
  /** Events posted, in order. */
  sent: readonly UserEventPayload[]
}

export interface UserEventNotifier {
  settings: NotifierSettings
  stats(): NotifierStats
  /** Called after every save or delete; posts unless the context is filtered or nothing is deployed. */
  saved(rec: StoredRecord, type: UserEventType, context: ExecutionContext, at: number): void
  /** Resolves once every queued post has been delivered or given up. */
  idle(): Promise<void>
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** The script signs exactly this way (N/crypto HMAC, SHA256, hex). */
export function signUserEventBody(secret: string, body: string, seconds: number): Record<string, string> {
  const mac = createHmac('sha256', secret).update(`${seconds}.${body}`, 'utf8').digest('hex')
  return { 'x-tandem-timestamp': String(seconds), 'x-tandem-signature': `v1=${mac}` }
}

export function createUserEventNotifier(secret: string, initial: Partial<NotifierSettings> = {}): UserEventNotifier {
  const settings: NotifierSettings = { attempts: 3, retryDelayMs: 200, ...initial }
  const stats = { delivered: 0, failed: 0, skipped: 0, sent: [] as UserEventPayload[] }
  let queue: Promise<void> = Promise.resolve()

  async function post(events: UserEventPayload[]): Promise<void> {
    const url = settings.url
    if (!url) return
    const body = JSON.stringify({ events })
    for (let attempt = 1; attempt <= settings.attempts; attempt++) {
      try {
        const headers = signUserEventBody(secret, body, Math.floor(Date.now() / 1000))
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        })
        await res.body?.cancel()
        if (res.ok) {
          stats.delivered++
          stats.sent.push(...events)
          return
        }
        // A 4xx will not get better by asking again (wrong secret or URL), as the script reasons.
        if (res.status < 500 && res.status !== 429) break
      } catch {
        // Unreachable listener: tried again below, as the script would.
      }
      if (attempt < settings.attempts) await delay(settings.retryDelayMs * attempt)
    }
    // A failed call does not undo the save (reference §10): the poll picks the change up later.
    stats.failed++
  }

  function deployed(type: string): boolean {
    return !settings.recordTypes || settings.recordTypes.some((t) => t.toLowerCase() === type.toLowerCase())
  }

  return {
    settings,
    stats: () => ({ ...stats, sent: [...stats.sent] }),
    saved(rec, type, context, at) {
      if (!settings.url || !deployed(rec.type)) return
      if (skippedContexts.includes(context)) {
        stats.skipped++
        return
      }
      const occurredAt = isoSeconds(type === 'delete' ? at : rec.modified)
      const recordType = suiteScriptType(rec.type)
      const event: UserEventPayload = {
        recordType,
        id: String(rec.id),
        type,
        // As the script builds it: the same change gives the same id, so Tandem drops a repeated post.
        eventId: `${recordType}:${rec.id}:${type}:${Date.parse(occurredAt)}`,
        occurredAt,
        executionContext: context,
      }
      const events = [event]
      queue = queue.then(() => post(events))
    },
    idle: () => queue,
  }
}
