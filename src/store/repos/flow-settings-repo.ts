import type { Db } from '../db.ts'

/** Operator switches per flow (pause/resume), shared by every process through the store. */
export function createFlowSettingsRepo(db: Db) {
  return {
    async setPaused(flow: string, paused: boolean, by: string, now = Date.now()): Promise<void> {
      await db
        .insertInto('flow_settings')
        .values({ flow, paused: paused ? 1 : 0, changed_by: by, changed_at: now })
        .onConflict((oc) => oc.column('flow').doUpdateSet({ paused: paused ? 1 : 0, changed_by: by, changed_at: now }))
        .execute()
    },

    async paused(): Promise<Set<string>> {
      const rows = await db.selectFrom('flow_settings').select('flow').where('paused', '=', 1).execute()
      return new Set(rows.map((r) => r.flow))
    },
  }
}

export type FlowSettingsRepo = ReturnType<typeof createFlowSettingsRepo>
