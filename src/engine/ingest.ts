import { createHash } from 'node:crypto'
import type { ChangeEvent } from '../connectors/types.ts'
import type { Logger } from '../lib/logger.ts'
import type { JobQueue } from '../queue/job-queue.ts'
import type { NewInboxEvent, RecordRef } from '../store/repos/inbox-repo.ts'
import type { Store } from '../store/store.ts'
import { type Flow, jobKey, type SyncJobData } from './flows.ts'

export type IngestVia = 'webhook' | 'poll'

export interface IngestResult {
  /** (event, flow) pairs newly stored in the inbox. */
  accepted: number
  /** (event, flow) pairs already in the inbox: redeliveries, harmless. */
  duplicates: number
  /** Events no flow listens to. */
  ignored: number
}

/**
 * Accepting a change: store it in the inbox (one transaction), then enqueue one job per (flow, record).
 * Nothing remote happens here. If the process dies between the commit and the enqueue, the sweeper
 * finds the rows without a job and enqueues them.
 */
export function createIngest(deps: {
  store: Store
  queue: JobQueue<SyncJobData>
  flows: Map<string, Flow>
  logger: Logger
}) {
  const { store, queue, flows } = deps

  function listeners(connection: string, object: string, via: IngestVia, only?: string): Flow[] {
    return [...flows.values()].filter(
      (f) =>
        f.source.connection === connection &&
        f.config.source.object === object &&
        (only ? f.name === only : via === 'poll' || f.config.triggers.webhook),
    )
  }

  return {
    enqueue,
    async accept(
      connection: string,
      events: readonly ChangeEvent[],
      opts: { via: IngestVia; flow?: string },
    ): Promise<IngestResult> {
      const rows: NewInboxEvent[] = []
      let ignored = 0
      for (const event of events) {
        const targets = listeners(connection, event.object, opts.via, opts.flow)
        if (targets.length === 0) ignored++
        for (const flow of targets) {
          rows.push({
            dedupe_key: dedupeKey(flow.name, connection, event),
            flow: flow.name,
            connection,
            object: event.object,
            record_id: event.recordId,
            change_type: event.changeType,
            origin: event.origin ?? null,
            occurred_at: event.occurredAt ?? null,
          })
        }
      }
      const { stored, refs } = await store.inbox.accept(rows)
      await enqueue(refs)
      return { accepted: stored, duplicates: rows.length - stored, ignored }
    },
  }

  /** Also used by the sweeper for records the inbox says are owed a sync. */
  async function enqueue(refs: readonly RecordRef[]): Promise<void> {
    for (const ref of refs) await queue.add(jobKey(ref.flow, ref.recordId), { flow: ref.flow, recordId: ref.recordId })
    await store.inbox.markEnqueued(refs)
  }
}

export type Ingest = ReturnType<typeof createIngest>

function dedupeKey(flow: string, connection: string, e: ChangeEvent): string {
  return createHash('sha256')
    .update([flow, connection, e.object, e.recordId, e.eventId].join('\u0000'))
    .digest('base64url')
}
