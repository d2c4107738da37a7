import type { Kysely } from 'kysely'
import type { MigrationContext } from './migration-context.ts'

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
type AnyDb = Kysely<any>

/**
 * Dead letters: one row per (flow, record) that failed for good. Repeated failures of the same record
 * update the row (count, last error) instead of piling up; a later success resolves it.
 */
export function deadLetters(ctx: MigrationContext) {
  const idColumn = ctx.dialect === 'postgres' ? 'bigserial' : 'integer'
  const time = ctx.dialect === 'postgres' ? 'bigint' : 'integer'
  return {
    async up(db: AnyDb): Promise<void> {
      await db.schema
        .createTable('dead_letters')
        .addColumn('id', idColumn, (c) => c.primaryKey())
        .addColumn('flow', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('error_kind', 'text', (c) => c.notNull())
        .addColumn('error_code', 'text', (c) => c.notNull())
        .addColumn('error_message', 'text', (c) => c.notNull())
        .addColumn('remote', 'text')
        .addColumn('payload', 'text')
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('first_failed_at', time, (c) => c.notNull())
        .addColumn('last_failed_at', time, (c) => c.notNull())
        .addColumn('replayed_at', time)
        .addColumn('closed_at', time)
        .addUniqueConstraint('dead_letters_record', ['flow', 'source_id'])
        .execute()
      await db.schema
        .createIndex('dead_letters_state')
        .on('dead_letters')
        .columns(['state', 'flow', 'error_code'])
        .execute()
    },
  }
}
