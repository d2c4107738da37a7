import type { RecordStore } from '../record-store.ts'
import { type FieldValue, isRef, linesOf, type RecordTypeDef, type StoredRecord } from '../record-types/record-type.ts'
import { invoiceStatusLetters } from '../record-types/sales-effects.ts'
import { orderStatuses } from '../record-types/sales-transactions.ts'
import { refDisplay, type TableOptions, toSql, undeclaredAllowed, viewTable } from './record-columns.ts'
import type { ColumnDef, SuiteQlTable } from './tables.ts'
import type { SqlValue } from './values.ts'

/**
 * `transaction` and `transactionline` (reference §5): every sales order, invoice and payment in one table
 * told apart by a `type` code, statuses as single letters (BUILTIN.DF gives "Sales Order : Pending
 * Fulfillment"), and the lines with the header line (`mainline = 'T'`) among them. Item-line quantities
 * and amounts carry the general-ledger sign, negative on sales (the reference's "commonly negative");
 * the header line carries the total, positive. Line ids are the REST line numbers, the header line 0.
 */

interface Kind {
  code: string
  label: string
  posting: boolean
  status(rec: StoredRecord): string | null
  statusLabel(letter: string): string
}

const paymentLabels: Record<string, string> = { B: 'Not Deposited', C: 'Deposited' }
const invoiceLabels: Record<string, string> = { A: 'Open', B: 'Paid In Full' }

const kinds: Record<string, Kind> = {
  salesOrder: {
    code: 'SalesOrd',
    label: 'Sales Order',
    posting: false,
    status: (r) => (typeof r.values.status === 'string' ? r.values.status : null),
    statusLabel: (l) => orderStatuses[l] ?? l,
  },
  invoice: {
    code: 'CustInvc',
    label: 'Invoice',
    posting: true,
    status: (r) => invoiceStatusLetters[String(r.values.status)] ?? null,
    statusLabel: (l) => invoiceLabels[l] ?? l,
  },
  customerPayment: {
    code: 'CustPymt',
    label: 'Payment',
    posting: true,
    status: (r) => (typeof r.values.status === 'string' ? r.values.status : null),
    statusLabel: (l) => paymentLabels[l] ?? l,
  },
}

const codeLabels = Object.fromEntries(Object.values(kinds).map((k) => [k.code, k.label]))

function refNumber(value: FieldValue | undefined): number | null {
  return isRef(value) && /^\d+$/.test(value.id) ? Number(value.id) : null
}

export function transactionTable(store: RecordStore, opts: TableOptions): SuiteQlTable {
  const { timeZone } = opts
  const text = (name: string): ColumnDef => ({ name, type: 'text' })
  const money = (name: string): ColumnDef => ({ name, type: 'float' })
  const fixed: ColumnDef[] = [
    { name: 'id', type: 'integer' },
    text('tranid'),
    { ...text('type'), display: (v) => (v === null ? null : (codeLabels[String(v)] ?? String(v))) },
    { name: 'trandate', type: 'datetime' },
    { name: 'entity', type: 'integer', display: refDisplay(store, 'entity') },
    {
      ...text('status'),
      // A letter means something only with the row's type: "Invoice : Open", "Sales Order : Billed".
      display: (v, row) => {
        const kind = Object.values(kinds).find((k) => k.code === row?.type)
        return v === null ? null : kind ? `${kind.label} : ${kind.statusLabel(String(v))}` : String(v)
      },
    },
    { name: 'currency', type: 'integer', display: refDisplay(store, 'currency') },
    money('foreigntotal'),
    text('otherrefnum'),
    text('memo'),
    { name: 'duedate', type: 'datetime' },
    { name: 'createddate', type: 'datetime' },
    { name: 'lastmodifieddate', type: 'datetime' },
    text('externalid'),
    { name: 'posting', type: 'boolean' },
    money('foreignamountpaid'),
    money('foreignamountunpaid'),
    { name: 'employee', type: 'integer', display: refDisplay(store, 'employee') },
  ]
  return viewTable(
    store,
    'transaction',
    Object.keys(kinds),
    fixed,
    (rec: StoredRecord, def: RecordTypeDef) => {
      const kind = kinds[def.name]!
      const v = rec.values
      const status = kind.status(rec)
      const row: Record<string, SqlValue> = {
        id: rec.id,
        tranid: toSql(v.tranId ?? null, 'text', timeZone),
        type: kind.code,
        trandate: toSql(v.tranDate ?? null, 'date', timeZone),
        entity: refNumber(v.entity ?? v.customer),
        status,
        currency: refNumber(v.currency),
        foreigntotal: typeof v.total === 'number' ? v.total : null,
        otherrefnum: toSql(v.otherRefNum ?? null, 'text', timeZone),
        memo: toSql(v.memo ?? null, 'text', timeZone),
        duedate: toSql(v.dueDate ?? null, 'date', timeZone),
        createddate: new Date(rec.created),
        lastmodifieddate: new Date(rec.modified),
        externalid: toSql(v.externalId ?? null, 'text', timeZone),
        posting: kind.posting ? 'T' : 'F',
        foreignamountpaid: def.name === 'invoice' && typeof v.amountPaid === 'number' ? v.amountPaid : null,
        foreignamountunpaid: def.name === 'invoice' && typeof v.amountRemaining === 'number' ? v.amountRemaining : null,
        employee: refNumber(v.salesRep),
      }
      return row
    },
    opts,
  )
}

export function transactionLineTable(store: RecordStore, opts: TableOptions): SuiteQlTable {
  const { timeZone } = opts
  const defs = ['salesOrder', 'invoice', 'customerPayment'].map((t) => store.types.find(t)!)
  const lineCustom = defs.flatMap((d) => d.fields.find((f) => f.name === 'item')?.fields?.filter((f) => f.custom) ?? [])
  const columns: ColumnDef[] = [
    { name: 'id', type: 'integer' },
    { name: 'transaction', type: 'integer', display: refDisplay(store, 'transaction') },
    { name: 'linesequencenumber', type: 'integer' },
    { name: 'mainline', type: 'boolean' },
    { name: 'taxline', type: 'boolean' },
    { name: 'item', type: 'integer', display: refDisplay(store, 'item') },
    { name: 'quantity', type: 'float' },
    { name: 'rate', type: 'float' },
    { name: 'netamount', type: 'float' },
    { name: 'foreignamount', type: 'float' },
    { name: 'memo', type: 'text' },
    { name: 'isclosed', type: 'boolean' },
    { name: 'createdfrom', type: 'integer', display: refDisplay(store, 'transaction') },
    { name: 'quantitybilled', type: 'float' },
    { name: 'uniquekey', type: 'integer' },
    ...lineCustom.map(
      (f): ColumnDef => ({ name: f.name, type: f.kind === 'float' || f.kind === 'integer' ? 'float' : 'text' }),
    ),
  ]
  const byName = new Map(columns.map((c) => [c.name, c]))
  return {
    name: 'transactionline',
    columns: () => columns,
    column: (name) =>
      byName.get(name) ?? (undeclaredAllowed(opts, 'custcol', name) ? { name, type: 'text' } : undefined),
    *rows() {
      const all = defs.flatMap((d) => store.all(d.name)).sort((a, b) => a.id - b.id)
      for (const rec of all) {
        const v = rec.values
        const createdFrom = refNumber(v.createdFrom)
        yield {
          id: 0,
          transaction: rec.id,
          linesequencenumber: 0,
          mainline: 'T',
          taxline: 'F',
          foreignamount: typeof v.total === 'number' ? v.total : null,
          netamount: typeof v.total === 'number' ? v.total : null,
          memo: toSql(v.memo ?? null, 'text', timeZone),
          createdfrom: createdFrom,
          uniquekey: rec.id * 1000,
        }
        for (const line of linesOf(v.item)) {
          const n = typeof line.line === 'number' ? line.line : 0
          const amount = typeof line.amount === 'number' ? -line.amount : null
          const row: Record<string, SqlValue> = {
            id: n,
            transaction: rec.id,
            linesequencenumber: n,
            mainline: 'F',
            taxline: 'F',
            item: refNumber(line.item),
            quantity: typeof line.quantity === 'number' ? -line.quantity : null,
            rate: typeof line.rate === 'number' ? line.rate : null,
            netamount: amount,
            foreignamount: amount,
            memo: toSql(line.description ?? null, 'text', timeZone),
            isclosed: line.isClosed === true ? 'T' : 'F',
            createdfrom: createdFrom,
            quantitybilled: typeof line.quantityBilled === 'number' ? line.quantityBilled : null,
            uniquekey: rec.id * 1000 + n,
          }
          for (const [key, value] of Object.entries(line))
            if (key.startsWith('custcol')) row[key] = toSql(value, undefined, timeZone)
          yield row
        }
      }
    },
  }
}
