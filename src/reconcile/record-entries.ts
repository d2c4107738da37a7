import type { SourceRecord } from '../connectors/types.ts'
import type { Flow } from '../engine/flows.ts'
import { resolveLink } from '../engine/resolve-link.ts'
import { isTandemError } from '../errors.ts'
import type { MapEnv } from '../mapping/compile-mapping.ts'
import type { Store } from '../store/store.ts'

/** A source record as the flow would write it, keyed by what the target record holds to match it. */
export interface SourceEntry {
  key: string
  id: string
  payload?: Record<string, unknown>
  /** Why the mapping refused the record: reported as failed. */
  error?: string
}

/** A target record's fields the flow writes, keyed by its external id (or its own id for update-only flows). */
export interface TargetEntry {
  key: string
  id: string
  data: Record<string, unknown>
}

/** Target records without an external id get a key no source id can take: they match nothing. */
const unlinkedPrefix = '~'

export const isUnlinked = (key: string): boolean => key.startsWith(unlinkedPrefix)

export interface EntryBuilders {
  /** The target fields to read: the match key and every field and line list the flow writes. */
  targetFields: string[]
  /** The entry for a source record, or undefined when the flow would not write it (filtered out, unlinked). */
  fromSource(rec: SourceRecord): Promise<SourceEntry | undefined>
  fromTarget(rec: SourceRecord): TargetEntry
}

/**
 * How one flow's records become join entries. A source record goes through the flow's condition and
 * mapping with the same environment the sync worker uses (references through the cross-reference), so
 * the payload is exactly what a sync would write. The join key is the source id, which the target keeps in
 * its external-id field; an update-only flow (`updateThrough`) joins on the linked target id instead.
 */
export function createEntryBuilders(flows: ReadonlyMap<string, Flow>, store: Store, flow: Flow): EntryBuilders {
  const extField = flow.target.externalId
  const through = flow.target.updateThrough
  const conn = flow.target.conn
  const env: MapEnv = {
    resolveRef: (refFlow, id) => resolveLink(flows, store, flow, refFlow, id),
    referenceValue: (id) => (conn.referenceValue ? conn.referenceValue(id) : id),
    lookup: flow.target.lookup,
    warn: () => {},
  }
  const targetFields = [
    ...new Set([
      ...(extField ? [extField] : []),
      ...Object.keys(flow.config.fields),
      ...Object.keys(flow.config.lines ?? {}),
    ]),
  ]

  return {
    targetFields,

    async fromSource(rec) {
      if (!(await flow.mapping.accepts(rec.data))) return undefined
      const key = through ? await resolveLink(flows, store, flow, through, rec.id) : rec.id
      // An update-only flow never creates: a source record it has no link for is not expected in the target.
      if (key === undefined) return undefined
      try {
        const { payload } = await flow.mapping.map(rec.id, rec.data, env)
        return { key, id: rec.id, payload }
      } catch (err) {
        return { key, id: rec.id, error: isTandemError(err) ? `${err.code}: ${err.message}` : String(err) }
      }
    },

    fromTarget(rec) {
      const ext = extField ? rec.data[extField] : undefined
      const key = through
        ? rec.id
        : ext === null || ext === undefined || ext === ''
          ? `${unlinkedPrefix}${rec.id}`
          : String(ext)
      const data: Record<string, unknown> = {}
      for (const f of targetFields) data[f] = rec.data[f]
      return { key, id: rec.id, data }
    },
  }
}
