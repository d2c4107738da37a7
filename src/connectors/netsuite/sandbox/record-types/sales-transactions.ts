import { itemTypes } from './items.ts'
import {
  createdDateFields,
  type FieldDef,
  type FieldValue,
  fromCents,
  isRef,
  type LineValues,
  linesOf,
  type RecordEffects,
  type RecordTypeDef,
  roundMoney,
  toCents,
} from './record-type.ts'
import { billOrderLines, invoiceStatuses, recomputeCustomer, recomputeInvoice } from './sales-effects.ts'

/**
 * Sales orders and invoices (reference §9, salesorder-get-expanded.json, invoice-get.json): a header that
 * defaults from the customer (currency, subsidiary, terms) and an `item` sublist keyed by `line`. Line
 * amounts are quantity × rate, the rate defaulting to the item's base price; totals roll up (no tax).
 */

export const orderStatuses: Readonly<Record<string, string>> = {
  A: 'Pending Approval',
  B: 'Pending Fulfillment',
  C: 'Cancelled',
  D: 'Partially Fulfilled',
  E: 'Pending Billing/Partially Fulfilled',
  F: 'Pending Billing',
  G: 'Billed',
  H: 'Closed',
}

function itemLineFields(kind: 'order' | 'invoice'): FieldDef[] {
  return [
    { name: 'line', kind: 'integer', readOnly: true },
    { name: 'item', kind: 'ref', refType: 'item', requiredLabel: 'Item' },
    { name: 'itemType', kind: 'enum', enumValues: itemTypes, readOnly: true },
    { name: 'quantity', kind: 'float' },
    { name: 'rate', kind: 'float' },
    { name: 'amount', kind: 'float' },
    { name: 'description', kind: 'text', maxLength: 999 },
    ...(kind === 'order'
      ? ([
          { name: 'isClosed', kind: 'boolean' },
          { name: 'quantityBilled', kind: 'float', readOnly: true },
          { name: 'quantityFulfilled', kind: 'float', readOnly: true },
        ] as const)
      : ([{ name: 'orderLine', kind: 'integer' }] as const)),
  ]
}

function headerFields(kind: 'order' | 'invoice'): FieldDef[] {
  return [
    { name: 'entity', kind: 'ref', refType: 'customer', requiredLabel: 'Customer' },
    { name: 'tranId', kind: 'text', maxLength: 45 },
    { name: 'tranDate', kind: 'date' },
    { name: 'otherRefNum', kind: 'text', maxLength: 45 },
    { name: 'memo', kind: 'text', maxLength: 999 },
    { name: 'salesRep', kind: 'ref', refType: 'employee' },
    { name: 'currency', kind: 'ref', refType: 'currency' },
    { name: 'subsidiary', kind: 'ref', refType: 'subsidiary' },
    { name: 'terms', kind: 'ref', refType: 'term' },
    { name: 'externalId', kind: 'text', maxLength: 255 },
    { name: 'exchangeRate', kind: 'float', readOnly: true },
    { name: 'subtotal', kind: 'float', readOnly: true },
    { name: 'taxTotal', kind: 'float', readOnly: true },
    { name: 'total', kind: 'float', readOnly: true },
    ...(kind === 'order'
      ? ([
          { name: 'orderStatus', kind: 'enum', enumValues: { A: orderStatuses.A!, B: orderStatuses.B! } },
          { name: 'status', kind: 'enum', enumValues: orderStatuses, readOnly: true },
        ] as const)
      : ([
          { name: 'createdFrom', kind: 'ref', refType: 'salesOrder', readOnly: true },
          { name: 'dueDate', kind: 'date' },
          { name: 'amountPaid', kind: 'float', readOnly: true },
          { name: 'amountRemaining', kind: 'float', readOnly: true },
          { name: 'status', kind: 'enum', enumValues: invoiceStatuses, readOnly: true },
        ] as const)),
    { name: 'item', kind: 'sublist', lineKey: 'line', fields: itemLineFields(kind) },
    ...createdDateFields,
  ]
}

/** Currency, subsidiary and terms come from the customer unless given, as NetSuite sources them. */
function sourceFromCustomer(values: Record<string, FieldValue>, lookup: RecordEffects): void {
  const customer = isRef(values.entity) ? lookup.get('customer', values.entity.id) : undefined
  if (!customer) return
  for (const name of ['currency', 'subsidiary', 'terms', 'salesRep'] as const) {
    const from = customer.values[name]
    if ((values[name] === undefined || values[name] === null) && isRef(from)) values[name] = { id: from.id }
  }
}

/** The item's price at level 1 (Base Price), if it has one. */
function basePrice(item: { values: Record<string, FieldValue> } | undefined): number | undefined {
  const line = linesOf(item?.values.price).find((l) => l.priceLevel === '1')
  return typeof line?.price === 'number' ? line.price : undefined
}

/** Quantity defaults to 1, rate to the base price (or amount ÷ quantity), amount to quantity × rate. */
function priceLines(lines: LineValues[], lookup: RecordEffects): number {
  let cents = 0
  for (const line of lines) {
    const item = isRef(line.item) ? lookup.get('item', line.item.id) : undefined
    if (typeof line.quantity !== 'number') line.quantity = 1
    const quantity = line.quantity as number
    if (typeof line.rate !== 'number') {
      line.rate =
        typeof line.amount === 'number' && quantity !== 0 ? roundMoney(line.amount / quantity) : (basePrice(item) ?? 0)
    }
    line.amount = roundMoney(quantity * (line.rate as number))
    if (item) line.itemType = String(item.values.itemType)
    if ((line.description === undefined || line.description === null) && item) {
      const text = item.values.salesDescription ?? item.values.displayName
      if (typeof text === 'string') line.description = text
    }
    cents += toCents(line.amount as number)
  }
  return cents
}

function setTotals(values: Record<string, FieldValue>, lookup: RecordEffects): void {
  const cents = priceLines(linesOf(values.item), lookup)
  values.subtotal = fromCents(cents)
  values.taxTotal = 0
  values.total = fromCents(cents)
  values.exchangeRate ??= 1
}

/** Pending Approval until approved; Billed once every open line is billed; partly billed in between. */
export function orderStatusOf(values: Record<string, FieldValue>): string {
  if (values.status === 'C' || values.status === 'H') return values.status
  if (values.orderStatus === 'A') return 'A'
  const open = linesOf(values.item).filter((l) => l.isClosed !== true)
  const billed = open.filter((l) => Number(l.quantityBilled ?? 0) >= Number(l.quantity ?? 0))
  if (open.length > 0 && billed.length === open.length) return 'G'
  return open.some((l) => Number(l.quantityBilled ?? 0) > 0) ? 'E' : 'B'
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

export const salesOrderType: RecordTypeDef = {
  name: 'salesOrder',
  family: 'transaction',
  firstId: 1001,
  customFieldPrefix: 'custbody',
  suiteQlTable: 'salesorder',
  fields: headerFields('order'),
  refName: (rec) => `Sales Order #${String(rec.values.tranId ?? rec.id)}`,
  onCreate(values, id, lookup) {
    values.tranId ??= `SO${id}`
    values.tranDate ??= lookup.today()
    values.orderStatus ??= 'B'
    sourceFromCustomer(values, lookup)
  },
  onWrite(values, lookup) {
    for (const line of linesOf(values.item)) {
      line.isClosed ??= false
      line.quantityBilled ??= 0
      line.quantityFulfilled ??= 0
    }
    setTotals(values, lookup)
    values.status = orderStatusOf(values)
  },
  afterWrite(rec, effects, _at, previous) {
    recomputeCustomer(effects, isRef(rec.values.entity) ? rec.values.entity.id : undefined)
    if (previous && isRef(previous.entity) && previous.entity.id !== (rec.values.entity as { id?: string })?.id) {
      recomputeCustomer(effects, previous.entity.id)
    }
  },
  afterDelete(rec, effects) {
    recomputeCustomer(effects, isRef(rec.values.entity) ? rec.values.entity.id : undefined)
  },
}

export const invoiceType: RecordTypeDef = {
  name: 'invoice',
  family: 'transaction',
  firstId: 1001,
  customFieldPrefix: 'custbody',
  fields: headerFields('invoice'),
  refName: (rec) => `Invoice #${String(rec.values.tranId ?? rec.id)}`,
  onCreate(values, id, lookup) {
    values.tranId ??= `INV${id}`
    values.tranDate ??= lookup.today()
    values.amountPaid = 0
    sourceFromCustomer(values, lookup)
  },
  onWrite(values, lookup) {
    setTotals(values, lookup)
    // The due date follows the terms unless given: tranDate plus the terms' days (Net 30 → +30).
    if ((values.dueDate === undefined || values.dueDate === null) && typeof values.tranDate === 'string') {
      const terms = isRef(values.terms) ? lookup.get('term', values.terms.id) : undefined
      const days = typeof terms?.values.daysUntilNetDue === 'number' ? terms.values.daysUntilNetDue : 0
      values.dueDate = addDays(values.tranDate, days)
    }
    const paid = toCents(typeof values.amountPaid === 'number' ? values.amountPaid : 0)
    const remaining = toCents(values.total as number) - paid
    values.amountRemaining = fromCents(remaining)
    values.status = remaining <= 0 && (values.total as number) > 0 ? 'Paid In Full' : 'Open'
  },
  afterWrite(rec, effects, at, previous) {
    recomputeInvoice(effects, rec, at)
    recomputeCustomer(effects, isRef(rec.values.entity) ? rec.values.entity.id : undefined)
    if (previous && isRef(previous.entity) && previous.entity.id !== (rec.values.entity as { id?: string })?.id) {
      recomputeCustomer(effects, previous.entity.id)
    }
  },
  afterDelete(rec, effects, at) {
    // The order's lines this invoice billed are open for billing again.
    if (isRef(rec.values.createdFrom)) {
      billOrderLines(effects, rec.values.createdFrom.id, linesOf(rec.values.item), -1, at, orderStatusOf)
    }
    recomputeCustomer(effects, isRef(rec.values.entity) ? rec.values.entity.id : undefined)
  },
}
