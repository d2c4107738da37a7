import type { Selectable } from 'kysely'
import type { Db } from '../db.ts'
import type { LinkReviewState, LinkReviewTable } from '../schema.ts'

export type LinkReview = Omit<Selectable<LinkReviewTable>, 'candidates'> & { candidates: string[] }

function parse(row: Selectable<LinkReviewTable>): LinkReview {
  return { ...row, candidates: JSON.parse(row.candidates) as string[] }
}

/** Ambiguous initial links waiting for a person, and what they decided. */
export function createLinkReviewRepo(db: Db) {
  return {
    /** Opens a review, or leaves an existing one (decided or not) as it is: a re-run of linking asks no twice. */
    async open(
      r: { flow: string; sourceId: string; key: string; value: string; candidates: string[] },
      now = Date.now(),
    ) {
      await db
        .insertInto('link_reviews')
        .values({
          flow: r.flow,
          source_id: r.sourceId,
          key: r.key,
          value: r.value,
          candidates: JSON.stringify(r.candidates),
          state: 'open',
          decided_target_id: null,
          created_at: now,
          decided_at: null,
        })
        .onConflict((oc) => oc.columns(['flow', 'source_id']).doNothing())
        .execute()
    },

    async get(flow: string, sourceId: string): Promise<LinkReview | undefined> {
      const row = await db
        .selectFrom('link_reviews')
        .selectAll()
        .where('flow', '=', flow)
        .where('source_id', '=', sourceId)
        .executeTakeFirst()
      return row ? parse(row) : undefined
    },

    async list(flow: string, state?: LinkReviewState): Promise<LinkReview[]> {
      let q = db.selectFrom('link_reviews').selectAll().where('flow', '=', flow)
      if (state) q = q.where('state', '=', state)
      return (await q.orderBy('created_at').orderBy('source_id').execute()).map(parse)
    },

    async decide(
      flow: string,
      sourceId: string,
      state: 'linked' | 'create',
      targetId: string | null,
      now = Date.now(),
    ) {
      await db
        .updateTable('link_reviews')
        .set({ state, decided_target_id: targetId, decided_at: now })
        .where('flow', '=', flow)
        .where('source_id', '=', sourceId)
        .execute()
    },
  }
}

export type LinkReviewRepo = ReturnType<typeof createLinkReviewRepo>
