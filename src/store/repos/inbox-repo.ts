import type { Db } from '../db.ts'
import type { InboxEventTable } from '../schema.ts'

export type NewInboxEvent = Omit<InboxEventTable, 'id' | 'received_at' | 'enqueued_at' | 'state' | 'done_at'>

export interface RecordRef {
  flow: string
  recordId: string
}

/**
 * The inbox is the durable record of every accepted change. A row stays `pending` until a sync of its
 * record, started after the row arrived, has finished; so whatever happens to a queue (a crash between
 * commit and enqueue, a flushed Redis), the sweeper can always find and re-enqueue what is owed.
 */
export function createInboxRepo(db: Db) {
  return {
    /** Stores the events in one transaction; returns how many were new (by dedupe key) and their records. */
    async accept(events: readonly NewInboxEvent[], now = Date.now()): Promise<{ stored: number; refs: RecordRef[] }> {
      if (events.length === 0) return { stored: 0, refs: [] }
      const rows = await db.transaction().execute(async (tx) => {
        const inserted: { flow: string; record_id: string }[] = []
        // Chunked to stay under SQLite's bound-parameter limit.
        for (let i = 0; i < events.length; i += 500) {
          const chunk = events.slice(i, i + 500).map((e) => ({ ...e, received_at: now, state: 'pending' as const }))
          inserted.push(
            ...(await tx
              .insertInto('inbox_events')
              .values(chunk)
              .onConflict((oc) => oc.column('dedupe_key').doNothing())
              .returning(['flow', 'record_id'])
              .execute()),
          )
        }
        return inserted
      })
      return { stored: rows.length, refs: uniqueRefs(rows) }
    },

    async markEnqueued(refs: readonly RecordRef[], now = Date.now()): Promise<void> {
      for (const ref of refs) {
        await db
          .updateTable('inbox_events')
          .set({ enqueued_at: now })
          .where('flow', '=', ref.flow)
          .where('record_id', '=', ref.recordId)
          .where('state', '=', 'pending')
          .execute()
      }
    },

    /** Highest pending event id for a record: a sync that starts now covers everything up to it. */
    async pendingWatermark(ref: RecordRef): Promise<number | null> {
      const row = await db
        .selectFrom('inbox_events')
        .select((eb) => eb.fn.max('id').as('max'))
        .where('flow', '=', ref.flow)
        .where('record_id', '=', ref.recordId)
        .where('state', '=', 'pending')
        .executeTakeFirst()
      return row?.max == null ? null : Number(row.max)
    },

    async markDone(ref: RecordRef, upToId: number, now = Date.now()): Promise<void> {
      await db
        .updateTable('inbox_events')
        .set({ state: 'done', done_at: now })
        .where('flow', '=', ref.flow)
        .where('record_id', '=', ref.recordId)
        .where('state', '=', 'pending')
        .where('id', '<=', upToId)
        .execute()
    },

    /**
     * Records owed a sync: pending events never enqueued and older than `graceMs` (the process died between
     * commit and enqueue), or enqueued longer ago than `staleMs` (the job itself was lost).
     */
    async owed(opts: { graceMs: number; staleMs: number; limit: number }, now = Date.now()): Promise<RecordRef[]> {
      const rows = await db
        .selectFrom('inbox_events')
        .select(['flow', 'record_id'])
        .distinct()
        .where('state', '=', 'pending')
        .where((eb) =>
          eb.or([
            eb.and([eb('enqueued_at', 'is', null), eb('received_at', '<', now - opts.graceMs)]),
            eb('enqueued_at', '<', now - opts.staleMs),
          ]),
        )
        .limit(opts.limit)
        .execute()
      return uniqueRefs(rows)
    },

    async pendingCounts(): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom('inbox_events')
        .select(['flow', (eb) => eb.fn.count<number>('record_id').distinct().as('n')])
        .where('state', '=', 'pending')
        .groupBy('flow')
        .execute()
      return new Map(rows.map((r) => [r.flow, Number(r.n)]))
    },
  }
}

function uniqueRefs(rows: readonly { flow: string; record_id: string }[]): RecordRef[] {
  const seen = new Map<string, RecordRef>()
  for (const r of rows) seen.set(`${r.flow}\u0000${r.record_id}`, { flow: r.flow, recordId: r.record_id })
  return [...seen.values()]
}

export type InboxRepo = ReturnType<typeof createInboxRepo>
