import type { Selectable } from 'kysely'
import type { Db } from '../db.ts'
import type { DeadLetterState, DeadLetterTable } from '../schema.ts'

export type DeadLetter = Selectable<DeadLetterTable>

export interface DeadLetterFilter {
  flow?: string
  code?: string
  state?: DeadLetterState
  /** Last failure at or after / before these instants (epoch ms). */
  since?: number
  until?: number
  ids?: readonly number[]
}

export interface NewDeadLetter {
  flow: string
  sourceId: string
  kind: string
  code: string
  message: string
  remote: unknown
  payload: string | null
}

/** The dead-letter list: failed records waiting for a fix, replay or discard. */
export function createDeadLetterRepo(db: Db) {
  const filtered = (f: DeadLetterFilter) => {
    let q = db.selectFrom('dead_letters').selectAll()
    if (f.flow) q = q.where('flow', '=', f.flow)
    if (f.code) q = q.where('error_code', '=', f.code)
    if (f.state) q = q.where('state', '=', f.state)
    if (f.since !== undefined) q = q.where('last_failed_at', '>=', f.since)
    if (f.until !== undefined) q = q.where('last_failed_at', '<', f.until)
    if (f.ids) q = q.where('id', 'in', f.ids.length > 0 ? [...f.ids] : [-1])
    return q
  }

  return {
    /** Parks a record, or collapses another failure of an already-parked one into its row (and reopens it). */
    async park(d: NewDeadLetter, now = Date.now()): Promise<void> {
      const remote = d.remote === undefined ? null : JSON.stringify(d.remote)
      await db
        .insertInto('dead_letters')
        .values({
          flow: d.flow,
          source_id: d.sourceId,
          state: 'open',
          error_kind: d.kind,
          error_code: d.code,
          error_message: d.message,
          remote,
          payload: d.payload,
          failures: 1,
          first_failed_at: now,
          last_failed_at: now,
          replayed_at: null,
          closed_at: null,
        })
        .onConflict((oc) =>
          oc.columns(['flow', 'source_id']).doUpdateSet((eb) => ({
            state: 'open',
            error_kind: d.kind,
            error_code: d.code,
            error_message: d.message,
            remote,
            payload: d.payload,
            failures: eb('dead_letters.failures', '+', 1),
            last_failed_at: now,
            closed_at: null,
          })),
        )
        .execute()
    },

    /** A success closes the record's open dead letter, if it has one. Returns whether it did. */
    async resolve(flow: string, sourceId: string, now = Date.now()): Promise<boolean> {
      // Called after every successful sync, and almost never finds a letter: a read first keeps a write
      // (which SQLite serialises across the whole database) off the hot path.
      const open = await db
        .selectFrom('dead_letters')
        .select('id')
        .where('flow', '=', flow)
        .where('source_id', '=', sourceId)
        .where('state', '=', 'open')
        .executeTakeFirst()
      if (!open) return false
      const r = await db
        .updateTable('dead_letters')
        .set({ state: 'resolved', closed_at: now })
        .where('flow', '=', flow)
        .where('source_id', '=', sourceId)
        .where('state', '=', 'open')
        .executeTakeFirst()
      return Number(r.numUpdatedRows) > 0
    },

    async list(f: DeadLetterFilter, page: { limit: number; afterId?: number }): Promise<DeadLetter[]> {
      let q = filtered(f)
      if (page.afterId !== undefined) q = q.where('id', '>', page.afterId)
      return q.orderBy('id').limit(page.limit).execute()
    },

    async forRecord(flow: string, sourceId: string): Promise<DeadLetter | undefined> {
      return db
        .selectFrom('dead_letters')
        .selectAll()
        .where('flow', '=', flow)
        .where('source_id', '=', sourceId)
        .executeTakeFirst()
    },

    async get(id: number): Promise<DeadLetter | undefined> {
      return db.selectFrom('dead_letters').selectAll().where('id', '=', id).executeTakeFirst()
    },

    async markReplayed(ids: readonly number[], now = Date.now()): Promise<void> {
      if (ids.length === 0) return
      await db
        .updateTable('dead_letters')
        .set({ replayed_at: now })
        .where('id', 'in', [...ids])
        .execute()
    },

    async discard(ids: readonly number[], now = Date.now()): Promise<number> {
      if (ids.length === 0) return 0
      const r = await db
        .updateTable('dead_letters')
        .set({ state: 'discarded', closed_at: now })
        .where('id', 'in', [...ids])
        .where('state', '=', 'open')
        .executeTakeFirst()
      return Number(r.numUpdatedRows)
    },

    async openCounts(): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom('dead_letters')
        .select(['flow', (eb) => eb.fn.countAll<number>().as('n')])
        .where('state', '=', 'open')
        .groupBy('flow')
        .execute()
      return new Map(rows.map((r) => [r.flow, Number(r.n)]))
    },
  }
}

export type DeadLetterRepo = ReturnType<typeof createDeadLetterRepo>
