import type { Insertable, Selectable } from 'kysely'
import type { Db } from '../db.ts'
import type { ReconFindingKind, ReconFindingTable, ReconRunTable } from '../schema.ts'

export type ReconRun = Selectable<ReconRunTable>
export type ReconFinding = Selectable<ReconFindingTable>
export type NewReconFinding = Omit<Insertable<ReconFindingTable>, 'id' | 'run_id'>

/** Reconciliation runs and their findings, kept as history. */
export function createReconRepo(db: Db) {
  return {
    async start(
      r: { flow: string; mode: 'full' | 'incremental'; since: number | null; repair: boolean },
      now = Date.now(),
    ) {
      const row = await db
        .insertInto('recon_runs')
        .values({
          flow: r.flow,
          mode: r.mode,
          state: 'running',
          since: r.since,
          repair: r.repair ? 1 : 0,
          summary: '{}',
          error: null,
          started_at: now,
          finished_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return Number(row.id)
    },

    async progress(id: number, summary: unknown): Promise<void> {
      await db
        .updateTable('recon_runs')
        .set({ summary: JSON.stringify(summary) })
        .where('id', '=', id)
        .execute()
    },

    async finish(id: number, summary: unknown, error: string | null = null, now = Date.now()): Promise<void> {
      await db
        .updateTable('recon_runs')
        .set({ state: error ? 'failed' : 'done', summary: JSON.stringify(summary), error, finished_at: now })
        .where('id', '=', id)
        .execute()
    },

    /** Findings are written in chunks as partitions are compared, never all held at once. */
    async addFindings(runId: number, findings: readonly NewReconFinding[]): Promise<void> {
      for (let i = 0; i < findings.length; i += 500) {
        await db
          .insertInto('recon_findings')
          .values(findings.slice(i, i + 500).map((f) => ({ ...f, run_id: runId })))
          .execute()
      }
    },

    async get(id: number): Promise<ReconRun | undefined> {
      return db.selectFrom('recon_runs').selectAll().where('id', '=', id).executeTakeFirst()
    },

    async runs(flow: string | undefined, limit: number): Promise<ReconRun[]> {
      let q = db.selectFrom('recon_runs').selectAll()
      if (flow) q = q.where('flow', '=', flow)
      return q.orderBy('id', 'desc').limit(limit).execute()
    },

    /** The last finished run of a flow: incremental runs compare what changed since it started. */
    async lastDone(flow: string): Promise<ReconRun | undefined> {
      return db
        .selectFrom('recon_runs')
        .selectAll()
        .where('flow', '=', flow)
        .where('state', '=', 'done')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst()
    },

    async findings(
      runId: number,
      page: { kind?: ReconFindingKind; limit: number; afterId?: number },
    ): Promise<ReconFinding[]> {
      let q = db.selectFrom('recon_findings').selectAll().where('run_id', '=', runId)
      if (page.kind) q = q.where('kind', '=', page.kind)
      if (page.afterId !== undefined) q = q.where('id', '>', page.afterId)
      return q.orderBy('id').limit(page.limit).execute()
    },
  }
}

export type ReconRepo = ReturnType<typeof createReconRepo>
