import { userError } from './ns-error.ts'
import { type InputOptions, normalizeInput, type SublistInput } from './record-input.ts'
import type { RecordStore } from './record-store.ts'
import type {
  FieldDef,
  FieldValue,
  LineValues,
  RecordEffects,
  RecordTypeDef,
  StoredRecord,
} from './record-types/record-type.ts'

/**
 * The write rules, shared by the HTTP routes and the programmatic handle: mandatory fields (lines too),
 * unique external IDs, sublist merging (`replace=`), NetSuite-generated values, effects on other records
 * and modification stamps (to the second, as NetSuite keeps them).
 */

export interface WriteOptions extends InputOptions {
  /** Sublists named in `?replace=`: lines not sent are removed (reference §4). */
  replace?: ReadonlySet<string>
  /** The path's external ID (`PUT …/eid:X`), which wins over one in the body. */
  externalId?: string
  /** Values NetSuite sets itself that no client may send (a transformed invoice's `createdFrom`). */
  internal?: Record<string, FieldValue>
}

/** Where writes happen: the store and the account's calendar. */
export interface WriteContext {
  store: RecordStore
  effects: RecordEffects
}

export function secondOf(ms: number): number {
  return Math.floor(ms / 1000) * 1000
}

function isEmpty(v: FieldValue | undefined): boolean {
  return v === undefined || v === null || v === ''
}

function missingIn(fields: readonly FieldDef[], values: Record<string, FieldValue>): string[] {
  return fields.filter((f) => f.requiredLabel && isEmpty(values[f.name])).map((f) => f.requiredLabel!)
}

function checkRequired(def: RecordTypeDef, values: Record<string, FieldValue>): void {
  const missing = missingIn(def.fields, values)
  for (const field of def.fields) {
    if (field.kind !== 'sublist' || !Array.isArray(values[field.name])) continue
    for (const line of values[field.name] as LineValues[]) missing.push(...missingIn(field.fields ?? [], line))
  }
  // Wording as NetSuite answers (error-400-user-error-missing-subsidiary.json).
  if (missing.length > 0) throw userError(`Please enter value(s) for: ${[...new Set(missing)].join(', ')}`)
}

function checkExternalIdFree(
  store: RecordStore,
  def: RecordTypeDef,
  values: Record<string, FieldValue>,
  self?: number,
) {
  const eid = values.externalId
  if (typeof eid !== 'string' || eid === '') return
  const holder = store.byExternalId(def.name, eid)
  // The duplicate message NetSuite gives for an external ID already in use (reference §4).
  if (holder && holder.id !== self) throw userError('This entity already exists.')
}

/** The next number of a keyed sublist's line key, for keys NetSuite assigns (`line`, address `id`). */
function nextKey(lines: readonly LineValues[], key: string, floor: number): number {
  return lines.reduce((max, l) => Math.max(max, typeof l[key] === 'number' ? (l[key] as number) : 0), floor) + 1
}

function sameKey(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (isEmpty(a) || isEmpty(b)) return false
  const norm = (v: FieldValue | undefined) =>
    typeof v === 'object' && v !== null && 'id' in v ? String(v.id) : String(v)
  return norm(a) === norm(b)
}

/**
 * Keyed sublists: lines with a known key are updated, others added; with `replace`, stored lines not sent
 * are removed. Non-keyed sublists: lines appended, or all replaced with `replace` (reference §4).
 */
function mergeSublist(field: FieldDef, stored: FieldValue | undefined, input: SublistInput, replace: boolean) {
  if (input === null) return []
  const existing = Array.isArray(stored) ? (stored as LineValues[]) : []
  const key = field.lineKey
  if (!key) return replace ? input.map((l) => ({ ...l })) : [...existing, ...input.map((l) => ({ ...l }))]
  const assigns = field.fields?.find((f) => f.name === key)?.readOnly === true
  const out: LineValues[] = replace ? [] : existing.map((l) => ({ ...l }))
  for (const line of input) {
    const at = out.findIndex((l) => sameKey(l[key], line[key]))
    if (at >= 0) {
      out[at] = { ...out[at], ...line }
      continue
    }
    const before = existing.find((l) => sameKey(l[key], line[key]))
    if (before) {
      out.push({ ...before, ...line })
      continue
    }
    // A key NetSuite assigns: a client's own value names no line, so the line is new and gets the next key.
    const fresh = { ...line }
    if (assigns) fresh[key] = nextKey([...existing, ...out], key, 0)
    out.push(fresh)
  }
  return out
}

function applySublists(
  def: RecordTypeDef,
  values: Record<string, FieldValue>,
  stored: Record<string, FieldValue>,
  sublists: Record<string, SublistInput>,
  replace: ReadonlySet<string> | undefined,
) {
  for (const field of def.fields) {
    if (field.kind !== 'sublist' || !(field.name in sublists)) continue
    const replaced = replace ? [...replace].some((r) => r.toLowerCase() === field.name.toLowerCase()) : false
    values[field.name] = mergeSublist(field, stored[field.name], sublists[field.name]!, replaced)
  }
}

export function createRecord(
  ctx: WriteContext,
  def: RecordTypeDef,
  body: unknown,
  at: number,
  opts: WriteOptions = {},
): StoredRecord {
  const { store, effects } = ctx
  const { values, sublists } = normalizeInput(def, body, store, opts)
  Object.assign(values, opts.internal)
  if (opts.externalId !== undefined) values.externalId = opts.externalId
  applySublists(def, values, {}, sublists, opts.replace)
  def.onCreate?.(values, store.peekNextId(def.name), effects)
  def.onWrite?.(values, effects, undefined)
  checkRequired(def, values)
  checkExternalIdFree(store, def, values)
  const rec = store.insert(def.name, values, secondOf(at))
  def.afterWrite?.(rec, effects, secondOf(at), null)
  return rec
}

export function updateRecord(
  ctx: WriteContext,
  def: RecordTypeDef,
  rec: StoredRecord,
  body: unknown,
  at: number,
  opts: WriteOptions = {},
): StoredRecord {
  const { store, effects } = ctx
  const { values: patch, sublists } = normalizeInput(def, body, store, opts)
  Object.assign(patch, opts.internal)
  if (opts.externalId !== undefined) patch.externalId = opts.externalId
  const values = { ...rec.values, ...patch }
  applySublists(def, values, rec.values, sublists, opts.replace)
  def.onWrite?.(values, effects, rec)
  checkRequired(def, values)
  checkExternalIdFree(store, def, values, rec.id)
  const previous = rec.values
  store.update(rec, values, secondOf(at))
  def.afterWrite?.(rec, effects, secondOf(at), previous)
  return rec
}

/**
 * `PUT /{type}/eid:{externalId}`: updates the record holding that external ID, or creates it. The path's
 * external ID wins over one in the body.
 */
export function upsertRecord(
  ctx: WriteContext,
  def: RecordTypeDef,
  externalId: string,
  body: unknown,
  at: number,
  opts: WriteOptions = {},
): { rec: StoredRecord; created: boolean } {
  const existing = ctx.store.byExternalId(def.name, externalId)
  if (existing) return { rec: updateRecord(ctx, def, existing, body, at, { ...opts, externalId }), created: false }
  return { rec: createRecord(ctx, def, body, at, { ...opts, externalId }), created: true }
}

/** DELETE: refused while other records depend on it (an invoice with payments), as NetSuite refuses it. */
export function deleteRecord(ctx: WriteContext, def: RecordTypeDef, rec: StoredRecord, at: number): void {
  const dependent = dependentsOf(ctx, rec)
  if (dependent) {
    throw userError(`This record cannot be deleted because it has dependent records. (${dependent})`)
  }
  ctx.store.remove(rec)
  def.afterDelete?.(rec, ctx.effects, secondOf(at))
}

/** Payments applied to an invoice and invoices billed from an order keep their source from being deleted. */
function dependentsOf(ctx: WriteContext, rec: StoredRecord): string | undefined {
  const id = String(rec.id)
  if (rec.type === 'invoice') {
    const paid = ctx.store
      .all('customerPayment')
      .find((p) =>
        (p.values.apply as LineValues[] | undefined)?.some((l) => sameKey(l.doc, { id }) && l.apply === true),
      )
    return paid ? `Customer Payment ${paid.values.tranId ?? paid.id}` : undefined
  }
  if (rec.type === 'salesOrder') {
    const billed = ctx.store.all('invoice').find((i) => sameKey(i.values.createdFrom, { id }))
    return billed ? `Invoice ${billed.values.tranId ?? billed.id}` : undefined
  }
  return undefined
}
