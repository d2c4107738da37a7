import { SfApiError } from './api-error.ts'
import { isDate, parseDatetime } from './datetime.ts'
import { normalizeId } from './ids.ts'
import { type FieldDescribe, findField, isRequired, type ObjectDescribe } from './schema.ts'

export type WriteKind = 'create' | 'update'

/** What validation needs to know about the rest of the org: other objects and their records. */
export interface WriteLookups {
  findObject(name: string): ObjectDescribe | undefined
  /** Whether a live record of the object has this (canonical) id. */
  exists(objectName: string, id: string): boolean
  /** Ids of the live records whose field holds the value (external-id matching). */
  matchExternal(objectName: string, fieldName: string, value: string): string[]
}

/**
 * Checks a write body against the object's describe and returns the values to store, normalised (ids to
 * 18 characters, datetimes to instants). Errors carry the codes and messages Salesforce uses. A parent
 * may be named by its external id (`"Owner": {"Username": "an@example.com"}`), as in REST upserts.
 */
export function validateWrite(
  object: ObjectDescribe,
  body: Record<string, unknown>,
  kind: WriteKind,
  lookups: WriteLookups,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body)) {
    if (key === 'attributes') continue
    const f = findField(object, key)
    if (f) {
      checkWritable(f, kind)
      if (f.name in out) throw bothIdAndReference(f)
      out[f.name] = coerce(object, f, value, lookups)
      continue
    }
    const rel = object.fields.find((x) => x.relationshipName?.toLowerCase() === key.toLowerCase())
    if (!rel || !value || typeof value !== 'object' || Array.isArray(value)) {
      throw new SfApiError(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${object.name}`)
    }
    checkWritable(rel, kind)
    if (rel.name in out) throw bothIdAndReference(rel)
    out[rel.name] = resolveByExternalId(rel, value as Record<string, unknown>, lookups)
  }
  const missing =
    kind === 'create'
      ? object.fields.filter((f) => isRequired(f) && (out[f.name] === undefined || out[f.name] === null))
      : object.fields.filter((f) => isRequired(f) && f.name in out && out[f.name] === null)
  if (missing.length > 0) {
    const names = missing.map((f) => f.name)
    throw new SfApiError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${names.join(', ')}]`, names)
  }
  return out
}

function checkWritable(f: FieldDescribe, kind: WriteKind): void {
  if (f.type === 'id' && kind === 'create') {
    throw new SfApiError(400, 'INVALID_FIELD_FOR_INSERT_UPDATE', 'cannot specify Id in an insert call', ['Id'])
  }
  if ((kind === 'create' && !f.createable) || (kind === 'update' && !f.updateable)) {
    throw new SfApiError(
      400,
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${f.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      [f.name],
    )
  }
}

function bothIdAndReference(f: FieldDescribe): SfApiError {
  return new SfApiError(
    400,
    'INVALID_FIELD',
    `Cannot specify both an external ID reference ${f.relationshipName} and a salesforce id, ${f.name}`,
  )
}

/** `"Owner": {"Username": "x"}` → the Owner's id, matched on an external-id or idLookup field of the parent. */
function resolveByExternalId(rel: FieldDescribe, ref: Record<string, unknown>, lookups: WriteLookups): string {
  const target = lookups.findObject(rel.referenceTo[0] ?? '')
  const entries = Object.entries(ref).filter(([k]) => k !== 'attributes')
  const [entry] = entries
  const keyField = entry && target ? findField(target, entry[0]) : undefined
  if (!target || !entry || entries.length > 1 || !keyField || !(keyField.externalId || keyField.idLookup)) {
    throw new SfApiError(
      400,
      'INVALID_FIELD',
      `The value provided for foreign key reference ${rel.relationshipName} is not a nested SObject with an external ID field`,
    )
  }
  const value = String(entry[1])
  const ids =
    keyField.type === 'id'
      ? [normalizeId(value)].filter((id): id is string => id !== null && lookups.exists(target.name, id))
      : lookups.matchExternal(target.name, keyField.name, value)
  if (ids.length === 0) {
    throw new SfApiError(
      400,
      'INVALID_FIELD',
      `Foreign key external ID: ${value} not found for field ${keyField.name} in entity ${target.name}`,
    )
  }
  if (ids.length > 1) {
    throw new SfApiError(
      400,
      'DUPLICATE_EXTERNAL_ID',
      `Foreign key external ID: ${value} matches more than one record for field ${keyField.name} in entity ${target.name}`,
    )
  }
  return ids[0] as string
}

function coerce(object: ObjectDescribe, f: FieldDescribe, value: unknown, lookups: WriteLookups): unknown {
  // The API stores an empty string as null.
  if (value === null || value === '') return null
  const parseError = (expected: string) =>
    new SfApiError(
      400,
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of ${expected} from ${typeof value === 'string' ? 'VALUE_STRING' : 'VALUE_OTHER'} value ${JSON.stringify(value)} or request may be missing a required field at [line:1, column:1]`,
    )
  switch (f.type) {
    case 'string':
    case 'textarea':
    case 'phone':
    case 'url':
    case 'email':
    case 'picklist': {
      const s = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value
      if (typeof s !== 'string') throw parseError('string')
      if (f.length > 0 && s.length > f.length) {
        throw new SfApiError(
          400,
          'STRING_TOO_LONG',
          `${f.label}: data value too large: ${s.slice(0, 40)} (max length=${f.length})`,
          [f.name],
        )
      }
      if (f.type === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s)) {
        throw new SfApiError(400, 'INVALID_EMAIL_ADDRESS', `${f.label}: invalid email address: ${s}`, [f.name])
      }
      if (f.type === 'picklist' && f.restrictedPicklist && !f.picklistValues.some((p) => p.value === s)) {
        throw new SfApiError(
          400,
          'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          `${f.label}: bad value for restricted picklist field: ${s}`,
          [f.name],
        )
      }
      return s
    }
    case 'double':
    case 'currency':
    case 'percent':
    case 'int': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
      if (typeof n !== 'number' || !Number.isFinite(n)) throw parseError(f.type === 'int' ? 'int' : 'double')
      return f.type === 'int' ? Math.trunc(n) : n
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw parseError('boolean')
      return value
    case 'date':
      if (typeof value !== 'string' || !isDate(value.slice(0, 10))) throw parseError('date')
      return value.slice(0, 10)
    case 'datetime': {
      const ms = typeof value === 'string' ? parseDatetime(value) : Number.NaN
      if (Number.isNaN(ms)) throw parseError('datetime')
      return ms
    }
    case 'reference':
    case 'id':
      return checkReference(object, f, value, lookups)
    default:
      // Types the sandbox does not model are stored as sent.
      return value
  }
}

function checkReference(object: ObjectDescribe, f: FieldDescribe, value: unknown, lookups: WriteLookups): string {
  const id = typeof value === 'string' ? normalizeId(value) : null
  if (!id) {
    throw new SfApiError(400, 'MALFORMED_ID', `${f.label}: id value of incorrect type: ${String(value)}`, [f.name])
  }
  const targets = (f.referenceTo.length > 0 ? f.referenceTo : [object.name])
    .map((name) => lookups.findObject(name))
    .filter((o): o is ObjectDescribe => o !== undefined)
  const target = targets.find((o) => id.startsWith(o.keyPrefix))
  if (!target) {
    throw new SfApiError(400, 'FIELD_INTEGRITY_EXCEPTION', `${f.label}: id value of incorrect type: ${id}`, [f.name])
  }
  if (!lookups.exists(target.name, id)) {
    throw new SfApiError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [f.name])
  }
  return id
}
