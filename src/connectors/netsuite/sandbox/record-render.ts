import { addressText } from './record-types/address.ts'
import {
  type FieldDef,
  type FieldValue,
  fieldValue,
  isRef,
  type LineValues,
  type RecordTypeDef,
  type StoredRecord,
} from './record-types/record-type.ts'

/**
 * A record as the REST record service returns it (reference §4, customer-get.json,
 * salesorder-get-expanded.json): top-level `links`, string ids, references as `{links, id, refName}`,
 * enums as `{id, refName}` (or the bare id with `simpleEnumFormat=true`), sublists collapsed to a link
 * unless `expandSubResources=true`, datetimes ISO 8601 UTC without milliseconds, empty fields left out,
 * keys in alphabetical order as NetSuite lists them.
 */

export interface Link {
  rel: string
  href: string
}

/** Read access rendering needs: the referenced record and its type, for `refName` and the link. */
export interface RenderLookup {
  get(type: string, id: string): StoredRecord | undefined
  types: { find(name: string): RecordTypeDef | undefined }
}

export function recordHref(baseUrl: string, type: string, id: number | string): string {
  return `${baseUrl}/services/rest/record/v1/${type}/${id}`
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export interface RenderOptions {
  baseUrl: string
  /** The `self` link, query included as received. */
  selfHref: string
  /** `fields=a,b`: only these body fields (and no id), as in customer-get-fields.json. */
  fields?: readonly string[]
  expandSubResources?: boolean
  simpleEnumFormat?: boolean
}

interface Ctx {
  lookup: RenderLookup
  baseUrl: string
  expand: boolean
  simpleEnum: boolean
}

function sorted(entries: [string, unknown][]): Record<string, unknown> {
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return Object.fromEntries(entries)
}

function renderValue(field: FieldDef, value: FieldValue, ctx: Ctx, href: string): unknown {
  switch (field.kind) {
    case 'datetime':
      return typeof value === 'number' ? isoSeconds(value) : value
    case 'ref':
      if (!isRef(value)) return value
      return field.refType ? renderRef(ctx.lookup, ctx.baseUrl, field.refType, value.id) : { links: [], id: value.id }
    case 'enum': {
      const id = String(value)
      return ctx.simpleEnum ? id : { id, refName: field.enumValues?.[id] ?? id }
    }
    case 'subrecord':
      return {
        links: [{ rel: 'self', href: `${href}/${field.name}` }],
        ...renderFields(field.fields ?? [], value as LineValues, ctx, `${href}/${field.name}`),
        ...(field.name.toLowerCase().endsWith('address') ? { addrText: addressText(value as LineValues) } : {}),
      }
    case 'sublist':
      return renderSublist(field, Array.isArray(value) ? (value as LineValues[]) : [], ctx, `${href}/${field.name}`)
    default:
      return value
  }
}

function renderFields(fields: readonly FieldDef[], values: LineValues, ctx: Ctx, href: string) {
  const out: [string, unknown][] = []
  for (const field of fields) {
    const value = values[field.name]
    if (value === null || value === undefined || value === '') continue
    out.push([field.name, renderValue(field, value, ctx, href)])
  }
  for (const [key, value] of Object.entries(values)) {
    if (key.startsWith('cust') && !fields.some((f) => f.name === key) && value !== null) out.push([key, value])
  }
  return sorted(out)
}

/** Collapsed: a link only. Expanded: `{links, items:[…], totalResults}`, each line linked by its key. */
function renderSublist(field: FieldDef, lines: LineValues[], ctx: Ctx, href: string): Record<string, unknown> {
  const links = [{ rel: 'self', href }]
  if (!ctx.expand) return { links }
  const items = lines.map((line, i) => {
    const key = field.lineKey ? line[field.lineKey] : i
    const keyText = isRef(key) ? key.id : String(key ?? i)
    const lineHref = `${href}/${keyText}`
    const rendered = renderFields(field.fields ?? [], line, ctx, lineHref)
    // Address book lines also print their address, as NetSuite does (`addressBookAddress_text`).
    const address = line.addressBookAddress
    const text =
      address && typeof address === 'object' ? { addressBookAddress_text: addressText(address as LineValues) } : {}
    return { links: [{ rel: 'self', href: lineHref }], ...sorted(Object.entries({ ...rendered, ...text })) }
  })
  return { links, items, totalResults: items.length }
}

export function renderRecord(
  lookup: RenderLookup,
  def: RecordTypeDef,
  rec: StoredRecord,
  opts: RenderOptions,
): Record<string, unknown> {
  const ctx: Ctx = {
    lookup,
    baseUrl: opts.baseUrl,
    expand: opts.expandSubResources === true,
    simpleEnum: opts.simpleEnumFormat === true,
  }
  const recordUrl = recordHref(opts.baseUrl, def.name, rec.id)
  const body: [string, unknown][] = []
  for (const field of def.fields) {
    const value = fieldValue(rec, field)
    if (value === null || value === undefined || value === '') {
      // A sublist is listed (collapsed) even when empty.
      if (field.kind === 'sublist') body.push([field.name, renderValue(field, [], ctx, recordUrl)])
      continue
    }
    body.push([field.name, renderValue(field, value, ctx, recordUrl)])
  }
  for (const [key, value] of Object.entries(rec.values)) {
    if (def.customFieldPrefix && key.startsWith(def.customFieldPrefix) && value !== null) {
      if (!def.fields.some((f) => f.name === key)) body.push([key, value])
    }
  }
  let picked: [string, unknown][]
  if (opts.fields) {
    // `fields` selects body fields only (reference §4).
    const wanted = new Set(opts.fields.map((f) => f.toLowerCase()))
    const sublists = new Set(def.fields.filter((f) => f.kind === 'sublist').map((f) => f.name))
    picked = body.filter(([k]) => wanted.has(k.toLowerCase()) && !sublists.has(k))
  } else {
    picked = [...body, ['id', String(rec.id)], ['refName', def.refName(rec)]]
  }
  return { links: [{ rel: 'self', href: opts.selfHref }], ...sorted(picked) }
}

/**
 * A reference read back: `{"links":[…],"id":"1","refName":"USD"}`. The link names the record's own type in
 * lower case, as NetSuite writes them (`…/inventoryitem/98`).
 */
export function renderRef(lookup: RenderLookup, baseUrl: string, refType: string, id: string): Record<string, unknown> {
  const target = lookup.get(refType, id)
  const def = target ? lookup.types.find(target.type) : lookup.types.find(refType)
  const type = (target?.type ?? refType).toLowerCase()
  return {
    links: [{ rel: 'self', href: recordHref(baseUrl, type, id) }],
    id,
    ...(target && def ? { refName: def.refName(target) } : {}),
  }
}
