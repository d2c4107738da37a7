import type { NewReconFinding } from '../store/repos/recon-repo.ts'
import { compareRecord } from './compare-record.ts'
import { isUnlinked, type SourceEntry, type TargetEntry } from './record-entries.ts'

export interface FindingCounts {
  matched: number
  missing: number
  orphaned: number
  mismatched: number
  failed: number
}

export interface PartitionResult {
  findings: NewReconFinding[]
  /** Source ids a repair syncs again: the missing and the mismatched. */
  repairs: string[]
  counts: FindingCounts
}

const finding = (f: Partial<NewReconFinding> & Pick<NewReconFinding, 'kind'>): NewReconFinding => ({
  source_id: null,
  target_id: null,
  field: null,
  expected: null,
  actual: null,
  detail: null,
  ...f,
})

/**
 * Joins one partition's entries on their key and compares each pair. Every source entry is missing (no
 * target), failed (the mapping refused it) or compared field by field; every target entry left over is an
 * orphan, unless the flow only updates records another flow links (`orphans: false`), whose targets exist
 * for other reasons.
 */
export function joinPartition(
  sources: readonly SourceEntry[],
  targets: readonly TargetEntry[],
  opts: { orphans: boolean; skipFields: ReadonlySet<string> },
): PartitionResult {
  const byKey = new Map<string, TargetEntry>()
  const findings: NewReconFinding[] = []
  const repairs: string[] = []
  const counts: FindingCounts = { matched: 0, missing: 0, orphaned: 0, mismatched: 0, failed: 0 }
  for (const t of targets) {
    const first = byKey.get(t.key)
    if (!first) byKey.set(t.key, t)
    else if (opts.orphans) {
      // Two target records claim one source record: the second is a duplicate, whichever is compared.
      findings.push(
        finding({ kind: 'orphaned', target_id: t.id, detail: `duplicate of ${first.id}: same key ${t.key}` }),
      )
      counts.orphaned++
    }
  }

  for (const s of sources) {
    const t = byKey.get(s.key)
    byKey.delete(s.key)
    if (s.error !== undefined) {
      findings.push(finding({ kind: 'failed', source_id: s.id, target_id: t?.id ?? null, detail: s.error }))
      counts.failed++
      continue
    }
    if (!t) {
      findings.push(finding({ kind: 'missing', source_id: s.id, expected: JSON.stringify(s.payload ?? null) }))
      counts.missing++
      repairs.push(s.id)
      continue
    }
    const mismatches = compareRecord(s.payload ?? {}, t.data, opts.skipFields)
    if (mismatches.length === 0) {
      counts.matched++
      continue
    }
    counts.mismatched++
    repairs.push(s.id)
    for (const m of mismatches) {
      findings.push(
        finding({
          kind: 'mismatched',
          source_id: s.id,
          target_id: t.id,
          field: m.field,
          expected: JSON.stringify(m.expected ?? null),
          actual: JSON.stringify(m.actual ?? null),
        }),
      )
    }
  }
  if (opts.orphans) {
    for (const t of byKey.values()) {
      const detail = isUnlinked(t.key) ? 'no external id: not created by this flow' : `source record ${t.key} not found`
      findings.push(finding({ kind: 'orphaned', target_id: t.id, detail }))
      counts.orphaned++
    }
  }
  return { findings, repairs, counts }
}
