import type { Kysely } from 'kysely'
import type { MigrationContext } from './migration-context.ts'

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
type AnyDb = Kysely<any>

/**
 * Initial linking: source records that matched several existing target records, kept for a person to
 * decide (link to one, or create a new one). Never guessed.
 */
export function linkReviews(ctx: MigrationContext) {
  const time = ctx.dialect === 'postgres' ? 'bigint' : 'integer'
  return {
    async up(db: AnyDb): Promise<void> {
      await db.schema
        .createTable('link_reviews')
        .addColumn('flow', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('candidates', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('decided_target_id', 'text')
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('decided_at', time)
        .addPrimaryKeyConstraint('link_reviews_pk', ['flow', 'source_id'])
        .execute()
    },
  }
}
