import type { Kysely, Migration, MigrationProvider } from 'kysely'
import { initial } from './0001-initial.ts'
import { syncRunDetail } from './0002-sync-run-detail.ts'
import { linkReviews } from './0003-link-reviews.ts'
import { deadLetters } from './0004-dead-letters.ts'
import { circuits } from './0005-circuits.ts'
import { reconciliation } from './0006-reconciliation.ts'
import { tokensAndAudit } from './0007-tokens-audit.ts'
import { flowSettings } from './0008-flow-settings.ts'
import { runTimeIndex } from './0009-run-time-index.ts'
import type { MigrationContext } from './migration-context.ts'

export type { Dialect, MigrationContext } from './migration-context.ts'

// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
type MigrationFactory = (ctx: MigrationContext) => { up(db: Kysely<any>): Promise<void> }

/** Ordered by name; never rename or edit a shipped migration, add the next one. */
const migrations: Record<string, MigrationFactory> = {
  '0001-initial': initial,
  '0002-sync-run-detail': syncRunDetail,
  '0003-link-reviews': linkReviews,
  '0004-dead-letters': deadLetters,
  '0005-circuits': circuits,
  '0006-reconciliation': reconciliation,
  '0007-tokens-audit': tokensAndAudit,
  '0008-flow-settings': flowSettings,
  '0009-run-time-index': runTimeIndex,
}

/** One set of migrations for both dialects; a migration branches on `ctx.dialect` where types differ. */
export function migrationProvider(ctx: MigrationContext): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return Object.fromEntries(Object.entries(migrations).map(([name, make]) => [name, make(ctx)]))
    },
  }
}
