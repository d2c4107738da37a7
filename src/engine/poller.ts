import type { ChangeEvent } from '../connectors/types.ts'
import type { Logger } from '../lib/logger.ts'
import type { Store } from '../store/store.ts'
import type { Flow } from './flows.ts'
import type { Ingest } from './ingest.ts'

/** The cursor key of a flow's poll. */
export function pollCursorKey(flow: string): string {
  return `poll:${flow}`
}

/**
 * Asks the source for records changed since the stored cursor and puts them through the same inbox as
 * webhooks. The cursor moves only after a page is in the inbox, and each poll re-reads an overlap before
 * it, so a crash or a late commit at the source loses nothing; the inbox dedupes what is read twice.
 */
export async function pollOnce(flow: Flow, deps: { store: Store; ingest: Ingest }): Promise<number> {
  const poll = flow.config.triggers.poll
  if (!poll) return 0
  const key = pollCursorKey(flow.name)
  const cursor = await deps.store.cursors.get(key)
  let seen = 0
  for await (const page of flow.source.object.listChanged(cursor, { overlapMs: poll.overlap })) {
    const events: ChangeEvent[] = page.changes.map((c) => ({
      object: flow.config.source.object,
      recordId: c.id,
      changeType: c.deleted ? 'delete' : 'update',
      eventId: `poll:${c.modifiedAt}`,
      occurredAt: c.modifiedAt,
    }))
    await deps.ingest.accept(flow.source.connection, events, { via: 'poll', flow: flow.name })
    await deps.store.cursors.set(key, page.cursor)
    seen += events.length
  }
  return seen
}

/** Polls every flow that has a poll trigger, each on its own interval, until stopped. */
export function startPollers(flows: Iterable<Flow>, deps: { store: Store; ingest: Ingest; logger: Logger }) {
  const timers: NodeJS.Timeout[] = []
  const running = new Set<Promise<unknown>>()
  let stopped = false
  for (const flow of flows) {
    const poll = flow.config.triggers.poll
    if (!poll) continue
    const tick = () => {
      if (stopped) return
      const p = pollOnce(flow, deps)
        .then((n) => {
          if (n > 0) deps.logger.debug({ flow: flow.name, changes: n }, 'poll found changes')
        })
        .catch((err) => deps.logger.warn({ flow: flow.name, err }, 'poll failed; will try again'))
        .finally(() => {
          running.delete(p)
          if (!stopped) timers.push(setTimeout(tick, poll.every))
        })
      running.add(p)
    }
    tick()
  }
  return {
    async stop() {
      stopped = true
      for (const t of timers) clearTimeout(t)
      await Promise.all(running)
    },
  }
}
