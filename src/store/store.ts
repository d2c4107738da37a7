import { sql } from 'kysely'
import { type DbOptions, openDb } from './db.ts'
import type { Dialect } from './migrations/index.ts'
import { createCircuitRepo } from './repos/circuit-repo.ts'
import { createCursorRepo } from './repos/cursor-repo.ts'
import { createDeadLetterRepo } from './repos/dead-letter-repo.ts'
import { createFlowSettingsRepo } from './repos/flow-settings-repo.ts'
import { createInboxRepo } from './repos/inbox-repo.ts'
import { createJobRepo } from './repos/job-repo.ts'
import { createLinkReviewRepo } from './repos/link-review-repo.ts'
import { createReconRepo } from './repos/recon-repo.ts'
import { createSyncRunRepo } from './repos/sync-run-repo.ts'
import { createTokenRepo } from './repos/token-repo.ts'
import { createXrefRepo } from './repos/xref-repo.ts'

/** The store: SQLite embedded by default, PostgreSQL when a database URL is given; same repositories. */
export async function createStore(opts: DbOptions) {
  const { db, dialect } = await openDb(opts)
  return {
    dialect: dialect as Dialect,
    inbox: createInboxRepo(db),
    xrefs: createXrefRepo(db),
    runs: createSyncRunRepo(db),
    cursors: createCursorRepo(db),
    jobs: createJobRepo(db, dialect),
    linkReviews: createLinkReviewRepo(db),
    deadLetters: createDeadLetterRepo(db),
    circuits: createCircuitRepo(db),
    recon: createReconRepo(db),
    tokens: createTokenRepo(db),
    flowSettings: createFlowSettingsRepo(db),
    /** For /readyz: a round trip to the database. */
    async ping(): Promise<void> {
      await sql`select 1`.execute(db)
    },
    async close(): Promise<void> {
      await db.destroy()
    },
  }
}

export type Store = Awaited<ReturnType<typeof createStore>>
