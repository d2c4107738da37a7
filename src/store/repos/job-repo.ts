import { type Selectable, sql } from 'kysely'
import type { Db } from '../db.ts'
import type { Dialect } from '../migrations/index.ts'
import type { JobTable } from '../schema.ts'

export type JobRow = Selectable<JobTable>

export interface NewJobRow {
  key: string
  /** JSON. */
  data: string
  runAt: number
  maxAttempts: number
}

/** Rows per multi-row INSERT: 9 parameters each stays well under SQLite's and PostgreSQL's limits. */
const addChunkRows = 500

export interface JobCounts {
  waiting: number
  delayed: number
  active: number
  failed: number
}

/**
 * Storage for the local queue driver. Every transition is one guarded statement (`locked_by = me`), so a
 * worker whose lease expired and was taken over cannot complete or fail a job it no longer owns.
 */
export function createJobRepo(db: Db, dialect: Dialect) {
  /**
   * Adds jobs, a multi-row statement per chunk. At most one unfinished job per key: a waiting job absorbs
   * the add; an active one is told to run once more afterwards with the newest data (nothing that arrives
   * during a run is lost). A key given twice keeps its last data.
   */
  async function addMany(queue: string, jobs: readonly NewJobRow[], now = Date.now()): Promise<void> {
    // One statement must not touch a row twice (PostgreSQL refuses), so repeated keys collapse first.
    const byKey = new Map(jobs.map((j) => [j.key, j]))
    const unique = [...byKey.values()]
    for (let i = 0; i < unique.length; i += addChunkRows) {
      await db
        .insertInto('jobs')
        .values(
          unique.slice(i, i + addChunkRows).map((j) => ({
            queue,
            key: j.key,
            data: j.data,
            state: 'waiting' as const,
            attempts_made: 0,
            max_attempts: j.maxAttempts,
            run_at: j.runAt,
            created_at: now,
            updated_at: now,
          })),
        )
        .onConflict((oc) =>
          oc
            .columns(['queue', 'key'])
            // A literal, not a bound parameter: SQLite matches the partial index's predicate textually.
            .where('state', '<>', sql.lit('failed'))
            .doUpdateSet((eb) => ({
              rerun_data: eb
                .case()
                .when('jobs.state', '=', 'active')
                .then(eb.ref('excluded.data'))
                .else(eb.ref('jobs.rerun_data'))
                .end(),
              updated_at: now,
            })),
        )
        .execute()
    }
  }

  return {
    addMany,

    /** Takes up to `limit` due jobs, including active ones whose lease ran out (their worker died). */
    async claim(queue: string, workerId: string, limit: number, leaseMs: number, now = Date.now()): Promise<JobRow[]> {
      const due = db
        .selectFrom('jobs')
        .select('id')
        .where('queue', '=', queue)
        .where((eb) =>
          eb.or([
            eb.and([eb('state', '=', 'waiting'), eb('run_at', '<=', now)]),
            eb.and([eb('state', '=', 'active'), eb('lease_until', '<', now)]),
          ]),
        )
        .orderBy('run_at')
        .orderBy('id')
        .limit(limit)
        // PostgreSQL: concurrent claimers skip each other's rows. SQLite serialises writers anyway.
        .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked())
      return db
        .updateTable('jobs')
        .set((eb) => ({
          state: 'active',
          attempts_made: eb('attempts_made', '+', 1),
          lease_until: now + leaseMs,
          locked_by: workerId,
          updated_at: now,
        }))
        .where('id', 'in', due)
        .returningAll()
        .execute()
    },

    async extendLease(ids: readonly number[], workerId: string, until: number): Promise<void> {
      if (ids.length === 0) return
      await db
        .updateTable('jobs')
        .set({ lease_until: until })
        .where('id', 'in', ids)
        .where('locked_by', '=', workerId)
        .where('state', '=', 'active')
        .execute()
    },

    /** Finished: deleted, or reset to waiting when an add arrived during the run. */
    async complete(id: number, workerId: string, now = Date.now()): Promise<void> {
      // Two guarded statements; an add landing between them flips which one applies, so try again.
      for (let tries = 0; tries < 5; tries++) {
        const rerun = await db
          .updateTable('jobs')
          .set((eb) => ({
            state: 'waiting',
            // guarded by `rerun_data is not null` below
            data: eb.ref('rerun_data').$castTo<string>(),
            rerun_data: null,
            attempts_made: 0,
            run_at: now,
            lease_until: null,
            locked_by: null,
            last_error: null,
            updated_at: now,
          }))
          .where('id', '=', id)
          .where('locked_by', '=', workerId)
          .where('state', '=', 'active')
          .where('rerun_data', 'is not', null)
          .executeTakeFirst()
        if (Number(rerun.numUpdatedRows) > 0) return
        const done = await db
          .deleteFrom('jobs')
          .where('id', '=', id)
          .where('locked_by', '=', workerId)
          .where('state', '=', 'active')
          .where('rerun_data', 'is', null)
          .executeTakeFirst()
        if (Number(done.numDeletedRows) > 0) return
        const still = await db
          .selectFrom('jobs')
          .select('id')
          .where('id', '=', id)
          .where('locked_by', '=', workerId)
          .where('state', '=', 'active')
          .executeTakeFirst()
        if (!still) return // lease lost to another worker: it owns the job now
      }
    },

    async retry(id: number, workerId: string, runAt: number, error: string, now = Date.now()): Promise<void> {
      await db
        .updateTable('jobs')
        .set((eb) => ({
          state: 'waiting',
          data: eb.fn.coalesce('rerun_data', 'data'),
          rerun_data: null,
          run_at: runAt,
          lease_until: null,
          locked_by: null,
          last_error: error,
          updated_at: now,
        }))
        .where('id', '=', id)
        .where('locked_by', '=', workerId)
        .where('state', '=', 'active')
        .execute()
    },

    /** Runs the job again at `runAt` without counting this run as an attempt (PostponeJob). */
    async postpone(id: number, workerId: string, runAt: number, now = Date.now()): Promise<void> {
      await db
        .updateTable('jobs')
        .set((eb) => ({
          state: 'waiting',
          data: eb.fn.coalesce('rerun_data', 'data'),
          rerun_data: null,
          attempts_made: eb('attempts_made', '-', 1),
          run_at: runAt,
          lease_until: null,
          locked_by: null,
          updated_at: now,
        }))
        .where('id', '=', id)
        .where('locked_by', '=', workerId)
        .where('state', '=', 'active')
        .execute()
    },

    /** Parks the job as failed; an add that arrived during the run becomes a fresh waiting job. */
    async fail(id: number, workerId: string, error: string, now = Date.now()): Promise<void> {
      await db.transaction().execute(async (tx) => {
        const failed = await tx
          .updateTable('jobs')
          .set({ state: 'failed', lease_until: null, last_error: error, updated_at: now })
          .where('id', '=', id)
          .where('locked_by', '=', workerId)
          .where('state', '=', 'active')
          .returning(['queue', 'key', 'rerun_data', 'max_attempts'])
          .executeTakeFirst()
        if (!failed?.rerun_data) return
        await tx.updateTable('jobs').set({ rerun_data: null }).where('id', '=', id).execute()
        await tx
          .insertInto('jobs')
          .values({
            queue: failed.queue,
            key: failed.key,
            data: failed.rerun_data,
            state: 'waiting',
            attempts_made: 0,
            max_attempts: failed.max_attempts,
            run_at: now,
            created_at: now,
            updated_at: now,
          })
          .execute()
      })
    },

    async counts(queue: string, now = Date.now()): Promise<JobCounts> {
      const rows = await db
        .selectFrom('jobs')
        .select((eb) => [
          'state',
          eb
            .case()
            .when(eb.and([eb('state', '=', 'waiting'), eb('run_at', '>', now)]))
            .then(1)
            .else(0)
            .end()
            .as('is_delayed'),
          eb.fn.countAll<number>().as('n'),
        ])
        .where('queue', '=', queue)
        .groupBy(['state', 'is_delayed'])
        .execute()
      const counts: JobCounts = { waiting: 0, delayed: 0, active: 0, failed: 0 }
      for (const r of rows) {
        const n = Number(r.n)
        if (r.state === 'waiting') counts[Number(r.is_delayed) === 1 ? 'delayed' : 'waiting'] += n
        else counts[r.state] += n
      }
      return counts
    },

    async listFailed(queue: string, limit: number): Promise<JobRow[]> {
      return db
        .selectFrom('jobs')
        .selectAll()
        .where('queue', '=', queue)
        .where('state', '=', 'failed')
        .orderBy('updated_at', 'desc')
        .limit(limit)
        .execute()
    },

    async get(queue: string, key: string): Promise<JobRow | undefined> {
      return db
        .selectFrom('jobs')
        .selectAll()
        .where('queue', '=', queue)
        .where('key', '=', key)
        .where('state', '<>', 'failed')
        .executeTakeFirst()
    },

    async nextRunAt(queue: string): Promise<number | null> {
      const row = await db
        .selectFrom('jobs')
        .select((eb) => eb.fn.min('run_at').as('next'))
        .where('queue', '=', queue)
        .where('state', '=', 'waiting')
        .executeTakeFirst()
      return row?.next == null ? null : Number(row.next)
    },
  }
}

export type JobRepo = ReturnType<typeof createJobRepo>
