import type { Kysely } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
type AnyDb = Kysely<any>

/** The dashboard reads recent runs by time (throughput) and by status (recent failures). */
export function runTimeIndex() {
  return {
    async up(db: AnyDb): Promise<void> {
      await db.schema.createIndex('sync_runs_status_time').on('sync_runs').columns(['status', 'started_at']).execute()
    },
  }
}
