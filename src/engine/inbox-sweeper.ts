import type { Logger } from '../lib/logger.ts'
import type { Store } from '../store/store.ts'
import type { Ingest } from './ingest.ts'

export interface SweeperOptions {
  everyMs: number
  /** How long an inbox row may wait for its enqueue before the sweeper takes over. */
  graceMs: number
  /** An enqueued row still pending after this long is enqueued again (its job may have been lost). */
  staleMs: number
}

/**
 * The safety net behind "no accepted event is lost": finds inbox rows still owed a sync and enqueues
 * them. Enqueueing a record that already has a job is harmless (jobs are keyed), so it may err on the
 * side of enqueueing.
 */
export function startInboxSweeper(deps: { store: Store; ingest: Ingest; logger: Logger }, opts: SweeperOptions) {
  let timer: NodeJS.Timeout | undefined
  let current: Promise<void> = Promise.resolve()
  let stopped = false

  async function sweep(): Promise<void> {
    for (;;) {
      const owed = await deps.store.inbox.owed({ graceMs: opts.graceMs, staleMs: opts.staleMs, limit: 500 })
      if (owed.length === 0) return
      await deps.ingest.enqueue(owed)
      deps.logger.info({ records: owed.length }, 'sweeper enqueued records owed a sync')
      if (owed.length < 500) return
    }
  }

  const tick = () => {
    current = sweep()
      .catch((err) => deps.logger.warn({ err }, 'inbox sweep failed; will try again'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, opts.everyMs)
      })
  }
  tick()

  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await current
    },
  }
}
