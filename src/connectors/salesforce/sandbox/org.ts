import { notFound, SfApiError, unknownExternalIdField } from './api-error.ts'
import { defaultSchema } from './default-schema.ts'
import { createIdFactory, normalizeId } from './ids.ts'
import { objectRules, type RuleOrg } from './org-rules.ts'
import { LookupIndex } from './record-index.ts'
import { validateWrite, type WriteLookups } from './record-validation.ts'
import { defaultValueOf, findField, isLookupField, type ObjectDescribe } from './schema.ts'
import { type RecordChange, Transactions } from './transactions.ts'

export type { RecordChange } from './transactions.ts'

/** A stored record: field values by API name; datetimes as epoch ms, the rest as JSON values. */
export type StoredRecord = Record<string, unknown> & { Id: string; IsDeleted: boolean; SystemModstamp: number }

export interface UpsertOutcome {
  id: string
  created: boolean
}

export interface OrgOptions {
  now?: () => number
  /** The org's objects as describes; the default org (Account, User) when absent. */
  schema?: ObjectDescribe[]
  /** Username of the integration user every session runs as. */
  username?: string
}

/** A child relationship as describe lists it on the parent. */
export interface ChildRelationship {
  childSObject: string
  field: string
  relationshipName: string | null
  cascadeDelete: boolean
}

/** Fields the org maintains on every write; changing them alone is not worth a change event field. */
const systemFields = new Set(['SystemModstamp', 'LastModifiedById'])

/**
 * One simulated org: its schema, its records (deleted ones stay, flagged, as in the recycle bin) and a
 * clock that makes SystemModstamp strictly increasing, so polling by SystemModstamp is exact. Every write
 * goes through one path that keeps the lookup index and, inside `atomically`, an undo journal.
 */
export class Org implements WriteLookups, RuleOrg {
  readonly orgId: string
  readonly userId: string
  /** The standard price book every org has; products need an entry in it before any other book. */
  readonly standardPricebookId: string | undefined
  /** When the org was created: the recycle bin and replication reach no further back. */
  readonly createdAt: number
  readonly #objects = new Map<string, ObjectDescribe>()
  readonly #records = new Map<string, Map<string, StoredRecord>>()
  readonly #index = new LookupIndex()
  readonly #newId = createIdFactory()
  readonly #now: () => number
  readonly #autoNumbers = new Map<string, number>()
  readonly #transactions = new Transactions()
  #lastStamp = 0

  constructor(opts: OrgOptions = {}) {
    this.#now = opts.now ?? Date.now
    this.createdAt = this.#now()
    for (const o of opts.schema ?? defaultSchema()) this.addObject(o)
    this.orgId = this.#newId('00D')
    const username = opts.username ?? 'integration@tandem.example'
    this.userId = this.insertSystem('User', {
      Username: username,
      FirstName: 'Tandem',
      LastName: 'Integration',
      Email: username,
      Alias: 'tandem',
      Title: 'Integration User',
    })
    this.standardPricebookId = this.findObject('Pricebook2')
      ? this.insertSystem('Pricebook2', { Name: 'Standard Price Book', IsActive: true, IsStandard: true })
      : undefined
  }

  /** A new id with the given key prefix from this org's id space (`750` for Bulk API jobs). */
  newId(keyPrefix: string): string {
    return this.#newId(keyPrefix)
  }

  /** Calls `listener` with every committed change (after the transaction that made it, if any). */
  onChange(listener: (change: RecordChange) => void): void {
    this.#transactions.onChange(listener)
  }

  /**
   * The object's child relationships: those its describe declares, plus one for every reference to it that
   * none declares, named like Salesforce names custom ones (`Invoices__r` for Invoice__c).
   */
  childRelationships(objectName: string): ChildRelationship[] {
    const o = this.object(objectName)
    const declared = o.childRelationships.filter((c) => this.findObject(c.childSObject))
    const out: ChildRelationship[] = declared.map((c) => ({ ...c }))
    for (const child of this.objects()) {
      for (const f of child.fields) {
        if (f.type !== 'reference' || !f.referenceTo.includes(o.name)) continue
        if (out.some((c) => c.childSObject === child.name && c.field === f.name)) continue
        const name = `${child.labelPlural.replace(/[^A-Za-z0-9]/g, '')}${child.custom ? '__r' : ''}`
        const taken = out.some((c) => c.relationshipName === name)
        out.push({
          childSObject: child.name,
          field: f.name,
          relationshipName: f.createable || f.updateable ? (taken ? `${name}_${f.name}` : name) : null,
          cascadeDelete: f.cascadeDelete,
        })
      }
    }
    return out
  }

  /** Adds an object's describe; replacing one keeps its records. */
  addObject(o: ObjectDescribe): void {
    this.#objects.set(o.name.toLowerCase(), o)
    if (!this.#records.has(o.name)) this.#records.set(o.name, new Map())
    for (const f of o.fields) if (isLookupField(f)) this.#index.track(o.name, f.name)
  }

  objects(): ObjectDescribe[] {
    return [...this.#objects.values()]
  }

  /** The object's describe, matched case-insensitively as Salesforce does; 404 NOT_FOUND otherwise. */
  object(name: string): ObjectDescribe {
    const o = this.findObject(name)
    if (!o) throw notFound()
    return o
  }

  findObject(name: string): ObjectDescribe | undefined {
    return this.#objects.get(name.toLowerCase())
  }

  /** The object an id belongs to, by its key prefix. */
  objectOfId(id: string): ObjectDescribe | undefined {
    return this.objects().find((o) => id.startsWith(o.keyPrefix))
  }

  /** A timestamp strictly after every earlier one. */
  stamp(): number {
    this.#lastStamp = Math.max(this.#now(), this.#lastStamp + 1)
    return this.#lastStamp
  }

  /** Every record of the object, deleted ones included, in creation order. */
  records(objectName: string): IterableIterator<StoredRecord> {
    return this.#table(this.object(objectName)).values()
  }

  count(objectName: string): number {
    return this.#table(this.object(objectName)).size
  }

  /** The record with this canonical id, deleted or not. */
  find(objectName: string, id: string): StoredRecord | undefined {
    return this.#table(this.object(objectName)).get(id)
  }

  exists(objectName: string, id: string): boolean {
    const r = this.findObject(objectName) ? this.find(objectName, id) : undefined
    return r !== undefined && !r.IsDeleted
  }

  matchExternal(objectName: string, fieldName: string, value: string): string[] {
    const o = this.object(objectName)
    const f = findField(o, fieldName)
    if (!f) return []
    if (this.#index.tracks(o.name, f.name)) {
      return this.#index.lookup(o.name, f.name, value).filter((id) => this.exists(o.name, id))
    }
    const wanted = value.toLowerCase()
    return [...this.#table(o).values()]
      .filter((r) => !r.IsDeleted && String(r[f.name] ?? '').toLowerCase() === wanted)
      .map((r) => r.Id)
  }

  /**
   * The record named by a path segment, checked like the REST API: a segment that is not an id is read as
   * an external-id field name (404), an id of another object is MALFORMED_ID, a recycled record is deleted.
   */
  get(objectName: string, rawId: string, opts: { includeDeleted?: boolean } = {}): StoredRecord {
    const o = this.object(objectName)
    const id = normalizeId(rawId)
    if (!id) throw unknownExternalIdField(rawId)
    if (!id.startsWith(o.keyPrefix)) {
      throw new SfApiError(400, 'MALFORMED_ID', `${o.label} ID: id value of incorrect type: ${rawId}`, ['Id'])
    }
    const r = this.#table(o).get(id)
    if (!r) throw notFound()
    if (r.IsDeleted && !opts.includeDeleted) throw new SfApiError(404, 'ENTITY_IS_DELETED', 'entity is deleted', [])
    return r
  }

  create(objectName: string, body: Record<string, unknown>): string {
    const o = this.object(objectName)
    return this.atomically(() => {
      const values = validateWrite(o, body, 'create', this)
      objectRules[o.name]?.beforeWrite?.(this, values, null)
      this.#checkUnique(o, values, null)
      const id = this.#insert(o, values)
      objectRules[o.name]?.afterChange?.(this, this.#table(o).get(id) as StoredRecord)
      return id
    })
  }

  update(objectName: string, rawId: string, body: Record<string, unknown>): string {
    const o = this.object(objectName)
    const record = this.get(o.name, rawId)
    return this.atomically(() => {
      const values = validateWrite(o, body, 'update', this)
      objectRules[o.name]?.beforeWrite?.(this, values, record)
      this.#checkUnique(o, values, record.Id)
      this.#apply(o, record, values)
      objectRules[o.name]?.afterChange?.(this, record)
      return record.Id
    })
  }

  /** Moves the record to the recycle bin, with its master-detail children (cascadeDelete). */
  delete(objectName: string, rawId: string): void {
    const o = this.object(objectName)
    const record = this.get(o.name, rawId)
    this.atomically(() => {
      for (const rel of this.childRelationships(o.name)) {
        if (!rel.cascadeDelete) continue
        for (const child of [...this.records(rel.childSObject)]) {
          if (!child.IsDeleted && child[rel.field] === record.Id) this.delete(rel.childSObject, child.Id)
        }
      }
      this.#apply(o, record, { IsDeleted: true })
      objectRules[o.name]?.afterChange?.(this, record)
    })
  }

  /** A write by the org itself (roll-ups, derived values): no validation, but stamped and announced. */
  applySystem(objectName: string, id: string, values: Record<string, unknown>): void {
    const o = this.object(objectName)
    const record = this.#table(o).get(id)
    if (record) this.#apply(o, record, values)
  }

  /**
   * Upsert by an external-id field (REST "Insert or Update (Upsert) a Record Using an External ID"): no
   * match inserts, one match updates, several answer 300 with the matches' URLs. The value is compared
   * case-insensitively; recycled records never match.
   */
  upsert(
    objectName: string,
    fieldName: string,
    value: string,
    body: Record<string, unknown>,
    version: string,
  ): UpsertOutcome {
    const o = this.object(objectName)
    const f = findField(o, fieldName)
    if (!f || !(f.externalId || f.idLookup)) throw unknownExternalIdField(fieldName)
    if (Object.keys(body).some((k) => k.toLowerCase() === f.name.toLowerCase())) {
      throw new SfApiError(400, 'INVALID_FIELD', `The ${f.name} field should not be specified in the sobject data.`)
    }
    if (f.type === 'id') {
      if (value === '') return { id: this.create(o.name, body), created: true }
      return { id: this.update(o.name, value, body), created: false }
    }
    const matches = this.matchExternal(o.name, f.name, value)
    if (matches.length > 1) {
      const urls = matches.map((id) => `/services/data/v${version}/sobjects/${o.name}/${id}`)
      throw new SfApiError(300, 'MULTIPLE_CHOICES', 'Multiple records match', undefined, urls)
    }
    const [match] = matches
    if (match) return { id: this.update(o.name, match, body), created: false }
    return { id: this.create(o.name, { ...body, [f.name]: value }), created: true }
  }

  /**
   * Runs `fn` as one transaction: if it throws, every record change it made is undone (allOrNone) and the
   * error rethrown; its changes are announced only once it succeeds. Nested calls join the outer one.
   */
  atomically<T>(fn: () => T): T {
    return this.#transactions.run(fn)
  }

  /** {@link atomically} for work that awaits in between (a composite request's subrequests). */
  atomicallyAsync<T>(fn: () => Promise<T>): Promise<T> {
    return this.#transactions.runAsync(fn)
  }

  /** Inserts without validation: seeding, and the org's own records (users). Defaults still apply. */
  insertSystem(objectName: string, values: Record<string, unknown>): string {
    return this.#insert(this.object(objectName), values)
  }

  #table(o: ObjectDescribe): Map<string, StoredRecord> {
    return this.#records.get(o.name) as Map<string, StoredRecord>
  }

  #insert(o: ObjectDescribe, values: Record<string, unknown>): string {
    const id = this.#newId(o.keyPrefix)
    const now = this.stamp()
    const record = {} as StoredRecord
    for (const f of o.fields) record[f.name] = f.name in values ? values[f.name] : defaultValueOf(f)
    const runAs = this.userId ?? id // the very first user is created before the org has a running user
    if (findField(o, 'OwnerId') && !values.OwnerId) record.OwnerId = runAs
    for (const f of o.fields) if (f.autoNumber) record[f.name] = this.#nextAutoNumber(o, f.name, f.displayFormat)
    Object.assign(record, {
      Id: id,
      CreatedDate: now,
      CreatedById: runAs,
      LastModifiedDate: now,
      LastModifiedById: runAs,
      SystemModstamp: now,
      IsDeleted: false,
    })
    derive(o, record)
    this.#table(o).set(id, record)
    this.#indexRecord(o, record, 'add')
    this.#transactions.onRollback(() => this.#undo(o, record, null))
    if (this.userId) this.#transactions.announce({ object: o.name, id, changeType: 'CREATE', changedFields: [] })
    return id
  }

  #apply(o: ObjectDescribe, record: StoredRecord, values: Record<string, unknown>): void {
    const before = { ...record }
    this.#transactions.onRollback(() => this.#undo(o, record, before))
    this.#indexRecord(o, record, 'remove')
    const now = this.stamp()
    Object.assign(record, values, { LastModifiedDate: now, LastModifiedById: this.userId, SystemModstamp: now })
    derive(o, record)
    this.#indexRecord(o, record, 'add')
    if (values.IsDeleted === true && !before.IsDeleted) {
      this.#transactions.announce({ object: o.name, id: record.Id, changeType: 'DELETE', changedFields: [] })
      return
    }
    const changedFields = Object.keys(record).filter((k) => !systemFields.has(k) && record[k] !== before[k])
    this.#transactions.announce({ object: o.name, id: record.Id, changeType: 'UPDATE', changedFields })
  }

  /** The next value of an auto-number field, in its display format (`INV-{0000}` → `INV-0042`). */
  #nextAutoNumber(o: ObjectDescribe, field: string, format: string | null): string {
    const key = `${o.name}.${field}`
    const n = (this.#autoNumbers.get(key) ?? 0) + 1
    this.#autoNumbers.set(key, n)
    const fmt = format ?? '{0}'
    return fmt.replace(/\{(0+)\}/, (_, zeros: string) => String(n).padStart(zeros.length, '0'))
  }

  #undo(object: ObjectDescribe, record: StoredRecord, before: Record<string, unknown> | null): void {
    this.#indexRecord(object, record, 'remove')
    if (before === null) {
      this.#table(object).delete(record.Id)
      return
    }
    for (const key of Object.keys(record)) delete record[key]
    Object.assign(record, before)
    this.#indexRecord(object, record, 'add')
  }

  #indexRecord(o: ObjectDescribe, record: StoredRecord, op: 'add' | 'remove'): void {
    for (const f of o.fields) {
      if (!isLookupField(f)) continue
      if (op === 'add') this.#index.add(o.name, f.name, record[f.name], record.Id)
      else this.#index.remove(o.name, f.name, record[f.name], record.Id)
    }
  }

  #checkUnique(o: ObjectDescribe, values: Record<string, unknown>, selfId: string | null): void {
    for (const f of o.fields) {
      const v = values[f.name]
      if (!f.unique || v === null || v === undefined) continue
      const clash = this.matchExternal(o.name, f.name, String(v)).find((id) => id !== selfId)
      if (clash) {
        throw new SfApiError(
          400,
          'DUPLICATE_VALUE',
          `duplicate value found: ${f.name} duplicates value on record with id: ${clash}`,
          [],
        )
      }
    }
  }
}

/** Compound names the org computes: a read-only Name from FirstName and LastName (User, Contact, Lead). */
function derive(o: ObjectDescribe, record: StoredRecord): void {
  const name = findField(o, 'Name')
  if (!name || name.createable || !findField(o, 'LastName')) return
  record.Name = [record.FirstName, record.LastName].filter((p) => typeof p === 'string' && p !== '').join(' ')
}
