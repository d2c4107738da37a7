import type { UpsertResult } from '../connectors/types.ts'
import { isTandemError, PermanentError } from '../errors.ts'
import type { Logger } from '../lib/logger.ts'
import type { Metrics } from '../lib/metrics.ts'
import { type MappingWarning, MissingReferenceError } from '../mapping/mapping-error.ts'
import { getPath } from '../mapping/source-path.ts'
import { isRetryable, serializeError } from '../queue/backoff.ts'
import type { JobHandler } from '../queue/job-queue.ts'
import { PostponeJob, postponeDelay } from '../queue/postpone.ts'
import type { SyncRunStatus } from '../store/schema.ts'
import type { Store } from '../store/store.ts'
import type { CircuitBreakers } from './circuit-breaker.ts'
import type { Flow, SyncJobData } from './flows.ts'
import { linkingDone, linkPending } from './initial-link.ts'
import { hashPayload } from './payload-hash.ts'
import { isReverseLink, resolveLink } from './resolve-link.ts'
import { writeBack } from './write-back.ts'

export interface SyncDeps {
  store: Store
  flows: Map<string, Flow>
  logger: Logger
  circuits: CircuitBreakers
  /** Whether an operator paused the flow: its jobs wait (spending no attempt) until it is resumed. */
  isPaused?(flow: string): Promise<boolean>
  metrics?: Metrics
  /** Asks for a sync of a record another record depends on (durably, through the inbox). */
  requestSync(flow: string, recordId: string, reason: string): Promise<void>
}

/**
 * Syncs one record: read its current state from the source (never the event's payload, so duplicate and
 * out-of-order events are harmless), check the flow's condition, map it (references through the
 * cross-reference), skip the write when the target already holds exactly this, upsert by external id, then
 * record the cross-reference and the run.
 */
export function createSyncHandler(deps: SyncDeps): JobHandler<SyncJobData> {
  const { store, flows, logger } = deps
  /** Flows whose initial linking is known to be done; it never becomes undone. */
  const linked = new Set<string>()

  return async (job) => {
    const started = Date.now()
    const { recordId } = job.data
    const flow = flows.get(job.data.flow)
    if (!flow) throw new PermanentError('FLOW_UNKNOWN', `flow ${job.data.flow} is not configured`)
    if (await deps.isPaused?.(flow.name)) throw new PostponeJob(`flow ${flow.name} is paused`, 2_000)
    const ref = { flow: flow.name, recordId }
    // Events up to here are covered by this run; any that arrive later schedule another run of this key.
    const watermark = await store.inbox.pendingWatermark(ref)
    let payload: Record<string, unknown> | null = null
    let warnings: MappingWarning[] = []
    let sourceData: Record<string, unknown> | undefined
    const record = async (status: SyncRunStatus, targetId: string | null, err?: unknown) => {
      deps.metrics?.jobs.inc({ flow: flow.name, outcome: status })
      if (status !== 'retrying') deps.metrics?.syncSeconds.observe({ flow: flow.name }, (Date.now() - started) / 1000)
      const error = err === undefined ? null : serializeError(err)
      await store.runs.insert({
        flow: flow.name,
        source_id: recordId,
        target_id: targetId,
        attempt: job.attempt,
        status,
        error_kind: error?.kind ?? null,
        error_code: error?.code ?? null,
        error_message: error?.message ?? null,
        started_at: started,
        duration_ms: Date.now() - started,
        payload: payload === null ? null : JSON.stringify(payload),
        warnings: warnings.length === 0 ? null : JSON.stringify(warnings),
      })
    }
    // Related records whose state this one changes without touching them (an invoice, its customer's balance).
    const cascade = async (data: Record<string, unknown>) => {
      for (const c of flow.config.cascade ?? []) {
        const id = getPath(data, c.from)
        if (id !== null && id !== undefined && id !== '')
          await deps.requestSync(c.flow, String(id), `cascade:${flow.name}:${recordId}`)
      }
    }
    const settle = async () => {
      if (watermark !== null) await store.inbox.markDone(ref, watermark)
    }

    try {
      if (flow.config.link) {
        if (!linked.has(flow.name)) {
          if (!(await linkingDone(flow, store))) throw linkPending(flow.name)
          linked.add(flow.name)
        }
        const review = await store.linkReviews.get(flow.name, recordId)
        if (review?.state === 'open') {
          const candidates = review.candidates.join(', ')
          const why = `matches several existing ${flow.config.target.object} records (${candidates}); waiting for a person to choose`
          await record('skipped', null, new PermanentError('LINK_REVIEW_OPEN', why))
          await settle()
          return
        }
      }
      const { mapping } = flow
      const source = await deps.circuits.guard(flow.source.connection, () => flow.source.read.call(recordId))
      sourceData = source?.data
      if (!source) {
        // Deleted at the source (or never visible to us): the flow's delete policy says what the target gets.
        const linked = await store.xrefs.get(flow.name, recordId)
        const policy = flow.config.onDelete
        if (linked && policy !== 'ignore') {
          const fields = policy.deactivate
          const deletedHash = `deleted:${hashPayload(fields)}`
          if (linked.last_hash === deletedHash) {
            await record('unchanged', linked.target_id)
            await settle()
            return
          }
          const [result] = await deps.circuits.guard(flow.target.connection, () =>
            flow.target.object.update([{ id: linked.target_id, ...fields }]),
          )
          if (result && !result.ok) throw result.error
          payload = fields
          await store.xrefs.record(flow.name, recordId, linked.target_id, deletedHash)
          await record('written', linked.target_id)
          await store.deadLetters.resolve(flow.name, recordId)
          await settle()
          return
        }
        await record('skipped', null, new PermanentError('SOURCE_NOT_FOUND', `source record ${recordId} not found`))
        await store.deadLetters.resolve(flow.name, recordId)
        await settle()
        return
      }
      if (!(await mapping.accepts(source.data))) {
        await record('skipped', null, new PermanentError('FILTERED_OUT', 'the record does not meet source.when'))
        await store.deadLetters.resolve(flow.name, recordId)
        await settle()
        return
      }
      const target = flow.target.conn
      const mapped = await mapping.map(source.id, source.data, {
        resolveRef: (refFlow, id) => resolveLink(flows, store, flow, refFlow, id),
        referenceValue: (id) => (target.referenceValue ? target.referenceValue(id) : id),
        lookup: flow.target.lookup,
        warn: () => {},
      })
      payload = mapped.payload
      warnings = mapped.warnings
      const hash = hashPayload(mapped.payload)
      const xref = await store.xrefs.get(flow.name, recordId)
      if (xref && xref.last_hash === hash) {
        await record('unchanged', xref.target_id)
        await store.deadLetters.resolve(flow.name, recordId)
        await cascade(source.data)
        await writeBack(
          flow,
          recordId,
          source.data,
          { status: 'synced', targetId: xref.target_id, wrote: false },
          logger,
        )
        await settle()
        return
      }
      let result: UpsertResult | undefined
      if (flow.target.externalId) {
        result = await deps.circuits.guard(flow.target.connection, () => flow.target.upsert.call(mapped.payload))
      } else {
        // An update-only flow writes to the record another flow linked, and never creates one.
        const linkedId =
          xref?.target_id ?? (await resolveLink(flows, store, flow, flow.target.updateThrough!, recordId))
        if (!linkedId) {
          const why = `not linked by flow ${flow.target.updateThrough} yet; it is updated once it is`
          await record('skipped', null, new PermanentError('NOT_LINKED', why))
          await settle()
          return
        }
        ;[result] = await deps.circuits.guard(flow.target.connection, () =>
          flow.target.object.update([{ id: linkedId, ...mapped.payload }]),
        )
      }
      if (!result) throw new PermanentError('UPSERT_NO_RESULT', 'the target returned no result for the record')
      if (!result.ok) throw result.error
      await store.xrefs.record(flow.name, recordId, result.id, hash)
      await record('written', result.id)
      await cascade(source.data)
      if (await store.deadLetters.resolve(flow.name, recordId))
        logger.info({ flow: flow.name, recordId }, 'dead letter resolved')
      await writeBack(flow, recordId, source.data, { status: 'synced', targetId: result.id, wrote: true }, logger)
      await settle()
      logger.debug({ flow: flow.name, recordId, targetId: result.id, created: result.created }, 'record synced')
    } catch (err) {
      // A postponement is not a failed attempt: nothing to record, the queue runs the job again later.
      if (postponeDelay(err) !== undefined) throw err
      if (err instanceof MissingReferenceError && err.policy === 'sync-first') {
        // Only a dependency read from the same system can be synced first; a link read backwards just waits.
        const dep = flows.get(err.dependency.flow)
        if (dep && !isReverseLink(dep, flow)) {
          await deps.requestSync(dep.name, err.dependency.sourceId, `${flow.name}:${recordId}`)
        }
      }
      const final = !isRetryable(err) || job.attempt >= job.maxAttempts
      await record(final ? 'failed' : 'retrying', null, err)
      // A parked record no longer owes a sync; its failure is kept in the run history and the failed jobs.
      if (final) {
        const e = serializeError(err)
        await store.deadLetters.park({
          flow: flow.name,
          sourceId: recordId,
          kind: e.kind,
          code: e.code,
          message: e.message,
          remote: isTandemError(err) ? err.remote : undefined,
          payload: payload === null ? null : JSON.stringify(payload),
        })
        if (sourceData) {
          const message = isTandemError(err) ? `${err.code}: ${err.message}` : 'internal error'
          await writeBack(flow, recordId, sourceData, { status: 'failed', message }, logger)
        }
        await settle()
      }
      logger.warn(
        {
          flow: flow.name,
          recordId,
          attempt: job.attempt,
          final,
          code: isTandemError(err) ? err.code : undefined,
          err: serializeError(err),
        },
        final ? 'record sync failed' : 'record sync will retry',
      )
      throw err
    }
  }
}
