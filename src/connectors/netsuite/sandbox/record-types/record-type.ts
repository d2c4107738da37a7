/**
 * How the simulator describes a record type: its REST field names and kinds, which fields NetSuite sets,
 * which are mandatory, its sublists, and how it shows in SuiteQL. One description drives input
 * validation, the JSON a GET returns, the metadata catalog and the SuiteQL table.
 */

export type FieldKind =
  | 'text'
  | 'boolean'
  | 'integer'
  | 'float'
  | 'ref'
  | 'datetime'
  | 'date'
  | 'enum'
  | 'sublist'
  | 'subrecord'

/** A reference as stored: the internal id of a record of the field's `refType`. */
export interface RefValue {
  id: string
}

/**
 * A stored field value. Datetimes are epoch milliseconds (whole seconds: NetSuite keeps datetimes to the
 * second), dates `YYYY-MM-DD`, enums their id, sublists arrays of line objects, subrecords objects.
 */
export type FieldValue = string | number | boolean | null | RefValue | unknown[] | { [key: string]: unknown }

/** One line of a sublist as stored. */
export type LineValues = Record<string, FieldValue>

export interface StoredRecord {
  readonly type: string
  readonly id: number
  values: Record<string, FieldValue>
  created: number
  modified: number
}

export interface FieldDef {
  /** REST name, camelCase (`companyName`). Input matches it case-insensitively (`companyname`). */
  name: string
  kind: FieldKind
  /** Record type (or family: `item`, `entity`, `transaction`) a `ref` field points at; absent: not checked. */
  refType?: string
  /** Set by NetSuite; ignored on input, like the REST API does with read-only body fields. */
  readOnly?: boolean
  /** Makes the field mandatory; the label is what "Please enter value(s) for: …" names. */
  requiredLabel?: string
  maxLength?: number
  /** Enum values, id → label (`B` → `Pending Fulfillment`). */
  enumValues?: Readonly<Record<string, string>>
  /** Fields of a sublist line or of a subrecord. */
  fields?: readonly FieldDef[]
  /**
   * The key of a keyed sublist (`line` on transaction items, `doc` on payment applications): PATCH merges
   * lines with the same key. Absent: the sublist is not keyed and lines are appended (reference §4).
   */
  lineKey?: string
  /** Computed from the record instead of stored (system dates). */
  compute?: (rec: StoredRecord) => FieldValue
  /** SuiteQL column; default the lower-cased name; null hides the field from SuiteQL. */
  column?: string | null
  /** Declared by the account's schema file (a `custentity…`/`custbody…`/`custcol…` field). */
  custom?: boolean
}

/** Read access the type callbacks need (a customer's default currency comes from its subsidiary). */
export interface RecordLookup {
  get(type: string, id: string): StoredRecord | undefined
  all(type: string): StoredRecord[]
}

/** What write hooks may change besides the record being written (payments update invoices). */
export interface RecordEffects extends RecordLookup {
  /** Stores derived values (balances, amounts paid) of another record; `touch` also stamps its lastModifiedDate. */
  setDerived(rec: StoredRecord, values: Record<string, FieldValue>, touchAt?: number): void
  /** The account's calendar date now (`YYYY-MM-DD`), for defaults such as tranDate. */
  today(): string
}

/** Groups of record types sharing one internal-id space and one SuiteQL table (reference §5). */
export type RecordFamily = 'entity' | 'transaction' | 'item'

export interface RecordTypeDef {
  /** The REST path name, as NetSuite spells it (`customer`, `salesOrder`). */
  name: string
  fields: readonly FieldDef[]
  /** Prefix of custom body fields this type accepts (`custentity`, `custbody`, `custitem`). */
  customFieldPrefix?: string
  /** Shared id space; the SuiteQL views `entity`, `transaction` and `item` span the family. */
  family?: RecordFamily
  /** First internal id handed out (per family when the type has one). */
  firstId: number
  /** The display name a reference to this record shows (`refName`). */
  refName(rec: StoredRecord): string
  /** Fills what NetSuite generates on create (an entity ID, a default currency, a document number). */
  onCreate?(values: Record<string, FieldValue>, id: number, lookup: RecordEffects): void
  /** Derives values on every write (line amounts, totals); may throw a SandboxApiError. */
  onWrite?(values: Record<string, FieldValue>, lookup: RecordEffects, previous: StoredRecord | undefined): void
  /** Effects on other records once this one is stored or removed (payment application). */
  afterWrite?(rec: StoredRecord, effects: RecordEffects, at: number, previous: Record<string, FieldValue> | null): void
  afterDelete?(rec: StoredRecord, effects: RecordEffects, at: number): void
  /** SuiteQL table name; default the lower-cased type name. */
  suiteQlTable?: string
}

/** System dates every entity has. */
export const systemDateFields: readonly FieldDef[] = [
  { name: 'dateCreated', kind: 'datetime', readOnly: true, compute: (r) => r.created },
  { name: 'lastModifiedDate', kind: 'datetime', readOnly: true, compute: (r) => r.modified },
]

/** Transactions and items call their creation date `createdDate` (salesorder-get-expanded.json). */
export const createdDateFields: readonly FieldDef[] = [
  { name: 'createdDate', kind: 'datetime', readOnly: true, compute: (r) => r.created },
  { name: 'lastModifiedDate', kind: 'datetime', readOnly: true, compute: (r) => r.modified },
]

export function isRef(value: unknown): value is RefValue {
  return typeof value === 'object' && value !== null && typeof (value as RefValue).id === 'string'
}

export function fieldValue(rec: StoredRecord, field: FieldDef): FieldValue {
  return field.compute ? field.compute(rec) : (rec.values[field.name] ?? null)
}

/** The lines of a sublist value (an empty list when unset). */
export function linesOf(value: FieldValue | undefined): LineValues[] {
  return Array.isArray(value) ? (value as LineValues[]) : []
}

/** Money is kept to the cent; sums of cents avoid binary-fraction drift (0.1 + 0.2). */
export function toCents(amount: number): number {
  return Math.round(amount * 100)
}

export function fromCents(cents: number): number {
  return cents / 100
}

export function roundMoney(amount: number): number {
  return fromCents(toCents(amount))
}
