import { type Selectable, sql } from 'kysely'
import type { Db } from '../db.ts'
import type { SyncRunTable } from '../schema.ts'

export type NewSyncRun = Omit<SyncRunTable, 'id' | 'payload' | 'warnings'> &
  Partial<Pick<SyncRunTable, 'payload' | 'warnings'>>

/** The history of sync attempts, one row each: what the dashboard's record timeline is made of. */
export function createSyncRunRepo(db: Db) {
  return {
    async insert(run: NewSyncRun): Promise<void> {
      await db.insertInto('sync_runs').values(run).execute()
    },

    async forRecord(flow: string, sourceId: string, limit = 50): Promise<Selectable<SyncRunTable>[]> {
      return db
        .selectFrom('sync_runs')
        .selectAll()
        .where('flow', '=', flow)
        .where('source_id', '=', sourceId)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute()
    },

    /** Flows that ever ran for this source id (a record that never synced has runs but no link). */
    async flowsFor(sourceId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('sync_runs')
        .select('flow')
        .distinct()
        .where('source_id', '=', sourceId)
        .execute()
      return rows.map((r) => r.flow)
    },

    /** Records written per flow per time bucket since an instant: the dashboard's throughput sparklines. */
    async throughput(since: number, bucketMs: number): Promise<{ flow: string; bucket: number; n: number }[]> {
      // Cast: node:sqlite binds JS numbers as REAL, so SQLite would divide in floating point.
      const bucket = sql<number>`cast((started_at - ${since}) / ${bucketMs} as integer)`
      const rows = await db
        .selectFrom('sync_runs')
        .select(['flow', bucket.as('bucket'), (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', '=', 'written')
        .where('started_at', '>=', since)
        // By the output column: PostgreSQL does not see two bindings of the same parameters as one expression.
        .groupBy(['flow', sql`bucket`])
        .execute()
      return rows.map((r) => ({ flow: r.flow, bucket: Number(r.bucket), n: Number(r.n) }))
    },

    /** The latest failed and retrying attempts, newest first. */
    async recentFailures(limit: number): Promise<Selectable<SyncRunTable>[]> {
      return db
        .selectFrom('sync_runs')
        .selectAll()
        .where('status', 'in', ['failed', 'retrying'])
        .orderBy('id', 'desc')
        .limit(limit)
        .execute()
    },

    /** Records whose latest attempt failed for good, per flow. */
    async failedCounts(): Promise<Map<string, number>> {
      const latest = db
        .selectFrom('sync_runs')
        .select(['flow', 'source_id', (eb) => eb.fn.max('id').as('last_id')])
        .groupBy(['flow', 'source_id'])
        .as('latest')
      const rows = await db
        .selectFrom(latest)
        .innerJoin('sync_runs as r', 'r.id', 'latest.last_id')
        .select(['r.flow', (eb) => eb.fn.countAll<number>().as('n')])
        .where('r.status', '=', 'failed')
        .groupBy('r.flow')
        .execute()
      return new Map(rows.map((r) => [r.flow, Number(r.n)]))
    },
  }
}

export type SyncRunRepo = ReturnType<typeof createSyncRunRepo>
