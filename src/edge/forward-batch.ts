import type { Message, MessageBatch } from '@cloudflare/workers-types/index.ts'
import {
  type EdgeDelivery,
  edgeDeliverySchema,
  type ForwardedBatchResult,
  forwardedBatchPath,
  issuePath,
  signForwardedBatch,
} from '../lib/forwarded-batch.ts'
import { edgeLog } from './edge-log.ts'
import { type EdgeBindings, type EdgeSettings, edgeSettings, readSecret } from './edge-settings.ts'

/** Longer than the core ever needs to store a batch; a hung connection must not hold the batch forever. */
const postTimeoutMs = 30_000

type Outcome =
  | { ok: true; result: Partial<ForwardedBatchResult> }
  | { ok: false; status?: number; code?: string; error?: string }

/**
 * Exponential backoff with equal jitter: at least half the step, so a core that is down is not hammered,
 * and spread over the other half, so consumers do not come back in lockstep when it returns. Whole seconds,
 * as Cloudflare Queues take them.
 */
export function retryDelaySeconds(attempts: number, baseSeconds: number, maxSeconds: number, random = Math.random) {
  const step = Math.min(maxSeconds, baseSeconds * 2 ** Math.min(Math.max(attempts, 1) - 1, 30))
  return Math.max(1, Math.round(step / 2 + random() * (step / 2)))
}

async function post(
  settings: EdgeSettings,
  secret: string,
  deliveries: EdgeDelivery[],
  fetchFn: typeof fetch,
): Promise<Outcome> {
  const { body, headers } = await signForwardedBatch(secret, { deliveries })
  try {
    const res = await fetchFn(`${settings.TANDEM_CORE_URL}${forwardedBatchPath}`, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(postTimeoutMs),
    })
    const text = await res.text()
    let answer: unknown
    try {
      answer = JSON.parse(text)
    } catch {
      answer = undefined
    }
    if (res.ok) return { ok: true, result: (answer ?? {}) as Partial<ForwardedBatchResult> }
    const code = (answer as { error?: { code?: unknown } } | undefined)?.error?.code
    return { ok: false, status: res.status, ...(typeof code === 'string' ? { code } : {}) }
  } catch (err) {
    return { ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }
  }
}

/**
 * The queue consumer: posts the batch's deliveries to the core's `POST /ingest/edge`, signed, and acks
 * them once the core answers 2xx (they are in its inbox then). Any other outcome (the core down, 5xx, a
 * timeout, a 401 while secrets are being rotated) retries with backoff, so nothing accepted at the edge is
 * dropped; after the consumer's `max_retries` Cloudflare moves the message to the dead letter queue. A
 * redelivered batch is harmless: the core dedupes every event on its inbox key.
 */
export async function forwardBatch(
  batch: MessageBatch<unknown>,
  env: EdgeBindings,
  fetchFn: typeof fetch = fetch,
): Promise<void> {
  let settings: EdgeSettings
  let secret: string
  try {
    settings = edgeSettings(env)
    secret = readSecret(env, 'TANDEM_EDGE_SECRET', 'the queue consumer')
  } catch (err) {
    edgeLog('error', 'cannot forward: the Worker is misconfigured; the batch is retried', {
      queue: batch.queue,
      messages: batch.messages.length,
      error: (err as Error).message,
    })
    batch.retryAll()
    return
  }
  const ready: { message: Message<unknown>; delivery: EdgeDelivery }[] = []
  for (const message of batch.messages) {
    const parsed = edgeDeliverySchema.safeParse(message.body)
    if (parsed.success) ready.push({ message, delivery: parsed.data })
    else {
      // Not one this Worker wrote; retrying parks it in the dead letter queue where it can be looked at.
      const issue = parsed.error.issues[0]
      edgeLog('error', 'unreadable queue message', {
        queue: batch.queue,
        id: message.id,
        where: `${issuePath(issue?.path ?? [])}: ${issue?.message}`,
      })
      message.retry()
    }
  }
  if (ready.length === 0) return

  const settle = (message: Message<unknown>, outcome: Outcome) => {
    if (outcome.ok) message.ack()
    else {
      message.retry({
        delaySeconds: retryDelaySeconds(
          message.attempts,
          settings.FORWARD_RETRY_BASE_SECONDS,
          settings.FORWARD_RETRY_MAX_SECONDS,
        ),
      })
    }
  }
  const report = (outcome: Outcome, messages: number, attempts: number) => {
    if (outcome.ok) edgeLog('info', 'forwarded to the core', { queue: batch.queue, messages, ...outcome.result })
    else edgeLog('warn', 'forward failed; retrying', { queue: batch.queue, messages, attempts, ...outcome })
  }

  const outcome = await post(
    settings,
    secret,
    ready.map((r) => r.delivery),
    fetchFn,
  )
  if (!outcome.ok && outcome.status === 400 && ready.length > 1) {
    // The core refused the batch as a whole (say, a connection it does not have). One bad delivery must
    // not hold up the others: forward them one by one, so only the refused ones retry towards the DLQ.
    for (const r of ready) {
      const single = await post(settings, secret, [r.delivery], fetchFn)
      settle(r.message, single)
      report(single, 1, r.message.attempts)
    }
    return
  }
  for (const r of ready) settle(r.message, outcome)
  report(outcome, ready.length, Math.max(...ready.map((r) => r.message.attempts)))
}
