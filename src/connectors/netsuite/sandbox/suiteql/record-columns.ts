import { fromWall } from '../account-time.ts'
import type { RecordStore } from '../record-store.ts'
import {
  type FieldDef,
  type FieldValue,
  isRef,
  type RecordTypeDef,
  type StoredRecord,
} from '../record-types/record-type.ts'
import type { ColumnDef, ColumnType, SuiteQlTable } from './tables.ts'
import type { SqlValue } from './values.ts'

/** Building blocks of the SuiteQL tables: column types, SuiteQL value shapes, views across record types. */

export interface TableOptions {
  timeZone: string
  /** A schema file declares the custom fields: only those are columns. Otherwise any stored one is. */
  strictCustomFields: boolean
}

/** Whether `name` is a custom column nobody declared that still exists (no schema file: custom fields are free). */
export function undeclaredAllowed(opts: TableOptions, prefix: string | undefined, name: string): boolean {
  return !opts.strictCustomFields && prefix !== undefined && name.startsWith(prefix) && name.length > prefix.length
}

const columnTypes: Partial<Record<FieldDef['kind'], ColumnType>> = {
  text: 'text',
  boolean: 'boolean',
  integer: 'integer',
  float: 'float',
  ref: 'integer',
  datetime: 'datetime',
  date: 'datetime',
  enum: 'text',
}

/** A stored value as SuiteQL holds it; dates become the instant of local midnight. */
export function toSql(value: FieldValue, kind: FieldDef['kind'] | undefined, timeZone: string): SqlValue {
  if (value === null || value === undefined || value === '') return null
  if (kind === 'datetime' && typeof value === 'number') return new Date(value)
  if (kind === 'date' && typeof value === 'string')
    return new Date(fromWall(Date.parse(`${value}T00:00:00Z`), timeZone))
  if (typeof value === 'boolean') return value ? 'T' : 'F'
  if (typeof value === 'string' || typeof value === 'number') return value
  if (Array.isArray(value)) return value.map(String).join(',')
  if (isRef(value)) return /^\d+$/.test(value.id) ? Number(value.id) : value.id
  return JSON.stringify(value)
}

/** Whether a field is a SuiteQL column: body fields only, sublists and subrecords are not. */
export function isColumn(f: FieldDef): boolean {
  return f.column !== null && f.kind !== 'sublist' && f.kind !== 'subrecord'
}

export function columnName(f: FieldDef): string {
  return f.column ?? f.name.toLowerCase()
}

/** BUILTIN.DF of a reference column: the referenced record's name. */
export function refDisplay(store: RecordStore, refType: string): (v: SqlValue) => string | null {
  return (v) => {
    const target = v === null ? undefined : store.get(refType, String(v))
    const def = target ? store.types.find(target.type) : undefined
    return target && def ? def.refName(target) : null
  }
}

export function columnOf(store: RecordStore, f: FieldDef): ColumnDef {
  const column: ColumnDef = { name: columnName(f), type: columnTypes[f.kind] ?? 'text' }
  if (f.kind === 'ref' && f.refType) column.display = refDisplay(store, f.refType)
  if (f.kind === 'enum' && f.enumValues) {
    const values = f.enumValues
    column.display = (v) => (v === null ? null : (values[String(v)] ?? String(v)))
  }
  return column
}

/**
 * Custom fields stored without a declaration (no schema file) are columns too, typed as text; declared
 * ones are ordinary fields. Both are listed by `*` in name order after the standard columns.
 */
export function undeclaredCustomColumns(
  records: Iterable<StoredRecord>,
  prefix: string | undefined,
  known: ReadonlySet<string>,
) {
  const custom = new Set<string>()
  if (!prefix) return []
  for (const rec of records) {
    for (const key of Object.keys(rec.values)) if (key.startsWith(prefix) && !known.has(key)) custom.add(key)
  }
  return [...custom].sort().map((name): ColumnDef => ({ name, type: 'text' }))
}

/**
 * A view over several record types: fixed columns computed per record, plus every member's custom
 * fields. Used for `entity` and `item`; transactions have their own module.
 */
export function viewTable(
  store: RecordStore,
  name: string,
  members: readonly string[],
  fixed: readonly ColumnDef[],
  rowOf: (rec: StoredRecord, def: RecordTypeDef) => Record<string, SqlValue>,
  opts: TableOptions,
): SuiteQlTable {
  const { timeZone, strictCustomFields } = opts
  const defs = members.map((m) => store.types.find(m)).filter((d): d is RecordTypeDef => d !== undefined)
  const prefix = defs[0]?.customFieldPrefix
  const declared = defs.flatMap((d) => d.fields.filter((f) => f.custom && isColumn(f)))
  const columns = [...fixed, ...declared.map((f) => columnOf(store, f))]
  const byName = new Map(columns.map((c) => [c.name, c]))
  const known = new Set(declared.map((f) => f.name))
  const all = () =>
    defs.flatMap((d) => store.all(d.name).map((rec) => ({ rec, def: d }))).sort((a, b) => a.rec.id - b.rec.id)
  return {
    name,
    columns: () => [
      ...columns,
      ...undeclaredCustomColumns(
        all().map((x) => x.rec),
        prefix,
        known,
      ),
    ],
    column: (n) =>
      byName.get(n) ??
      (prefix && n.startsWith(prefix) && n.length > prefix.length ? { name: n, type: 'text' } : undefined),
    rows: () =>
      all().map(({ rec, def }) => {
        const row: Record<string, SqlValue> = rowOf(rec, def)
        for (const [key, value] of Object.entries(rec.values)) {
          if (prefix && key.startsWith(prefix) && (!strictCustomFields || known.has(key))) {
            const f = def.fields.find((x) => x.name === key)
            row[key] = toSql(value, f?.kind, timeZone)
          }
        }
        return row
      }),
  }
}
