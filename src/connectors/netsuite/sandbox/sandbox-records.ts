import { nonexistentId, SandboxApiError } from './ns-error.ts'
import { isoSeconds, renderRecord } from './record-render.ts'
import { fieldValue, isRef, type RecordTypeDef, type StoredRecord } from './record-types/record-type.ts'
import { createRecord, deleteRecord, secondOf, updateRecord } from './record-writes.ts'
import { transformToInvoice } from './sales-transform.ts'
import type { SandboxState } from './sandbox-state.ts'
import type { ExecutionContext } from './user-event-notifier.ts'

/**
 * Direct access to a sandbox's records for tests and demos, through the same validation as the HTTP API
 * (a bad body throws the SandboxApiError NetSuite's answer would carry). Changes made here count as made
 * by a user in the UI (`USERINTERFACE`), so the User Event posts go out for them, unlike REST writes;
 * `context` says otherwise. Timestamps can be set, which the API cannot do, to build polling histories.
 */
export interface WriteHandleOptions {
  /** Epoch ms of the change (dateCreated / lastModifiedDate). */
  at?: number
  /** The execution context the User Event script sees; default USERINTERFACE. */
  context?: ExecutionContext
}

export interface SandboxRecords {
  /** Creates a record. Returns the internal id. */
  create(type: string, body: Record<string, unknown>, opts?: WriteHandleOptions): string
  /** Applies a partial update, as PATCH does. */
  update(type: string, key: string, patch: Record<string, unknown>, opts?: WriteHandleOptions): void
  /** Bills a sales order (`!transform/invoice`); returns the invoice id. */
  transform(orderKey: string, body?: Record<string, unknown>, opts?: WriteHandleOptions): string
  /** Sets lastModifiedDate without changing fields, as an edit in the UI that changes nothing visible would. */
  touch(type: string, key: string, at: number): void
  /** The record as GET returns it (links relative to the sandbox URL, sublists expanded), or undefined. */
  get(type: string, key: string): Record<string, unknown> | undefined
  /** Every record of a type, flat: references as their id, datetimes ISO 8601 (for assertions). */
  list(type: string): FlatRecord[]
  /** Internal ids in order. */
  ids(type: string): string[]
  count(type: string): number
  remove(type: string, key: string, opts?: WriteHandleOptions): boolean
}

export function createSandboxRecords(state: SandboxState, baseUrl: () => string): SandboxRecords {
  const { store } = state
  const typeOf = (type: string): RecordTypeDef => {
    const def = store.types.find(type)
    if (!def) {
      throw new SandboxApiError(404, {
        detail: `Record type '${type}' does not exist.`,
        'o:errorCode': 'NONEXISTENT_ID',
      })
    }
    return def
  }
  const find = (type: string, key: string) => {
    const def = typeOf(type)
    const rec = store.get(def.name, key)
    if (!rec) throw nonexistentId()
    return { def, rec }
  }
  const inputOptions = { undeclaredCustomFields: state.strictCustomFields ? ('unknown' as const) : ('accept' as const) }
  const context = (opts: WriteHandleOptions) => opts.context ?? 'USERINTERFACE'
  return {
    create(type, body, opts = {}) {
      const at = opts.at ?? state.now()
      const rec = createRecord(state.write, typeOf(type), body, at, inputOptions)
      state.notifier.saved(rec, 'create', context(opts), at)
      return String(rec.id)
    },
    update(type, key, patch, opts = {}) {
      const { def, rec } = find(type, key)
      const at = opts.at ?? state.now()
      updateRecord(state.write, def, rec, patch, at, inputOptions)
      state.notifier.saved(rec, 'edit', context(opts), at)
    },
    transform(orderKey, body = {}, opts = {}) {
      const { rec } = find('salesOrder', orderKey)
      const at = opts.at ?? state.now()
      const invoice = transformToInvoice(state.write, rec, body, at, inputOptions)
      state.notifier.saved(invoice, 'create', context(opts), at)
      return String(invoice.id)
    },
    touch(type, key, at) {
      const { rec } = find(type, key)
      store.update(rec, rec.values, secondOf(at))
    },
    get(type, key) {
      const def = typeOf(type)
      const rec = store.get(def.name, key)
      if (!rec) return undefined
      const href = `${baseUrl()}/services/rest/record/v1/${def.name}/${rec.id}`
      return renderRecord(store, def, rec, { baseUrl: baseUrl(), selfHref: href, expandSubResources: true })
    },
    list(type) {
      const def = typeOf(type)
      return store.all(def.name).map((rec) => flatten(def, rec))
    },
    ids: (type) => store.all(typeOf(type).name).map((r) => String(r.id)),
    count: (type) => store.count(typeOf(type).name),
    remove(type, key, opts = {}) {
      const def = typeOf(type)
      const rec = store.get(def.name, key)
      if (!rec) return false
      const at = opts.at ?? state.now()
      deleteRecord(state.write, def, rec, at)
      state.notifier.saved(rec, 'delete', context(opts), at)
      return true
    },
  }
}

/** A record for assertions: `id`, then every non-empty field; references as the referenced id. */
export type FlatRecord = { id: string } & Record<string, unknown>

/** The customer fields tests look at, typed. */
export interface FlatCustomer {
  id: string
  entityId?: string
  companyName?: string
  isPerson?: boolean
  firstName?: string
  lastName?: string
  email?: string
  phone?: string
  url?: string
  externalId?: string
  subsidiary?: string
  currency?: string
  terms?: string
  salesRep?: string
  isInactive?: boolean
  comments?: string
  balance?: number
  overdueBalance?: number
  dateCreated?: string
  lastModifiedDate?: string
  [custom: `custentity${string}`]: unknown
}

function flatValue(value: unknown): unknown {
  if (isRef(value)) return value.id
  if (Array.isArray(value)) return value.map(flatValue)
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, flatValue(v)]))
  }
  return value
}

function flatten(def: RecordTypeDef, rec: StoredRecord): FlatRecord {
  const out: FlatRecord = { id: String(rec.id) }
  for (const field of def.fields) {
    const value = fieldValue(rec, field)
    if (value === null || value === undefined || value === '') continue
    if (field.kind === 'datetime' && typeof value === 'number') out[field.name] = isoSeconds(value)
    else out[field.name] = flatValue(value)
  }
  for (const [key, value] of Object.entries(rec.values)) {
    if (def.customFieldPrefix && key.startsWith(def.customFieldPrefix) && value !== null) out[key] = value
  }
  return out
}
