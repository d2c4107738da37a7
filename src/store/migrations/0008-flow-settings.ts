import type { Kysely } from 'kysely'
import type { MigrationContext } from './migration-context.ts'

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
type AnyDb = Kysely<any>

/** Per-flow switches an operator sets: a paused flow takes in changes but writes nothing until resumed. */
export function flowSettings(ctx: MigrationContext) {
  const time = ctx.dialect === 'postgres' ? 'bigint' : 'integer'
  return {
    async up(db: AnyDb): Promise<void> {
      await db.schema
        .createTable('flow_settings')
        .addColumn('flow', 'text', (c) => c.primaryKey())
        .addColumn('paused', 'integer', (c) => c.notNull())
        .addColumn('changed_by', 'text')
        .addColumn('changed_at', time, (c) => c.notNull())
        .execute()
    },
  }
}
