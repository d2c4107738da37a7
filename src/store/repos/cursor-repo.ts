import type { Db } from '../db.ts'

/** Poll cursors (watermarks), one per flow source, advanced only after a page is safely in the inbox. */
export function createCursorRepo(db: Db) {
  return {
    async get(key: string): Promise<string | null> {
      const row = await db.selectFrom('poll_cursors').select('cursor').where('key', '=', key).executeTakeFirst()
      return row?.cursor ?? null
    },

    async set(key: string, cursor: string, now = Date.now()): Promise<void> {
      await db
        .insertInto('poll_cursors')
        .values({ key, cursor, updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ cursor, updated_at: now }))
        .execute()
    },
  }
}

export type CursorRepo = ReturnType<typeof createCursorRepo>
