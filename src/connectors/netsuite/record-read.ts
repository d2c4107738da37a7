import { isTandemError } from '../../errors.ts'
import type { SourceRecord } from '../types.ts'
import type { NetSuiteClient } from './client.ts'
import { percentEncode } from './tba-signer.ts'

/**
 * Reading one record by internal id or `eid:` (reference §4). `fields` takes body fields only and
 * sublists come back collapsed (a bare link), so a read that needs a sublist asks for
 * `expandSubResources=true` instead and keeps the wanted fields itself.
 */

export interface ReadPlan {
  /** Top-level body fields to return; undefined: every field. lastModifiedDate is always added. */
  fields: readonly string[] | undefined
  /** Sublists to return expanded as `{ items: [line…], totalResults }`. */
  sublists: readonly string[]
}

/** An internal id, or `eid:<external id>`; the external ID percent-encoded like any path segment. */
export function encodeKey(key: string): string {
  return key.startsWith('eid:') ? `eid:${percentEncode(key.slice(4))}` : percentEncode(key)
}

/**
 * Splits what a caller asked for into body fields and sublists. `sublistNames` comes from the record's
 * metadata (describe); a dotted path (`subsidiary.refName`, `price.items`) reads its top field.
 */
export function planRead(
  fields: readonly string[] | undefined,
  lists: readonly { path: string }[] | undefined,
  sublistNames: ReadonlySet<string>,
): ReadPlan {
  const sublists = new Set((lists ?? []).map((l) => l.path.split('.')[0]!))
  if (fields === undefined) return { fields: undefined, sublists: [...sublists] }
  const body = new Set<string>(['lastModifiedDate'])
  for (const f of fields) {
    const top = f.split('.')[0]!
    if (sublistNames.has(top)) sublists.add(top)
    else body.add(top)
  }
  return { fields: [...body], sublists: [...sublists] }
}

/** The record, or undefined when NetSuite says it does not exist. */
export async function readRecord(
  client: NetSuiteClient,
  type: string,
  key: string,
  plan: ReadPlan,
): Promise<SourceRecord | undefined> {
  const expand = plan.sublists.length > 0
  const query: Record<string, string> = expand
    ? { expandSubResources: 'true' }
    : plan.fields
      ? { fields: plan.fields.join(',') }
      : {}
  let body: Record<string, unknown>
  try {
    const res = await client.request({ method: 'GET', path: `/record/v1/${type}/${encodeKey(key)}`, query })
    body = (res.body ?? {}) as Record<string, unknown>
  } catch (err) {
    if (isTandemError(err) && err.code === 'NS_NONEXISTENT_ID') return undefined
    throw err
  }
  let data = stripLinks(body) as Record<string, unknown>
  if (expand && plan.fields) {
    const keep = new Set([...plan.fields, ...plan.sublists])
    data = Object.fromEntries(Object.entries(data).filter(([k]) => keep.has(k)))
  }
  const modified = body.lastModifiedDate
  return {
    id: typeof body.id === 'string' ? body.id : key,
    modifiedAt: typeof modified === 'string' ? modified : null,
    data,
  }
}

/**
 * The record's data without HATEOAS links: references keep `{id, refName}`, and a collapsed sublist
 * (nothing but a link) disappears.
 */
export function stripLinks(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripLinks)
  if (typeof value !== 'object' || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'links') continue
    const stripped = stripLinks(inner)
    const onlyLinks =
      typeof inner === 'object' &&
      inner !== null &&
      !Array.isArray(inner) &&
      'links' in inner &&
      Object.keys(inner).length === 1
    if (!onlyLinks) out[key] = stripped
  }
  return out
}
