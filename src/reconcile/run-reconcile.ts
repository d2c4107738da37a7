import { join } from 'node:path'
import type { ObjectApi, SourceRecord } from '../connectors/types.ts'
import { openLetters } from '../engine/dead-letters.ts'
import type { Flow } from '../engine/flows.ts'
import { isTandemError } from '../errors.ts'
import type { Logger } from '../lib/logger.ts'
import type { Store } from '../store/store.ts'
import { type FindingCounts, joinPartition } from './join-partition.ts'
import { createEntryBuilders, isUnlinked, type SourceEntry, type TargetEntry } from './record-entries.ts'
import { PartitionSpill, type Side } from './spill.ts'

export interface ReconcileSummary {
  runId: number
  flow: string
  mode: 'full' | 'incremental'
  since: string | null
  /** Both sides are read at once, then the partitions are compared. */
  phase: 'reading' | 'comparing' | 'done' | 'failed'
  read: { source: number; target: number }
  /** Partitions compared so far, of `partitions`: the progress of the last phase. */
  compared: number
  partitions: number
  counts: FindingCounts
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

type Entry = SourceEntry | TargetEntry

const progressEvery = 2_000
/** Partitions of about this many entries per side keep the comparison's memory small. */
const entriesPerPartition = 2_000
/** Past this, partitions grow instead: the spill's write buffers (a few KB per partition) stay within budget. */
const maxPartitions = 1_024

/**
 * Reconciles one flow: streams the source's records through the flow's mapping and the target's records,
 * both at once, and spills them to disk partitioned by their join key (the source id the target keeps in
 * its external-id field, or the linked target id for update-only flows); then joins each partition and
 * compares the mapped fields with the mapping's normalisation. Findings (missing, orphaned, mismatched
 * field by field, failed) are stored as the run's history; `repair` asks for a sync of every missing and
 * mismatched record, which re-reads the source and writes only what this flow owns. Orphans are only
 * reported.
 */
export async function runReconcile(
  deps: ReconcileDeps,
  flowName: string,
  opts: ReconcileOptions,
): Promise<ReconcileSummary> {
  const { store, flows, logger } = deps
  const flow = flows.get(flowName)
  if (!flow) throw new Error(`no flow '${flowName}'`)
  const last = await store.recon.lastDone(flow.name)
  const since = opts.since === 'last' ? (last?.started_at ?? undefined) : opts.since
  const mode = since === undefined ? 'full' : 'incremental'
  const runId = await store.recon.start({ flow: flow.name, mode, since: since ?? null, repair: opts.repair ?? false })
  opts.onStart?.(runId)
  // Sized from the last full run: an incremental one read only what changed.
  const partitions = opts.partitions ?? partitionsFor(last?.mode === 'full' ? JSON.parse(last.summary) : undefined)
  const spill = new PartitionSpill<Entry>(join(opts.workDir, `reconcile-${runId}`), partitions)
  const summary: ReconcileSummary = {
    runId,
    flow: flow.name,
    mode,
    since: since === undefined ? null : new Date(since).toISOString(),
    phase: 'reading',
    read: { source: 0, target: 0 },
    compared: 0,
    partitions,
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
  const entries = createEntryBuilders(flows, store, flow)
  const sinceIso = since === undefined ? undefined : new Date(since).toISOString()
  const sourceOpts = {
    fields: flow.mapping.sourceFields,
    lists: flow.mapping.sourceLists,
    ...(sinceIso ? { since: sinceIso } : {}),
  }
  const targetOpts = { fields: entries.targetFields, ...(sinceIso ? { since: sinceIso } : {}) }

  /** One side's records into the spill, page by page; stops early once the other side has failed. */
  let stopped = false
  async function readSide(
    side: Side,
    pages: AsyncIterable<SourceRecord[]>,
    toEntries: (page: SourceRecord[]) => Promise<(Entry | undefined)[]> | (Entry | undefined)[],
  ): Promise<void> {
    try {
      for await (const page of pages) {
        if (stopped) return
        summary.read[side] += page.length
        for (const entry of await toEntries(page)) if (entry) spill.write(side, entry)
        await report()
      }
    } catch (err) {
      stopped = true
      throw err
    }
  }
  const sourceEntries = async (listed: SourceRecord[]) => {
    const out: (SourceEntry | undefined)[] = []
    for (const rec of listed) out.push(await entries.fromSource(rec))
    return out
  }

  try {
    // Both systems are remote: reading them at once overlaps their latencies.
    const reads = await Promise.allSettled([
      readSide('source', flow.source.object.listAll(sourceOpts), sourceEntries),
      readSide('target', flow.target.object.listAll(targetOpts), (page) => page.map(entries.fromTarget)),
    ])
    for (const r of reads) if (r.status === 'rejected') throw r.reason

    summary.phase = 'comparing'
    await report(true)
    const failedIds = new Set<string>()
    for (const part of spill.partitions()) {
      const sources = part.source as SourceEntry[]
      const targets = part.target as TargetEntry[]
      // Incremental: a changed record's counterpart did not change, so it was not read; fetch it.
      if (mode === 'incremental') {
        const targetKeys = new Set(targets.map((t) => t.key))
        const sourceKeys = new Set(sources.map((s) => s.key))
        targets.push(...(await fetchTargetsFor(sources.filter((s) => !targetKeys.has(s.key)))))
        sources.push(...(await fetchSourcesFor(targets.filter((t) => !isUnlinked(t.key) && !sourceKeys.has(t.key)))))
      }
      const result = joinPartition(sources, targets, {
        orphans: !flow.target.updateThrough,
        skipFields: new Set(flow.target.externalId ? [flow.target.externalId] : []),
      })
      await store.recon.addFindings(runId, result.findings)
      for (const f of result.findings) if (f.kind === 'failed' && f.source_id) failedIds.add(f.source_id)
      for (const [k, n] of Object.entries(result.counts)) summary.counts[k as keyof FindingCounts] += n
      if (opts.repair) {
        for (const id of result.repairs) await repair(id)
        summary.repaired += result.repairs.length
      }
      summary.compared++
      await report(true)
    }

    // Records whose last sync failed for good: the reason is in the dead-letter list; show them here too.
    for await (const letters of openLetters(store, { flow: flow.name })) {
      const fresh = letters.filter((d) => !failedIds.has(d.source_id))
      await store.recon.addFindings(
        runId,
        fresh.map((d) => ({
          kind: 'failed' as const,
          source_id: d.source_id,
          target_id: null,
          field: null,
          expected: null,
          actual: null,
          detail: `last sync failed: ${d.error_code}: ${d.error_message}`,
        })),
      )
      summary.counts.failed += fresh.length
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
    spill.remove()
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

  async function fetchTargetsFor(unmatched: SourceEntry[]): Promise<TargetEntry[]> {
    // Target id → the key its source entry has: an update-only flow's target may carry no external id.
    const ids = new Map<string, string>()
    for (const s of unmatched) {
      const id = flow!.target.updateThrough ? s.key : (await store.xrefs.get(flow!.name, s.id))?.target_id
      if (id) ids.set(id, s.key)
    }
    return (await readByIds(flow!.target.object, [...ids.keys()], entries.targetFields)).map((rec) => {
      const entry = entries.fromTarget(rec)
      return { ...entry, key: ids.get(rec.id) ?? entry.key }
    })
  }

  async function fetchSourcesFor(unmatched: TargetEntry[]): Promise<SourceEntry[]> {
    if (flow!.target.updateThrough) return []
    const found = await readByIds(
      flow!.source.object,
      unmatched.map((t) => t.key),
      flow!.mapping.sourceFields,
      flow!.mapping.sourceLists,
    )
    const out: SourceEntry[] = []
    for (const rec of found) {
      const entry = await entries.fromSource(rec)
      if (entry) out.push(entry)
    }
    return out
  }
}

/** Records by id, 200 per call (a SOQL IN list, or as many reads in parallel). */
async function readByIds(
  object: ObjectApi,
  ids: readonly string[],
  fields: readonly string[],
  lists?: readonly { path: string; fields: readonly string[] }[],
): Promise<SourceRecord[]> {
  const out: SourceRecord[] = []
  for (let i = 0; i < ids.length; i += 200) {
    const found = await object.getMany(ids.slice(i, i + 200), fields, lists ? { lists } : {})
    out.push(...found.values())
  }
  return out
}

/**
 * Enough partitions that one holds about `entriesPerPartition` entries per side, judged by the last run
 * of the flow (the first run uses 128, at most 1,024): memory stays flat from thousands to millions of
 * records (at ten million, a partition holds about 10,000 entries per side).
 */
function partitionsFor(lastSummary: Partial<ReconcileSummary> | undefined): number {
  const read = Math.max(lastSummary?.read?.source ?? 0, lastSummary?.read?.target ?? 0)
  return Math.min(maxPartitions, Math.max(128, 2 ** Math.ceil(Math.log2(Math.max(1, read / entriesPerPartition)))))
}
