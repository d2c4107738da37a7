import type { Logger } from '../lib/logger.ts'
import type { Store } from '../store/store.ts'
import type { Flow } from './flows.ts'
import type { Ingest } from './ingest.ts'

export interface BackfillOptions {
  /** Only records modified at or after / before these instants (ISO 8601). */
  since?: string
  until?: string
  /** Records handed to the queue per window; the next window waits until the flow's backlog drains. */
  window?: number
  /** Backlog (records owed a sync) under which the next window is released. */
  maxBacklog?: number
  onProgress?(p: BackfillProgress): void
}

export interface BackfillProgress {
  flow: string
  /** Records read from the source, and handed to the queue (the rest were outside the time range). */
  read: number
  enqueued: number
  /** Records skipped because an earlier, interrupted run of the same backfill had already enqueued them. */
  resumedPast: number
  done: boolean
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/**
 * Syncs the records that already exist at the source: they are listed, and handed to the inbox in bounded
 * windows — each waits until the flow's backlog drains, so a backfill of a million records never floods the
 * queue or starves live changes. The checkpoint (records handed over so far, in the source's listing
 * order) is stored after every window: a backfill interrupted by a crash, run again with the same range,
 * skips what it had handed over, and the inbox's dedupe makes any overlap harmless.
 */
export async function backfill(
  deps: { store: Store; ingest: Ingest; logger: Logger },
  flow: Flow,
  opts: BackfillOptions = {},
): Promise<BackfillProgress> {
  const window = opts.window ?? 500
  const maxBacklog = opts.maxBacklog ?? window * 2
  const checkpointKey = `backfill:${flow.name}:${opts.since ?? ''}:${opts.until ?? ''}`
  const resumeAt = Number((await deps.store.cursors.get(checkpointKey)) ?? 0)
  const progress: BackfillProgress = { flow: flow.name, read: 0, enqueued: 0, resumedPast: 0, done: false }
  const until = opts.until ? Date.parse(opts.until) : undefined
  let batch: string[] = []
  let handed = 0

  const flush = async () => {
    if (batch.length === 0) return
    const events = batch.map((recordId) => ({
      object: flow.config.source.object,
      recordId,
      changeType: 'unknown' as const,
      // One id per record and range: a repeated backfill of the same range dedupes in the inbox.
      eventId: `backfill:${checkpointKey}:${recordId}`,
    }))
    await deps.ingest.accept(flow.source.connection, events, { via: 'poll', flow: flow.name })
    progress.enqueued += batch.length
    handed += batch.length
    batch = []
    await deps.store.cursors.set(checkpointKey, String(handed))
    opts.onProgress?.(progress)
    while (((await deps.store.inbox.pendingCounts()).get(flow.name) ?? 0) > maxBacklog) await sleep(200)
  }

  const listing = flow.source.object.listAll({ fields: [], ...(opts.since ? { since: opts.since } : {}) })
  for await (const page of listing) {
    for (const rec of page) {
      progress.read++
      if (until !== undefined && rec.modifiedAt && Date.parse(rec.modifiedAt) >= until) continue
      if (handed < resumeAt) {
        handed++
        progress.resumedPast++
        continue
      }
      batch.push(rec.id)
      if (batch.length >= window) await flush()
    }
  }
  await flush()
  progress.done = true
  opts.onProgress?.(progress)
  deps.logger.info({ ...progress }, 'backfill done')
  return progress
}
