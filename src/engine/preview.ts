import { isTandemError } from '../errors.ts'
import { diffPayload, type FieldDiff } from '../mapping/compare-values.ts'
import type { MappingWarning } from '../mapping/mapping-error.ts'
import type { Store } from '../store/store.ts'
import type { Flow } from './flows.ts'
import { resolveLink } from './resolve-link.ts'

export interface Preview {
  flow: string
  sourceId: string
  /** What a sync would do now. */
  action: 'create' | 'update' | 'none' | 'skip' | 'fail'
  reason?: string
  payload: Record<string, unknown> | null
  warnings: MappingWarning[]
  target: { id: string | null; record: Record<string, unknown> | null }
  diff: FieldDiff[]
  error?: { code: string; message: string }
}

/**
 * What syncing one record would write, and how that differs from the target record today, without writing
 * anything: the source is read, mapped with references resolved, and compared with the linked target record.
 */
export async function previewRecord(
  flows: ReadonlyMap<string, Flow>,
  flow: Flow,
  sourceId: string,
  store: Store,
): Promise<Preview> {
  const base = { flow: flow.name, sourceId, payload: null, warnings: [], diff: [] }
  const xref = await store.xrefs.get(flow.name, sourceId)
  const linkedId = flow.target.updateThrough
    ? await resolveLink(flows, store, flow, flow.target.updateThrough, sourceId)
    : undefined
  const target = { id: xref?.target_id ?? linkedId ?? null, record: null as Record<string, unknown> | null }
  const found = await flow.source.object.getMany([sourceId], flow.mapping.sourceFields, {
    lists: flow.mapping.sourceLists,
  })
  const source = found.get(sourceId)
  if (!source) return { ...base, action: 'skip', reason: `${flow.config.source.object} ${sourceId} not found`, target }
  if (!(await flow.mapping.accepts(source.data))) {
    return { ...base, action: 'skip', reason: 'the record does not meet source.when', target }
  }
  const conn = flow.target.conn
  let mapped: Awaited<ReturnType<Flow['mapping']['map']>>
  try {
    mapped = await flow.mapping.map(source.id, source.data, {
      resolveRef: (refFlow, id) => resolveLink(flows, store, flow, refFlow, id),
      referenceValue: (id) => (conn.referenceValue ? conn.referenceValue(id) : id),
      lookup: flow.target.lookup,
      warn: () => {},
    })
  } catch (err) {
    if (!isTandemError(err)) throw err
    return { ...base, action: 'fail', error: { code: err.code, message: err.message }, target }
  }
  if (target.id) {
    const current = await flow.target.object.getMany([target.id])
    target.record = current.get(target.id)?.data ?? null
  }
  const diff = diffPayload(mapped.payload, target.record)
  if (target.record === null && flow.target.updateThrough) {
    const reason = `not linked by flow ${flow.target.updateThrough} yet: nothing to update`
    return { ...base, action: 'skip', reason, payload: mapped.payload, warnings: mapped.warnings, target }
  }
  const action = target.record === null ? 'create' : diff.length === 0 ? 'none' : 'update'
  return { ...base, action, payload: mapped.payload, warnings: mapped.warnings, target, diff }
}
