import type { Kysely } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
type AnyDb = Kysely<any>

/**
 * What a sync run did to the data, for the record timeline and dead letters: the payload it sent (or
 * would have sent) and the mapping's warnings (a truncated name, a phone number it could not read).
 */
export function syncRunDetail() {
  return {
    async up(db: AnyDb): Promise<void> {
      await db.schema.alterTable('sync_runs').addColumn('payload', 'text').execute()
      await db.schema.alterTable('sync_runs').addColumn('warnings', 'text').execute()
    },
  }
}
