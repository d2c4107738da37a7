import { invalidRequest, SandboxApiError, userError } from './ns-error.ts'
import type { RecordStore } from './record-store.ts'
import type { FieldDef, FieldValue, LineValues, RecordTypeDef } from './record-types/record-type.ts'

/**
 * Turns a request body into stored values: names matched case-insensitively (Oracle's own write samples
 * use `entityid`, reads use `entityId`), values checked against the field kind, references resolved by
 * `{id}` or `{externalId}`, enums by `{id}`, `{refName}` or the bare id. Only the given fields come back,
 * so PATCH merges them and `null` clears one. Sublists come back apart, as line patches, because merging
 * them needs the stored lines (record-writes.ts).
 */

export interface InputOptions {
  /** `X-NetSuite-PropertyNameValidation`: unknown names are ignored unless it says `error` (reference §4). */
  propertyNameValidation?: string | undefined
  /**
   * Custom fields (`custentity…`) not declared by a schema file. Without a schema file any such field is
   * data; with one, only declared fields exist, as in the account it mirrors.
   */
  undeclaredCustomFields?: 'accept' | 'unknown'
}

/** A sublist in a request: its lines (each a partial line), or null to empty it (`"item": null`). */
export type SublistInput = LineValues[] | null

export interface NormalizedInput {
  values: Record<string, FieldValue>
  sublists: Record<string, SublistInput>
}

/** Keys a client may echo back from a GET; they describe the record and are never written. */
const echoKeys = new Set(['links', 'refname'])

function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** A malformed value; wording from error-400-invalid-content.json. */
function invalidValue(path: string, field: string, value: unknown): SandboxApiError {
  return new SandboxApiError(400, {
    detail: `Error while accessing resource: You have entered an Invalid Field Value ${shown(value)} for the following field: ${field}`,
    'o:errorCode': 'INVALID_CONTENT',
    'o:errorPath': path,
  })
}

interface Scope {
  store: RecordStore
  opts: InputOptions
  /** JSON path prefix of the current object (`item.items[0].`), for `o:errorPath`. */
  prefix: string
  /** Lines are checked more strictly: an unknown reference there is INVALID_CONTENT, not USER_ERROR. */
  inLine: boolean
}

export function normalizeInput(
  def: RecordTypeDef,
  body: unknown,
  store: RecordStore,
  opts: InputOptions = {},
): NormalizedInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidRequest()
  const sublists: Record<string, SublistInput> = {}
  const values = normalizeFields(def.fields, def.customFieldPrefix, body as Record<string, unknown>, {
    store,
    opts,
    prefix: '',
    inLine: false,
  })
  for (const field of def.fields) {
    if (field.kind !== 'sublist' || !(field.name in values)) continue
    sublists[field.name] = values[field.name] as SublistInput
    delete values[field.name]
  }
  return { values, sublists }
}

function normalizeFields(
  fields: readonly FieldDef[],
  customPrefix: string | undefined,
  body: Record<string, unknown>,
  scope: Scope,
  keyField?: string,
): Record<string, FieldValue> {
  const byName = new Map(fields.map((f) => [f.name.toLowerCase(), f]))
  const out: Record<string, FieldValue> = {}
  for (const [key, value] of Object.entries(body)) {
    const lower = key.toLowerCase()
    if (echoKeys.has(lower) || (lower === 'id' && !byName.has('id'))) continue
    const field = byName.get(lower)
    if (field) {
      // A read-only key (a line number) still names the line to update.
      if (!field.readOnly || field.name === keyField) out[field.name] = checkValue(field, value, scope)
      continue
    }
    const undeclared = customPrefix && lower.startsWith(customPrefix) && /^[a-z0-9_]+$/.test(lower)
    if (undeclared && scope.opts.undeclaredCustomFields !== 'unknown') {
      out[lower] = checkCustomValue(`${scope.prefix}${lower}`, lower, value)
      continue
    }
    if (scope.opts.propertyNameValidation?.toLowerCase() === 'error') {
      throw new SandboxApiError(400, {
        detail: `Error while accessing a resource. Invalid property name: ${key}.`,
        'o:errorCode': 'INVALID_CONTENT',
        'o:errorPath': `${scope.prefix}${key}`,
      })
    }
  }
  return out
}

function checkValue(field: FieldDef, value: unknown, scope: Scope): FieldValue {
  const path = `${scope.prefix}${field.name}`
  if (value === null) return null
  switch (field.kind) {
    case 'text': {
      if (typeof value !== 'string') throw invalidValue(path, field.name, value)
      if (field.maxLength !== undefined && value.length > field.maxLength) {
        throw userError(
          `The field ${field.name} contained more than the maximum number ( ${field.maxLength} ) of characters allowed.`,
          { 'o:errorPath': path },
        )
      }
      return value
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw invalidValue(path, field.name, value)
      return value
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidValue(path, field.name, value)
      return value
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidValue(path, field.name, value)
      return value
    case 'datetime': {
      // ISO 8601, an offset allowed on input (reference §4); kept to the second.
      const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN
      if (!Number.isFinite(ms)) throw invalidValue(path, field.name, value)
      return Math.floor(ms / 1000) * 1000
    }
    case 'date': {
      // `YYYY-MM-DD`, no time zone shift (reference §4).
      const ok = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
      const d = ok ? new Date(`${value}T00:00:00Z`) : undefined
      if (!d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
        throw invalidValue(path, field.name, value)
      }
      return value as string
    }
    case 'enum':
      return resolveEnum(field, value, path)
    case 'ref':
      return resolveRef(field, value, scope, path)
    case 'subrecord': {
      if (typeof value !== 'object' || Array.isArray(value)) throw invalidValue(path, field.name, value)
      return normalizeFields(field.fields ?? [], undefined, value as Record<string, unknown>, {
        ...scope,
        prefix: `${path}.`,
      })
    }
    case 'sublist':
      return checkSublist(field, value, scope, path)
  }
}

/** `{"items":[…]}`; each line normalised with the line's fields (custom `custcol…` ones included). */
function checkSublist(field: FieldDef, value: unknown, scope: Scope, path: string): FieldValue {
  const items = typeof value === 'object' && value !== null ? (value as { items?: unknown }).items : undefined
  if (!Array.isArray(items)) throw invalidValue(path, field.name, value)
  return items.map((line, i) => {
    if (typeof line !== 'object' || line === null || Array.isArray(line)) {
      throw invalidValue(`${path}.items[${i}]`, field.name, line)
    }
    const lineScope = { ...scope, prefix: `${path}.items[${i}].`, inLine: true }
    return normalizeFields(field.fields ?? [], 'custcol', line as Record<string, unknown>, lineScope, field.lineKey)
  })
}

/** `{"id":"B"}`, `{"refName":"Pending Fulfillment"}` (2021.1+) or the bare id (reference §4). */
function resolveEnum(field: FieldDef, value: unknown, path: string): FieldValue {
  const values = field.enumValues ?? {}
  let id: string | undefined
  if (typeof value === 'string') id = value
  else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const v = value as { id?: unknown; refName?: unknown }
    if (typeof v.id === 'string' || typeof v.id === 'number') id = String(v.id)
    else if (typeof v.refName === 'string') {
      id = Object.entries(values).find(([, label]) => label.toLowerCase() === String(v.refName).toLowerCase())?.[0]
    }
  }
  if (id === undefined || !(id in values)) throw invalidValue(path, field.name, value)
  return id
}

/** `{"id":"1"}` or `{"externalId":"X"}` (reference §4); a reference to nothing is refused. */
function resolveRef(field: FieldDef, value: unknown, scope: Scope, path: string): FieldValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidValue(path, field.name, value)
  const ref = value as { id?: unknown; externalId?: unknown; externalid?: unknown }
  const externalId = ref.externalId ?? ref.externalid
  const id = ref.id
  let given: unknown
  let found: { id: number } | undefined
  const idOk = typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id))
  // A custom list or record field declared by a schema file: its values are not simulated, so not checked.
  if (!field.refType) {
    if (!idOk) throw invalidValue(path, field.name, value)
    return { id: String(id) }
  }
  if (idOk) {
    given = id
    found = scope.store.get(field.refType, String(id))
  } else if (typeof externalId === 'string' && externalId !== '') {
    given = externalId
    found = scope.store.byExternalId(field.refType, externalId)
  } else {
    throw invalidValue(path, field.name, value)
  }
  if (!found) {
    // Body references answer USER_ERROR (reference §6); line references INVALID_CONTENT (error-400-invalid-content.json).
    if (scope.inLine) throw invalidValue(path, field.name, given)
    throw userError(`You have entered an Invalid Field Value ${String(given)} for the following field: ${field.name}`, {
      'o:errorPath': path,
    })
  }
  return { id: String(found.id) }
}

/** An undeclared custom field (no schema file): JSON scalars, `{id}` or lists. */
function checkCustomValue(path: string, name: string, value: unknown): FieldValue {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value as FieldValue
  if (Array.isArray(value)) return value
  if (typeof value === 'object' && 'id' in value) return { ...(value as Record<string, unknown>) }
  throw invalidValue(path, name, value)
}
