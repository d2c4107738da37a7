import { join } from 'node:path'
import type { SourceRecord } from '../connectors/types.ts'
import { openLetters } from '../engine/dead-letters.ts'
import type { Flow } from '../engine/flows.ts'
import { resolveLink } from '../engine/resolve-link.ts'
import { isTandemError } from '../errors.ts'
import type { Logger } from '../lib/logger.ts'
import type { MapEnv } from '../mapping/compile-mapping.ts'
import type { NewReconFinding } from '../store/repos/recon-repo.ts'
import type { Store } from '../store/store.ts'
import { compareRecord } from './compare-record.ts'
import { completeLists } from './complete-lists.ts'
import { PartitionSpill } from './spill.ts'

export interface ReconcileSummary {
  runId: number
  flow: string
  mode: 'full' | 'incremental'
  since: string | null
  phase: 'reading source' | 'reading target' | 'comparing' | 'done' | 'failed'
  read: { source: number; target: number }
  /** Partitions compared so far, of `partitions`: the progress of the last phase. */
  compared: number
  partitions: number
  counts: { matched: number; missing: number; orphaned: number; mismatched: number; failed: number }
  /** Syncs asked for by `repair`. */
  repaired: number
}

export interface ReconcileDeps {
  flows: ReadonlyMap<string, Flow>
  store: Store
  logger: Logger
  requestSync(flow: string, recordId: string, reason: string): Promise<void>
}

export interface ReconcileOptions {
  repair?: boolean
  /** Compare only records changed at or after this instant (epoch ms); `'last'`: since the last finished run. */
  since?: number | 'last'
  /** Where the spill files go; removed afterwards. */
  workDir: string
  partitions?: number
  /** Called once the run is recorded, before the long work: the API answers with the run's id. */
  onStart?(runId: number): void
  onProgress?(summary: ReconcileSummary): void
}

interface SourceEntry {
  key: string
  id: string
  payload?: Record<string, unknown>
  error?: string
}
interface TargetEntry {
  key: string
  id: string
  data: Record<string, unknown>
}
type Entry = ({ side: 'source' } & SourceEntry) | ({ side: 'target' } & TargetEntry)

const unlinkedPrefix = '~'
const progressEvery = 2_000

/**
 * Reconciles one flow: streams the source's records through the flow's mapping and the target's records,
 * spills both to disk partitioned by their join key (the source id the target keeps in its external-id
 * field, or the linked target id for update-only flows), then joins each partition and compares the mapped
 * fields with the mapping's normalisation. Findings (missing, orphaned, mismatched field by field, failed)
 * are stored as the run's history; `repair` asks for a sync of every missing and mismatched record, which
 * re-reads the source and writes only what this flow owns. Orphans are only reported.
 */
export async function runReconcile(
  deps: ReconcileDeps,
  flowName: string,
  opts: ReconcileOptions,
): Promise<ReconcileSummary> {
  const { store, flows, logger } = deps
  const flow = flows.get(flowName)
  if (!flow) throw new Error(`no flow '${flowName}'`)
  const since = opts.since === 'last' ? ((await store.recon.lastDone(flow.name))?.started_at ?? undefined) : opts.since
  const mode = since === undefined ? 'full' : 'incremental'
  const runId = await store.recon.start({ flow: flow.name, mode, since: since ?? null, repair: opts.repair ?? false })
  opts.onStart?.(runId)
  const spill = new PartitionSpill<Entry>(join(opts.workDir, `reconcile-${runId}`), opts.partitions ?? 64)
  const summary: ReconcileSummary = {
    runId,
    flow: flow.name,
    mode,
    since: since === undefined ? null : new Date(since).toISOString(),
    phase: 'reading source',
    read: { source: 0, target: 0 },
    compared: 0,
    partitions: spill.count,
    counts: { matched: 0, missing: 0, orphaned: 0, mismatched: 0, failed: 0 },
    repaired: 0,
  }
  let lastReport = 0
  const report = async (force = false) => {
    const total = summary.read.source + summary.read.target + summary.compared
    if (!force && total - lastReport < progressEvery) return
    lastReport = total
    opts.onProgress?.(summary)
    await store.recon.progress(runId, summary)
  }

  const extField = flow.target.externalId
  const through = flow.target.updateThrough
  const matchKey = new Set(extField ? [extField] : [])
  const env: MapEnv = {
    resolveRef: (refFlow, id) => resolveLink(flows, store, flow, refFlow, id),
    referenceValue: (id) => (flow.target.conn.referenceValue ? flow.target.conn.referenceValue(id) : id),
    lookup: flow.target.lookup,
    warn: () => {},
  }

  async function mapSource(rec: SourceRecord): Promise<SourceEntry | undefined> {
    if (!(await flow!.mapping.accepts(rec.data))) return undefined
    const key = through ? await resolveLink(flows, store, flow!, through, rec.id) : rec.id
    // An update-only flow never creates: a source record it has no link for is not expected in the target.
    if (key === undefined) return undefined
    try {
      const { payload } = await flow!.mapping.map(rec.id, rec.data, env)
      return { key, id: rec.id, payload }
    } catch (err) {
      return { key, id: rec.id, error: isTandemError(err) ? `${err.code}: ${err.message}` : String(err) }
    }
  }

  const targetFields = () => [
    ...new Set([
      ...(extField ? [extField] : []),
      ...Object.keys(flow.config.fields),
      ...Object.keys(flow.config.lines ?? {}),
    ]),
  ]
  const toTargetEntry = (rec: SourceRecord): TargetEntry => {
    const ext = extField ? rec.data[extField] : undefined
    const key = through
      ? rec.id
      : ext === null || ext === undefined || ext === ''
        ? `${unlinkedPrefix}${rec.id}`
        : String(ext)
    const data: Record<string, unknown> = {}
    for (const f of targetFields()) data[f] = rec.data[f]
    return { key, id: rec.id, data }
  }

  try {
    const sinceIso = since === undefined ? undefined : new Date(since).toISOString()
    const sourceOpts = {
      fields: flow.mapping.sourceFields,
      lists: flow.mapping.sourceLists,
      ...(sinceIso ? { since: sinceIso } : {}),
    }
    for await (const listed of flow.source.object.listAll(sourceOpts)) {
      const page = await completeLists(flow.source.object, listed, sourceOpts.fields, sourceOpts.lists)
      for (const rec of page) {
        summary.read.source++
        const entry = await mapSource(rec)
        if (entry) await spill.write('source', { side: 'source', ...entry })
      }
      await report()
    }
    summary.phase = 'reading target'
    for await (const page of flow.target.object.listAll({
      fields: targetFields(),
      ...(sinceIso ? { since: sinceIso } : {}),
    })) {
      for (const rec of page) {
        summary.read.target++
        await spill.write('target', { side: 'target', ...toTargetEntry(rec) })
      }
      await report()
    }

    summary.phase = 'comparing'
    for await (const part of spill.partitions()) {
      const findings: NewReconFinding[] = []
      const repairs = new Set<string>()
      const targets = new Map<string, TargetEntry>()
      for (const t of part.target) targets.set(t.key, t as TargetEntry)
      const sources = part.source as SourceEntry[]

      // Incremental: a changed record's counterpart did not change, so it was not read; fetch it.
      if (mode === 'incremental') {
        await fetchTargetsFor(
          sources.filter((s) => !targets.has(s.key)),
          targets,
        )
        await fetchSourcesFor(
          [...targets.values()].filter(
            (t) => !t.key.startsWith(unlinkedPrefix) && !sources.some((s) => s.key === t.key),
          ),
          sources,
        )
      }

      for (const s of sources) {
        const t = targets.get(s.key)
        targets.delete(s.key)
        if (s.error) {
          findings.push({
            kind: 'failed',
            source_id: s.id,
            target_id: t?.id ?? null,
            field: null,
            expected: null,
            actual: null,
            detail: s.error,
          })
          summary.counts.failed++
          continue
        }
        if (!t) {
          findings.push({
            kind: 'missing',
            source_id: s.id,
            target_id: null,
            field: null,
            expected: JSON.stringify(s.payload),
            actual: null,
            detail: null,
          })
          summary.counts.missing++
          repairs.add(s.id)
          continue
        }
        const mismatches = compareRecord(s.payload ?? {}, t.data, matchKey)
        if (mismatches.length === 0) {
          summary.counts.matched++
          continue
        }
        summary.counts.mismatched++
        repairs.add(s.id)
        for (const m of mismatches) {
          findings.push({
            kind: 'mismatched',
            source_id: s.id,
            target_id: t.id,
            field: m.field,
            expected: JSON.stringify(m.expected ?? null),
            actual: JSON.stringify(m.actual ?? null),
            detail: null,
          })
        }
      }
      // Update-only flows own some fields of records that exist for other reasons: what they do not link is not orphaned.
      if (!through) {
        for (const t of targets.values()) {
          const detail = t.key.startsWith(unlinkedPrefix)
            ? 'no external id: not created by this flow'
            : `source record ${t.key} not found`
          findings.push({
            kind: 'orphaned',
            source_id: null,
            target_id: t.id,
            field: null,
            expected: null,
            actual: null,
            detail,
          })
          summary.counts.orphaned++
        }
      }
      await store.recon.addFindings(runId, findings)
      if (opts.repair) {
        for (const id of repairs) await repair(id)
        summary.repaired += repairs.size
      }
      summary.compared++
      await report(true)
    }

    // Records whose last sync failed for good: the reason is in the dead-letter list; show them here too.
    for await (const letters of openLetters(store, { flow: flow.name })) {
      await store.recon.addFindings(
        runId,
        letters.map((d) => ({
          kind: 'failed' as const,
          source_id: d.source_id,
          target_id: null,
          field: null,
          expected: null,
          actual: null,
          detail: `last sync failed: ${d.error_code}: ${d.error_message}`,
        })),
      )
      summary.counts.failed += letters.length
    }
    summary.phase = 'done'
    await store.recon.finish(runId, summary)
    opts.onProgress?.(summary)
    logger.info({ flow: flow.name, runId, ...summary.counts, repaired: summary.repaired }, 'reconciliation done')
    return summary
  } catch (err) {
    summary.phase = 'failed'
    await store.recon.finish(runId, summary, isTandemError(err) ? `${err.code}: ${err.message}` : String(err))
    throw err
  } finally {
    await spill.remove()
  }

  /**
   * Asks for a sync of one record that drifted. The cross-reference's hash says what Tandem last wrote,
   * which the target no longer holds, so it is forgotten first: otherwise the sync would find the mapped
   * payload unchanged and skip the write (pipeline step 5). The sync writes only this flow's fields.
   */
  async function repair(sourceId: string): Promise<void> {
    const xref = await store.xrefs.get(flow!.name, sourceId)
    if (xref && xref.last_hash !== null) await store.xrefs.record(flow!.name, sourceId, xref.target_id, null)
    await deps.requestSync(flow!.name, sourceId, `reconcile:${runId}`)
  }

  async function fetchTargetsFor(unmatched: SourceEntry[], into: Map<string, TargetEntry>): Promise<void> {
    const ids = new Map<string, string>()
    for (const s of unmatched) {
      const id = through ? s.key : (await store.xrefs.get(flow!.name, s.id))?.target_id
      if (id) ids.set(id, s.key)
    }
    for (const chunk of chunks([...ids.keys()], 200)) {
      for (const rec of (await flow!.target.object.getMany(chunk, targetFields())).values()) {
        const entry = toTargetEntry(rec)
        into.set(ids.get(rec.id) ?? entry.key, { ...entry, key: ids.get(rec.id) ?? entry.key })
      }
    }
  }

  async function fetchSourcesFor(unmatched: TargetEntry[], into: SourceEntry[]): Promise<void> {
    if (through) return
    for (const chunk of chunks(
      unmatched.map((t) => t.key),
      200,
    )) {
      const found = await flow!.source.object.getMany(chunk, flow!.mapping.sourceFields, {
        lists: flow!.mapping.sourceLists,
      })
      for (const rec of found.values()) {
        const entry = await mapSource(rec)
        if (entry) into.push(entry)
      }
    }
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
