import type { Db } from '../db.ts'
import type { XrefTable } from '../schema.ts'

/** Cross-reference: which target record each source record became, and the hash last written to it. */
export function createXrefRepo(db: Db) {
  return {
    async get(flow: string, sourceId: string): Promise<XrefTable | undefined> {
      return db
        .selectFrom('xrefs')
        .selectAll()
        .where('flow', '=', flow)
        .where('source_id', '=', sourceId)
        .executeTakeFirst()
    },

    async findByTarget(flow: string, targetId: string): Promise<XrefTable | undefined> {
      return db
        .selectFrom('xrefs')
        .selectAll()
        .where('flow', '=', flow)
        .where('target_id', '=', targetId)
        .executeTakeFirst()
    },

    /** `hash` null links without claiming to know what the target holds: the next sync writes. */
    async record(
      flow: string,
      sourceId: string,
      targetId: string,
      hash: string | null,
      now = Date.now(),
    ): Promise<void> {
      await db
        .insertInto('xrefs')
        .values({ flow, source_id: sourceId, target_id: targetId, last_hash: hash, created_at: now, updated_at: now })
        .onConflict((oc) =>
          oc.columns(['flow', 'source_id']).doUpdateSet({ target_id: targetId, last_hash: hash, updated_at: now }),
        )
        .execute()
    },

    /** Every link a record takes part in, on either side, in any flow: how an admin finds a record by id. */
    async findByEitherId(id: string): Promise<XrefTable[]> {
      return db
        .selectFrom('xrefs')
        .selectAll()
        .where((eb) => eb.or([eb('source_id', '=', id), eb('target_id', '=', id)]))
        .execute()
    },

    async countByFlow(): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom('xrefs')
        .select(['flow', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('flow')
        .execute()
      return new Map(rows.map((r) => [r.flow, Number(r.n)]))
    },
  }
}

export type XrefRepo = ReturnType<typeof createXrefRepo>
