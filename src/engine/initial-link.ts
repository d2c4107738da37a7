import type { SourceRecord } from '../connectors/types.ts'
import { PermanentError } from '../errors.ts'
import type { Logger } from '../lib/logger.ts'
import { normaliseKey } from '../mapping/normalise-key.ts'
import { getPath } from '../mapping/source-path.ts'
import { PostponeJob } from '../queue/postpone.ts'
import type { Store } from '../store/store.ts'
import type { Flow } from './flows.ts'

export interface LinkSummary {
  /** Pairs linked by this run (the target now carries the source id in its external-id field). */
  linked: number
  /** Source records already linked, by the cross-reference or the target's external id. */
  alreadyLinked: number
  /** Source records that matched several targets: listed for a person to decide. */
  ambiguous: number
  /** Source records with no match: their first sync creates them. */
  unmatched: number
  finishedAt: string
}

const markerKey = (flow: string) => `link:${flow}`
const updateBatch = 50

/** Whether a flow's initial linking has run (or the flow needs none). */
export async function linkingDone(flow: Flow, store: Store): Promise<boolean> {
  return !flow.config.link || (await store.cursors.get(markerKey(flow.name))) !== null
}

/**
 * Thrown by a sync that must wait for linking, so it cannot create a duplicate of a record about to be
 * linked. A postponement: however long linking takes, the wait spends none of the job's attempts.
 */
export function linkPending(flow: string): PostponeJob {
  return new PostponeJob(`flow ${flow} is linking existing records first`, 2_000)
}

/**
 * Before a flow's first sync, links records that already exist on both sides instead of duplicating them.
 * The target side is indexed by each linking key (normalised: case, spacing, diacritics, legal forms); each
 * source record is then matched key by key, and the first key giving exactly one free candidate links the
 * pair: the target gets the source id in its external-id field (so upserts match it) and the cross-reference
 * records it. Several candidates are never guessed between: they become a review for a person.
 *
 * Memory is the target-side index (one entry per target record and key), built once per flow.
 */
export async function linkExisting(flow: Flow, store: Store, logger: Logger): Promise<LinkSummary> {
  const keys = flow.config.link?.keys ?? []
  // The schema requires externalId with link; a flow without either has nothing to link.
  const extField = flow.target.externalId
  if (!extField || keys.length === 0) {
    const none: LinkSummary = {
      linked: 0,
      alreadyLinked: 0,
      ambiguous: 0,
      unmatched: 0,
      finishedAt: new Date().toISOString(),
    }
    await store.cursors.set(markerKey(flow.name), JSON.stringify(none))
    return none
  }
  const byExternalId = new Map<string, string>()
  const indexes = keys.map(() => new Map<string, string[]>())

  for await (const page of flow.target.object.listAll({ fields: [extField, ...keys.map((k) => k.target)] })) {
    for (const rec of page) {
      const ext = rec.data[extField]
      if (ext !== null && ext !== undefined && ext !== '') byExternalId.set(String(ext), rec.id)
      keys.forEach((k, i) => {
        const v = normaliseKey(getPath(rec.data, k.target), k.normalise)
        if (v) indexes[i]!.set(v, [...(indexes[i]!.get(v) ?? []), rec.id])
      })
    }
  }
  // A target already carrying some source's id belongs to that source.
  const claimed = new Set(byExternalId.values())
  const summary = { linked: 0, alreadyLinked: 0, ambiguous: 0, unmatched: 0 }
  let pending: { sourceId: string; targetId: string }[] = []

  const flush = async () => {
    if (pending.length === 0) return
    const batch = pending
    pending = []
    const results = await flow.target.object.update(batch.map((l) => ({ id: l.targetId, [extField]: l.sourceId })))
    for (const [i, result] of results.entries()) {
      const link = batch[i]!
      if (!result.ok) {
        // The pair stays unlinked; the record's first sync reports the target's refusal where admins look.
        logger.warn({ flow: flow.name, ...link, code: result.error.code }, 'could not link an existing record')
        continue
      }
      await store.xrefs.record(flow.name, link.sourceId, link.targetId, null)
      summary.linked++
    }
  }

  const matchOne = async (src: SourceRecord) => {
    if (await store.xrefs.get(flow.name, src.id)) return void summary.alreadyLinked++
    const own = byExternalId.get(src.id)
    if (own) {
      await store.xrefs.record(flow.name, src.id, own, null)
      return void summary.alreadyLinked++
    }
    let ambiguous: { key: string; value: string; candidates: string[] } | undefined
    for (const [i, k] of keys.entries()) {
      const value = normaliseKey(getPath(src.data, k.source), k.normalise)
      if (!value) continue
      const candidates = (indexes[i]!.get(value) ?? []).filter((id) => !claimed.has(id))
      if (candidates.length === 1) {
        claimed.add(candidates[0]!)
        pending.push({ sourceId: src.id, targetId: candidates[0]! })
        if (pending.length >= updateBatch) await flush()
        return
      }
      if (candidates.length > 1) ambiguous ??= { key: k.target, value, candidates }
    }
    if (ambiguous) {
      await store.linkReviews.open({ flow: flow.name, sourceId: src.id, ...ambiguous })
      summary.ambiguous++
    } else summary.unmatched++
  }

  for await (const page of flow.source.object.listAll({ fields: keys.map((k) => k.source) })) {
    for (const src of page) await matchOne(src)
  }
  await flush()
  const done: LinkSummary = { ...summary, finishedAt: new Date().toISOString() }
  await store.cursors.set(markerKey(flow.name), JSON.stringify(done))
  logger.info({ flow: flow.name, ...done }, 'initial linking done')
  return done
}

const invalidDecision = (message: string) => new PermanentError('LINK_DECISION_INVALID', message)

/** A person's decision on an ambiguous link: link to one candidate, or let the sync create a new record. */
export async function decideLink(
  flow: Flow,
  store: Store,
  sourceId: string,
  decision: { action: 'link'; targetId: string } | { action: 'create' },
): Promise<void> {
  const review = await store.linkReviews.get(flow.name, sourceId)
  if (!review) throw invalidDecision(`no link review for ${sourceId} in flow ${flow.name}`)
  if (decision.action === 'create') {
    await store.linkReviews.decide(flow.name, sourceId, 'create', null)
    return
  }
  if (!review.candidates.includes(decision.targetId)) {
    throw invalidDecision(`${decision.targetId} is not one of the candidates (${review.candidates.join(', ')})`)
  }
  const extField = flow.target.externalId
  if (!extField)
    throw invalidDecision(`flow ${flow.name} updates through ${flow.target.updateThrough}; it links nothing itself`)
  const [result] = await flow.target.object.update([{ id: decision.targetId, [extField]: sourceId }])
  if (!result?.ok) throw result?.error ?? invalidDecision('the target returned no result')
  await store.xrefs.record(flow.name, sourceId, decision.targetId, null)
  await store.linkReviews.decide(flow.name, sourceId, 'linked', decision.targetId)
}
