import type { Db } from '../db.ts'
import type { InboxEventTable } from '../schema.ts'

export type NewInboxEvent = Omit<InboxEventTable, 'id' | 'received_at' | 'enqueued_at' | 'state' | 'done_at'>

export interface InsertedInboxRow {
  dedupe_key: string
  flow: string
  record_id: string
}

export interface RecordRef {
  flow: string
  recordId: string
}

/**
 * The inbox is the durable record of every accepted change. A row stays `pending` until a sync of its
 * record, started after the row arrived, has finished; so whatever happens to a queue (a crash between
 * commit and enqueue, a flushed Redis), the sweeper can always find and re-enqueue what is owed.
 */
/**
 * Rows per INSERT: 8 bound parameters each keeps a chunk far below SQLite's (32,766) and PostgreSQL's
 * (65,535) parameter limits, while a typical group-committed batch still fits one statement.
 */
const insertChunkRows = 1_000
/** Record ids per UPDATE … IN (…), under the same limits. */
const markChunkRecords = 1_000

export function createInboxRepo(db: Db) {
  /**
   * Stores the events atomically and returns the rows that were new (by dedupe key), so a caller that stored
   * several requests' events together can tell each its own. Up to one chunk is a single statement (atomic
   * by itself, one round trip); more run in a transaction.
   */
  async function insertNew(events: readonly NewInboxEvent[], now = Date.now()): Promise<InsertedInboxRow[]> {
    if (events.length === 0) return []
    const insertChunk = (tx: Db, chunk: readonly NewInboxEvent[]) =>
      tx
        .insertInto('inbox_events')
        .values(chunk.map((e) => ({ ...e, received_at: now, state: 'pending' as const })))
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returning(['dedupe_key', 'flow', 'record_id'])
        .execute()
    if (events.length <= insertChunkRows) return insertChunk(db, events)
    return db.transaction().execute(async (tx) => {
      const inserted: InsertedInboxRow[] = []
      for (let i = 0; i < events.length; i += insertChunkRows) {
        inserted.push(...(await insertChunk(tx, events.slice(i, i + insertChunkRows))))
      }
      return inserted
    })
  }

  return {
    insertNew,

    /** One statement per flow and chunk of records, not one per record: a batch's refs mostly share a flow. */
    async markEnqueued(refs: readonly RecordRef[], now = Date.now()): Promise<void> {
      const byFlow = new Map<string, string[]>()
      for (const ref of refs) {
        const ids = byFlow.get(ref.flow)
        if (ids) ids.push(ref.recordId)
        else byFlow.set(ref.flow, [ref.recordId])
      }
      for (const [flow, ids] of byFlow) {
        for (let i = 0; i < ids.length; i += markChunkRecords) {
          await db
            .updateTable('inbox_events')
            .set({ enqueued_at: now })
            .where('state', '=', 'pending')
            .where('flow', '=', flow)
            .where('record_id', 'in', ids.slice(i, i + markChunkRecords))
            .execute()
        }
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

/** The distinct records among inbox rows. */
export function uniqueRefs(rows: readonly { flow: string; record_id: string }[]): RecordRef[] {
  const seen = new Map<string, RecordRef>()
  for (const r of rows) seen.set(`${r.flow}\u0000${r.record_id}`, { flow: r.flow, recordId: r.record_id })
  return [...seen.values()]
}

export type InboxRepo = ReturnType<typeof createInboxRepo>
