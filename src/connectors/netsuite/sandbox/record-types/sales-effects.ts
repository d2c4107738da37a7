import {
  fromCents,
  isRef,
  type LineValues,
  linesOf,
  type RecordEffects,
  type StoredRecord,
  toCents,
} from './record-type.ts'

/**
 * Accounts receivable as NetSuite keeps it. An invoice's `amountPaid` is the sum of the payment
 * applications pointing at it, `amountRemaining` its total less that, and its status Open until nothing
 * remains (then Paid In Full). A customer's `balance` is what it owes: open invoice amounts less payments
 * not yet applied; `overdueBalance` the part of it past due. Everything is recomputed from the records,
 * in cents, so applying, changing or deleting a payment can never leave a drift.
 */

/** Invoice status ids as Oracle's published invoice sample shows them (`{"id":"Open","refName":"Open"}`). */
export const invoiceStatuses: Readonly<Record<string, string>> = { Open: 'Open', 'Paid In Full': 'Paid In Full' }

/** The single letters SuiteQL keeps in `transaction.status` (reference §5). */
export const invoiceStatusLetters: Readonly<Record<string, string>> = { Open: 'A', 'Paid In Full': 'B' }

function refId(value: unknown): string | undefined {
  return isRef(value) ? value.id : undefined
}

function money(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? toCents(value) : 0
}

/** Cents applied to `invoiceId` by every payment except `exceptPaymentId`. */
export function appliedToInvoice(lookup: RecordEffects, invoiceId: string, exceptPaymentId?: number): number {
  let cents = 0
  for (const payment of lookup.all('customerPayment')) {
    if (payment.id === exceptPaymentId) continue
    for (const line of linesOf(payment.values.apply)) {
      if (line.apply === true && refId(line.doc) === invoiceId) cents += money(line.amount)
    }
  }
  return cents
}

/** Recomputes one invoice's payment fields; stamps its lastModifiedDate when they changed. */
export function recomputeInvoice(effects: RecordEffects, invoice: StoredRecord, at: number): void {
  const total = money(invoice.values.total)
  const paid = appliedToInvoice(effects, String(invoice.id))
  const remaining = total - paid
  const derived = {
    amountPaid: fromCents(paid),
    amountRemaining: fromCents(remaining),
    status: remaining <= 0 && total > 0 ? 'Paid In Full' : 'Open',
  }
  const v = invoice.values
  const changed = derived.amountPaid !== v.amountPaid || derived.amountRemaining !== v.amountRemaining
  if (changed || derived.status !== v.status) effects.setDerived(invoice, derived, at)
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

/** Amount of an order not yet billed: per open line, the unbilled quantity at the line's rate. */
function unbilledCents(order: StoredRecord): number {
  if (order.values.status === 'C' || order.values.status === 'H') return 0
  let cents = 0
  for (const line of linesOf(order.values.item)) {
    if (line.isClosed === true) continue
    const open = Math.max(0, Number(line.quantity ?? 0) - Number(line.quantityBilled ?? 0))
    cents += toCents(open * Number(line.rate ?? 0))
  }
  return cents
}

/**
 * Recomputes a customer's balance fields. They are derived values NetSuite maintains; saving a
 * transaction does not save the customer, so its lastModifiedDate stays (which is why the User Event
 * script posts the customer itself when one of its transactions changes).
 */
export function recomputeCustomer(effects: RecordEffects, customerId: string | undefined): void {
  if (!customerId) return
  const customer = effects.get('customer', customerId)
  if (!customer) return
  const today = effects.today()
  let open = 0
  let overdue = 0
  let daysOverdue = 0
  for (const invoice of effects.all('invoice')) {
    if (refId(invoice.values.entity) !== customerId) continue
    const remaining = money(invoice.values.amountRemaining)
    open += remaining
    const due = typeof invoice.values.dueDate === 'string' ? invoice.values.dueDate : undefined
    if (remaining > 0 && due && due < today) {
      overdue += remaining
      daysOverdue = Math.max(daysOverdue, daysBetween(due, today))
    }
  }
  let unapplied = 0
  for (const payment of effects.all('customerPayment')) {
    if (refId(payment.values.customer) === customerId) unapplied += money(payment.values.unapplied)
  }
  let unbilled = 0
  for (const order of effects.all('salesOrder')) {
    if (refId(order.values.entity) === customerId) unbilled += unbilledCents(order)
  }
  effects.setDerived(customer, {
    balance: fromCents(open - unapplied),
    overdueBalance: fromCents(overdue),
    daysOverdue,
    unbilledOrders: fromCents(unbilled),
  })
}

/** The invoice ids a payment's apply lines name. */
export function appliedInvoiceIds(lines: readonly LineValues[]): string[] {
  return lines.map((l) => refId(l.doc)).filter((id): id is string => id !== undefined)
}

/**
 * Adds `sign` × the billed quantities to the order lines they came from (`orderLine`), then re-derives the
 * order's status: a transform bills, deleting the invoice unbills.
 */
export function billOrderLines(
  effects: RecordEffects,
  orderId: string,
  invoiceLines: readonly LineValues[],
  sign: 1 | -1,
  at: number,
  statusOf: (values: StoredRecord['values']) => string,
): void {
  const order = effects.get('salesOrder', orderId)
  if (!order) return
  const lines = linesOf(order.values.item).map((l) => ({ ...l }))
  for (const billed of invoiceLines) {
    const line = lines.find((l) => l.line === billed.orderLine)
    if (!line) continue
    const quantity = Number(line.quantityBilled ?? 0) + sign * Number(billed.quantity ?? 0)
    line.quantityBilled = Math.max(0, quantity)
  }
  const values = { ...order.values, item: lines }
  effects.setDerived(order, { item: lines, status: statusOf(values) }, at)
}
