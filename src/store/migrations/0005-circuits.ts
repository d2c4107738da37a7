import type { Kysely } from 'kysely'
import type { MigrationContext } from './migration-context.ts'

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
type AnyDb = Kysely<any>

/** Circuit breakers per connection, shared by every process so the API shows what the workers see. */
export function circuits(ctx: MigrationContext) {
  const time = ctx.dialect === 'postgres' ? 'bigint' : 'integer'
  return {
    async up(db: AnyDb): Promise<void> {
      await db.schema
        .createTable('circuits')
        .addColumn('connection', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('first_failure_at', time)
        .addColumn('opened_at', time)
        .addColumn('next_probe_at', time)
        .addColumn('probe_backoff_ms', 'integer', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('updated_at', time, (c) => c.notNull())
        .execute()
    },
  }
}
