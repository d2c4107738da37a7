import type { RecordStore } from '../record-store.ts'
import { type FieldValue, fieldValue, type RecordTypeDef, type StoredRecord } from '../record-types/record-type.ts'
import {
  columnName,
  columnOf,
  isColumn,
  refDisplay,
  type TableOptions,
  toSql,
  undeclaredAllowed,
  undeclaredCustomColumns,
  viewTable,
} from './record-columns.ts'
import type { ColumnDef, Row, SuiteQlTable, TableCatalog } from './tables.ts'
import { transactionLineTable, transactionTable } from './transaction-tables.ts'
import type { SqlValue } from './values.ts'

/**
 * SuiteQL tables over the record store (reference §5). Entity and reference types are tables of their own
 * (`customer`, `contact`, `employee`, `subsidiary`, `currency`, `term`); `entity`, `item`, `transaction`
 * and `transactionline` are views across record types, as in NetSuite, where `salesorder` is not a table
 * but `transaction WHERE type = 'SalesOrd'`. Values take SuiteQL's shapes: checkboxes 'T'/'F', references
 * their internal id as a number (the name via BUILTIN.DF), dates and datetimes instants, empty text NULL.
 */

/** A table of one record type: the lower-cased REST field names as columns, plus `id`. */
function recordTable(store: RecordStore, def: RecordTypeDef, opts: TableOptions): SuiteQlTable {
  const { timeZone } = opts
  const exposed = def.fields.filter(isColumn)
  const columns: ColumnDef[] = [{ name: 'id', type: 'integer' }, ...exposed.map((f) => columnOf(store, f))]
  const byName = new Map(columns.map((c) => [c.name, c]))
  const known = new Set(exposed.map((f) => f.name))
  const prefix = def.customFieldPrefix
  const toRow = (rec: StoredRecord): Row => {
    const row: Record<string, SqlValue> = { id: rec.id }
    for (const f of exposed) row[columnName(f)] = toSql(fieldValue(rec, f), f.kind, timeZone)
    if (prefix) {
      for (const [key, value] of Object.entries(rec.values)) {
        if (key.startsWith(prefix) && !known.has(key) && !opts.strictCustomFields) {
          row[key] = toSql(value, undefined, timeZone)
        }
      }
    }
    return row
  }
  return {
    name: def.suiteQlTable ?? def.name.toLowerCase(),
    columns: () => [
      ...columns,
      ...(opts.strictCustomFields ? [] : undeclaredCustomColumns(store.all(def.name), prefix, known)),
    ],
    column: (name) => byName.get(name) ?? (undeclaredAllowed(opts, prefix, name) ? { name, type: 'text' } : undefined),
    rows: () => store.all(def.name).map(toRow),
  }
}

const entityTypes: Record<string, string> = { customer: 'CustJob', contact: 'Contact', employee: 'Employee' }

function entityView(store: RecordStore, opts: TableOptions): SuiteQlTable {
  const { timeZone } = opts
  const fixed: ColumnDef[] = [
    { name: 'id', type: 'integer' },
    { name: 'entityid', type: 'text' },
    { name: 'entitytitle', type: 'text' },
    { name: 'type', type: 'text' },
    { name: 'isperson', type: 'boolean' },
    { name: 'email', type: 'text' },
    { name: 'phone', type: 'text' },
    { name: 'externalid', type: 'text' },
    { name: 'isinactive', type: 'boolean' },
    { name: 'datecreated', type: 'datetime' },
    { name: 'lastmodifieddate', type: 'datetime' },
    { name: 'customer', type: 'integer', display: refDisplay(store, 'customer') },
    { name: 'contact', type: 'integer', display: refDisplay(store, 'contact') },
    { name: 'employee', type: 'integer', display: refDisplay(store, 'employee') },
  ]
  return viewTable(
    store,
    'entity',
    ['customer', 'contact', 'employee'],
    fixed,
    (rec, def) => {
      const v = rec.values
      const name = rec.type === 'customer' && v.isPerson !== true ? v.companyName : v.entityId
      return {
        id: rec.id,
        entityid: toSql(v.entityId ?? null, 'text', timeZone),
        entitytitle: toSql((name as FieldValue) ?? null, 'text', timeZone),
        type: entityTypes[def.name] ?? def.name,
        isperson: rec.type === 'customer' ? toSql(v.isPerson ?? false, 'boolean', timeZone) : 'T',
        email: toSql(v.email ?? null, 'text', timeZone),
        phone: toSql(v.phone ?? null, 'text', timeZone),
        externalid: toSql(v.externalId ?? null, 'text', timeZone),
        isinactive: toSql(v.isInactive ?? false, 'boolean', timeZone),
        datecreated: new Date(rec.created),
        lastmodifieddate: new Date(rec.modified),
        customer: rec.type === 'customer' ? rec.id : null,
        contact: rec.type === 'contact' ? rec.id : null,
        employee: rec.type === 'employee' ? rec.id : null,
      }
    },
    opts,
  )
}

function itemView(store: RecordStore, opts: TableOptions): SuiteQlTable {
  const { timeZone } = opts
  const text = (name: string): ColumnDef => ({ name, type: 'text' })
  const fixed: ColumnDef[] = [
    { name: 'id', type: 'integer' },
    text('itemid'),
    text('displayname'),
    text('itemtype'),
    text('description'),
    text('salesdescription'),
    { name: 'cost', type: 'float' },
    { name: 'isinactive', type: 'boolean' },
    text('externalid'),
    { name: 'createddate', type: 'datetime' },
    { name: 'lastmodifieddate', type: 'datetime' },
  ]
  return viewTable(
    store,
    'item',
    ['inventoryItem', 'nonInventorySaleItem'],
    fixed,
    (rec) => {
      const v = rec.values
      const s = (x: FieldValue | undefined) => toSql(x ?? null, 'text', timeZone)
      return {
        id: rec.id,
        itemid: s(v.itemId),
        displayname: s(v.displayName),
        itemtype: s(v.itemType),
        description: s(v.description),
        salesdescription: s(v.salesDescription),
        cost: typeof v.cost === 'number' ? v.cost : null,
        isinactive: toSql(v.isInactive ?? false, 'boolean', timeZone),
        externalid: s(v.externalId),
        createddate: new Date(rec.created),
        lastmodifieddate: new Date(rec.modified),
      }
    },
    opts,
  )
}

/** The tables SuiteQL knows in this account. */
export function recordTableCatalog(store: RecordStore, opts: TableOptions): TableCatalog {
  const own = ['customer', 'contact', 'employee', 'subsidiary', 'currency', 'term']
  const tables = [
    ...own
      .map((t) => store.types.find(t))
      .filter((d): d is RecordTypeDef => d !== undefined)
      .map((d) => recordTable(store, d, opts)),
    entityView(store, opts),
    itemView(store, opts),
    transactionTable(store, opts),
    transactionLineTable(store, opts),
  ]
  const byName = new Map(tables.map((t) => [t.name, t]))
  return { table: (name) => byName.get(name.toLowerCase()) }
}
