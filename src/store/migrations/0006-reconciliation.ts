import type { Kysely } from 'kysely'
import type { MigrationContext } from './migration-context.ts'

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
type AnyDb = Kysely<any>

/** Reconciliation runs with their summary, and one row per finding (paged through the API, exported as CSV). */
export function reconciliation(ctx: MigrationContext) {
  const idColumn = ctx.dialect === 'postgres' ? 'bigserial' : 'integer'
  const time = ctx.dialect === 'postgres' ? 'bigint' : 'integer'
  return {
    async up(db: AnyDb): Promise<void> {
      await db.schema
        .createTable('recon_runs')
        .addColumn('id', idColumn, (c) => c.primaryKey())
        .addColumn('flow', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('since', time)
        .addColumn('repair', 'integer', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('started_at', time, (c) => c.notNull())
        .addColumn('finished_at', time)
        .execute()
      await db.schema.createIndex('recon_runs_flow').on('recon_runs').columns(['flow', 'id']).execute()
      await db.schema
        .createTable('recon_findings')
        .addColumn('id', idColumn, (c) => c.primaryKey())
        .addColumn('run_id', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text')
        .addColumn('target_id', 'text')
        .addColumn('field', 'text')
        .addColumn('expected', 'text')
        .addColumn('actual', 'text')
        .addColumn('detail', 'text')
        .execute()
      await db.schema.createIndex('recon_findings_run').on('recon_findings').columns(['run_id', 'kind', 'id']).execute()
    },
  }
}
