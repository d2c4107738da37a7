import { AsyncLocalStorage } from 'node:async_hooks'
import { createHash } from 'node:crypto'
import type { ChangeEvent } from '../connectors/types.ts'
import type { Logger } from '../lib/logger.ts'
import type { JobQueue } from '../queue/job-queue.ts'
import { type InsertedInboxRow, type NewInboxEvent, type RecordRef, uniqueRefs } from '../store/repos/inbox-repo.ts'
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

/** Records per mark statement run by the background marker. */
const maxMarkRefs = 5_000

export interface IngestOptions {
  /**
   * Group commits in flight at once. Arrivals while all are busy wait and go together in the next one, so
   * under load the batches grow by themselves and at low load a request waits for nobody.
   */
  maxCommitsInFlight?: number
  /** Rows at which a waiting batch is closed and the rest wait for the next (one caller is never split). */
  maxBatchRows?: number
}

/** One caller's share of a group commit. */
interface Submission {
  rows: NewInboxEvent[]
  ignored: number
  resolve(result: IngestResult): void
  reject(err: unknown): void
}

/**
 * Accepting a change: store it in the inbox, then enqueue one job per (flow, record). Nothing remote happens
 * here. If the process dies between the commit and the enqueue, the sweeper finds the rows without a job
 * and enqueues them.
 *
 * Concurrent accepts are group-committed: the rows of every caller waiting at that moment go to the store
 * as one atomic insert, their records to the queue as one bulk add, and only then is each caller answered
 * with its own counts (the rows' "enqueued" marks follow in the background). A caller is never answered
 * before its rows are stored. A caller whose rows the store refuses gets the error and has nothing stored,
 * so its sender's retry is safe; the other callers of its batch are not failed with it.
 */
export function createIngest(
  deps: {
    store: Store
    queue: JobQueue<SyncJobData>
    flows: Map<string, Flow>
    logger: Logger
  },
  opts: IngestOptions = {},
) {
  const { store, queue, flows } = deps
  const maxInFlight = opts.maxCommitsInFlight ?? 4
  const maxBatchRows = opts.maxBatchRows ?? 1_000
  const waiting: Submission[] = []
  let inFlight = 0
  let scheduled = false
  const toMark: RecordRef[] = []
  let marking: Promise<void> | undefined

  function listeners(connection: string, object: string, via: IngestVia, only?: string): Flow[] {
    return [...flows.values()].filter(
      (f) =>
        f.source.connection === connection &&
        f.config.source.object === object &&
        (only ? f.name === only : via === 'poll' || f.config.triggers.webhook),
    )
  }

  /**
   * Starts a commit on the next turn of the event loop rather than at once: every request that became ready
   * in the same I/O phase joins it, at the cost of one loop turn.
   */
  function schedule(): void {
    if (scheduled || inFlight >= maxInFlight || waiting.length === 0) return
    scheduled = true
    setImmediate(startCommitsOutsideRequests)
  }

  function startCommits(): void {
    scheduled = false
    while (inFlight < maxInFlight && waiting.length > 0) {
      let rows = 0
      let take = 0
      while (take < waiting.length && (take === 0 || rows + waiting[take]!.rows.length <= maxBatchRows)) {
        rows += waiting[take]!.rows.length
        take++
      }
      const batch = waiting.splice(0, take)
      inFlight++
      void commit(batch).finally(() => {
        inFlight--
        schedule()
      })
    }
  }

  // A commit does the work of many requests, so it runs in the context this engine was built in, not in the
  // log context (request id) of whichever request happened to schedule it.
  const startCommitsOutsideRequests = AsyncLocalStorage.bind(startCommits)

  async function commit(batch: readonly Submission[]): Promise<void> {
    // The same event from two callers (a sender retrying before its first try was answered) is inserted
    // once; the first caller in the batch is told it was accepted, the other that it was a duplicate.
    const unique = new Map<string, NewInboxEvent>()
    for (const s of batch) for (const row of s.rows) if (!unique.has(row.dedupe_key)) unique.set(row.dedupe_key, row)
    let rows: InsertedInboxRow[]
    try {
      rows = await store.inbox.insertNew([...unique.values()])
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err)
        return
      }
      // Nothing of the batch was stored. The store may be refusing one caller's rows (a value the database
      // cannot hold), and that caller's sender will retry: were the others to share its fate, they would
      // fail with it on every retry. So the batch is halved until the refused rows fail on their own; when
      // the store itself is failing, every part fails and every caller gets the error.
      const half = Math.ceil(batch.length / 2)
      await Promise.all([commit(batch.slice(0, half)), commit(batch.slice(half))])
      return
    }
    const refs = uniqueRefs(rows)
    try {
      await addJobs(refs)
    } catch (err) {
      // Stored but not enqueued: the sweeper enqueues them after its grace period. The callers still hear
      // of the failure, so their senders retry; the retries are duplicates, and harmless.
      for (const s of batch) s.reject(err)
      return
    }
    markEnqueuedSoon(refs)
    const inserted = new Set(rows.map((r) => r.dedupe_key))
    for (const s of batch) {
      let accepted = 0
      for (const row of s.rows) {
        if (inserted.delete(row.dedupe_key)) accepted++
      }
      s.resolve({ accepted, duplicates: s.rows.length - accepted, ignored: s.ignored })
    }
  }

  return {
    enqueue,
    /** Resolves once every mark of rows enqueued so far is written: for a clean shutdown, and for tests. */
    async settled(): Promise<void> {
      while (marking) await marking
    },
    accept(
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
      if (rows.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0, ignored })
      return new Promise<IngestResult>((resolve, reject) => {
        waiting.push({ rows, ignored, resolve, reject })
        schedule()
      })
    },
  }

  async function addJobs(refs: readonly RecordRef[]): Promise<void> {
    if (refs.length === 0) return
    await queue.addMany(
      refs.map((ref) => ({ key: jobKey(ref.flow, ref.recordId), data: { flow: ref.flow, recordId: ref.recordId } })),
    )
  }

  /**
   * Used by the sweeper for records the inbox says are owed a sync. It marks them before returning, since the
   * sweeper asks for the next records still owed right after.
   */
  async function enqueue(refs: readonly RecordRef[]): Promise<void> {
    if (refs.length === 0) return
    await addJobs(refs)
    await store.inbox.markEnqueued(refs)
  }

  /**
   * Marking rows enqueued only tells the sweeper it need not enqueue them; a caller's rows are stored and its
   * jobs added before it is answered, so the mark is made after the answer, for many commits at once, one
   * statement at a time. A mark lost to a crash or a failing store costs one needless, harmless enqueue by
   * the sweeper (jobs are keyed), never an event.
   */
  function markEnqueuedSoon(refs: readonly RecordRef[]): void {
    if (refs.length === 0) return
    toMark.push(...refs)
    marking ??= markAll().finally(() => {
      marking = undefined
    })
  }

  async function markAll(): Promise<void> {
    while (toMark.length > 0) {
      const refs = toMark.splice(0, maxMarkRefs)
      await store.inbox.markEnqueued(refs).catch((err) => {
        deps.logger.warn(
          { err, records: refs.length },
          'could not mark records enqueued; the sweeper will enqueue them again',
        )
      })
    }
  }
}

export type Ingest = ReturnType<typeof createIngest>

function dedupeKey(flow: string, connection: string, e: ChangeEvent): string {
  return createHash('sha256')
    .update([flow, connection, e.object, e.recordId, e.eventId].join('\u0000'))
    .digest('base64url')
}
