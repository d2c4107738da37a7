import { buildChangeEventRequest } from '../../src/connectors/salesforce/webhook.ts'

export interface WebhookOutcome {
  recordIds: string[]
  /** The HTTP status, or `failed` when no answer came (connection refused or cut). */
  status: number | 'failed'
}

export interface WebhookStream {
  outcomes: WebhookOutcome[]
  /** Record ids of every webhook answered 202: what the service promised to sync. */
  accepted(): Set<string>
  /** Stops sending and waits for the requests under way. */
  stop(): Promise<void>
}

/**
 * A steady stream of signed change-event webhooks for Accounts, from a few concurrent senders, each
 * naming a few records and carrying a fresh transaction key (so every one is a new event, never a
 * duplicate). It cycles through `recordIds` until stopped, so load continues through whatever the test
 * does to the service meanwhile; a sender whose request fails moves on to the next, as a webhook
 * sender that gives up would.
 */
export function startWebhookStream(opts: {
  url: () => string
  connection: string
  secret: string
  recordIds: readonly string[]
  perWebhook?: number
  senders?: number
}): WebhookStream {
  const perWebhook = opts.perWebhook ?? 2
  const outcomes: WebhookOutcome[] = []
  let next = 0
  let sent = 0
  let stopped = false
  const send = async () => {
    while (!stopped) {
      const start = next % opts.recordIds.length
      next += perWebhook
      const recordIds = opts.recordIds.slice(start, start + perWebhook)
      const { body, headers } = await buildChangeEventRequest(opts.secret, [
        { object: 'Account', recordIds, changeType: 'UPDATE', transactionKey: `stream-${sent++}` },
      ])
      try {
        const res = await fetch(`${opts.url()}/webhooks/${opts.connection}`, { method: 'POST', headers, body })
        await res.body?.cancel()
        outcomes.push({ recordIds, status: res.status })
      } catch {
        outcomes.push({ recordIds, status: 'failed' })
        // Refused at once while nothing listens: yield so the test's own work gets its turn.
        await new Promise((resolve) => setImmediate(resolve))
      }
    }
  }
  const senders = Promise.all(Array.from({ length: opts.senders ?? 3 }, send))
  return {
    outcomes,
    accepted: () => new Set(outcomes.filter((o) => o.status === 202).flatMap((o) => o.recordIds)),
    async stop() {
      stopped = true
      await senders
    },
  }
}
