import { type Kysely, sql } from 'kysely'
import type { MigrationContext } from './migration-context.ts'

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
type AnyDb = Kysely<any>

export function initial(ctx: MigrationContext) {
  const idColumn = ctx.dialect === 'postgres' ? 'bigserial' : 'integer'
  const time = ctx.dialect === 'postgres' ? 'bigint' : 'integer'
  return {
    async up(db: AnyDb): Promise<void> {
      await db.schema
        .createTable('inbox_events')
        .addColumn('id', idColumn, (c) => c.primaryKey())
        .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
        .addColumn('flow', 'text', (c) => c.notNull())
        .addColumn('connection', 'text', (c) => c.notNull())
        .addColumn('object', 'text', (c) => c.notNull())
        .addColumn('record_id', 'text', (c) => c.notNull())
        .addColumn('change_type', 'text', (c) => c.notNull())
        .addColumn('origin', 'text')
        .addColumn('occurred_at', 'text')
        .addColumn('received_at', time, (c) => c.notNull())
        .addColumn('enqueued_at', time)
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('done_at', time)
        .execute()
      await db.schema
        .createIndex('inbox_events_pending')
        .on('inbox_events')
        .columns(['state', 'flow', 'record_id', 'id'])
        .execute()

      await db.schema
        .createTable('xrefs')
        .addColumn('flow', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('last_hash', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('xrefs_pk', ['flow', 'source_id'])
        .execute()
      await db.schema.createIndex('xrefs_target').on('xrefs').columns(['flow', 'target_id']).execute()

      await db.schema
        .createTable('sync_runs')
        .addColumn('id', idColumn, (c) => c.primaryKey())
        .addColumn('flow', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text')
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('error_kind', 'text')
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .addColumn('started_at', time, (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('sync_runs_record').on('sync_runs').columns(['flow', 'source_id', 'id']).execute()
      await db.schema.createIndex('sync_runs_status').on('sync_runs').columns(['flow', 'status']).execute()

      await db.schema
        .createTable('poll_cursors')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('cursor', 'text', (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute()

      await db.schema
        .createTable('jobs')
        .addColumn('id', idColumn, (c) => c.primaryKey())
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts_made', 'integer', (c) => c.notNull())
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('run_at', time, (c) => c.notNull())
        .addColumn('lease_until', time)
        .addColumn('locked_by', 'text')
        .addColumn('rerun_data', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute()
      // At most one unfinished job per key: the dedupe that coalesces bursts of changes to one record.
      await sql`create unique index jobs_unfinished_key on jobs (queue, key) where state <> 'failed'`.execute(db)
      await db.schema.createIndex('jobs_claim').on('jobs').columns(['queue', 'state', 'run_at']).execute()
    },
  }
}
