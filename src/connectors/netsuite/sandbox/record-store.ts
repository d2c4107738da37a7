import type { FieldValue, RecordEffects, StoredRecord } from './record-types/record-type.ts'
import type { RecordTypeRegistry } from './record-types/registry.ts'

/**
 * The account's data, in memory, one instance per sandbox. It stores what it is given: validation lives in
 * record-writes.ts so that the HTTP routes and the test handle apply the same rules. External IDs are
 * indexed per record type, as NetSuite keeps them unique per type. Types of one family (entities,
 * transactions, items) draw internal ids from one counter, as NetSuite's do, so `FROM transaction` has
 * unique ids and an item reference needs no type.
 */
export class RecordStore {
  readonly types: RecordTypeRegistry
  readonly #tables = new Map<string, Map<number, StoredRecord>>()
  readonly #external = new Map<string, Map<string, number>>()
  readonly #nextId = new Map<string, number>()

  constructor(types: RecordTypeRegistry) {
    this.types = types
    for (const t of types.all()) {
      this.#tables.set(t.name, new Map())
      this.#external.set(t.name, new Map())
      const counter = t.family ?? t.name
      if (!this.#nextId.has(counter)) this.#nextId.set(counter, t.firstId)
    }
  }

  #table(type: string): Map<number, StoredRecord> {
    const table = this.#tables.get(type)
    if (!table) throw new Error(`unknown record type ${type}`)
    return table
  }

  #counter(type: string): string {
    return this.types.find(type)?.family ?? type
  }

  /**
   * By internal id (`"614"`) or external id (`"eid:CRM-1"`), the two forms NetSuite accepts in paths. `type`
   * may name a family (`item`): then any member type's record with that id.
   */
  get(type: string, key: string): StoredRecord | undefined {
    if (key.startsWith('eid:')) return this.byExternalId(type, key.slice(4))
    if (!/^\d{1,15}$/.test(key)) return undefined
    for (const def of this.types.members(type)) {
      const rec = this.#table(def.name).get(Number(key))
      if (rec) return rec
    }
    return undefined
  }

  byExternalId(type: string, externalId: string): StoredRecord | undefined {
    for (const def of this.types.members(type)) {
      const id = this.#external.get(def.name)?.get(externalId)
      if (id !== undefined) return this.#table(def.name).get(id)
    }
    return undefined
  }

  /** The id the next insert will get, so create hooks can derive values (an entity ID) from it. */
  peekNextId(type: string): number {
    return this.#nextId.get(this.#counter(type)) ?? 1
  }

  insert(type: string, values: Record<string, FieldValue>, at: number, id?: number): StoredRecord {
    const table = this.#table(type)
    const assigned = id ?? this.peekNextId(type)
    if (table.has(assigned)) throw new Error(`${type} ${assigned} already exists`)
    this.#nextId.set(this.#counter(type), Math.max(this.peekNextId(type), assigned + 1))
    const rec: StoredRecord = { type, id: assigned, values, created: at, modified: at }
    table.set(assigned, rec)
    this.#index(rec, undefined)
    return rec
  }

  /** Replaces the values of an existing record and stamps its modification time. */
  update(rec: StoredRecord, values: Record<string, FieldValue>, at: number): StoredRecord {
    const before = rec.values.externalId
    rec.values = values
    rec.modified = at
    this.#index(rec, before)
    return rec
  }

  remove(rec: StoredRecord): void {
    this.#table(rec.type).delete(rec.id)
    const eid = rec.values.externalId
    if (typeof eid === 'string') this.#external.get(rec.type)?.delete(eid)
  }

  /** Every record of a type (or family), in internal-id order. */
  all(type: string): StoredRecord[] {
    return this.types
      .members(type)
      .flatMap((def) => [...this.#table(def.name).values()])
      .sort((a, b) => a.id - b.id)
  }

  count(type: string): number {
    return this.types.members(type).reduce((n, def) => n + this.#table(def.name).size, 0)
  }

  /** Hooks' view of the store: lookups plus derived-value updates. */
  effects(today: () => string): RecordEffects {
    return {
      get: (type, id) => this.get(type, id),
      all: (type) => this.all(type),
      setDerived: (rec, values, touchAt) => {
        rec.values = { ...rec.values, ...values }
        if (touchAt !== undefined) rec.modified = touchAt
      },
      today,
    }
  }

  #index(rec: StoredRecord, previous: FieldValue | undefined): void {
    const index = this.#external.get(rec.type)!
    if (typeof previous === 'string' && index.get(previous) === rec.id) index.delete(previous)
    const eid = rec.values.externalId
    if (typeof eid === 'string' && eid !== '') index.set(eid, rec.id)
  }
}
