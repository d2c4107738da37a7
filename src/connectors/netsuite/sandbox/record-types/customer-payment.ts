import { userError } from '../ns-error.ts'
import {
  createdDateFields,
  type FieldValue,
  fromCents,
  isRef,
  linesOf,
  type RecordEffects,
  type RecordTypeDef,
  toCents,
} from './record-type.ts'
import { appliedInvoiceIds, appliedToInvoice, recomputeCustomer, recomputeInvoice } from './sales-effects.ts'

/**
 * A customer payment (reference §9, customerpayment-create-request.json). Its `apply` sublist, keyed by
 * `doc` (the invoice), says how much of the payment settles which invoice. An application defaults to the
 * invoice's amount due, capped by what is left of the payment; applying more than is due or more than the
 * payment is refused. What is not applied stays on the customer as a credit (`unapplied`).
 */

export const paymentStatuses: Readonly<Record<string, string>> = { B: 'Not Deposited', C: 'Deposited' }

function customerOf(values: Record<string, FieldValue>): string | undefined {
  return isRef(values.customer) ? values.customer.id : undefined
}

/** Validates and completes the apply lines; returns the cents applied. */
function applyLines(values: Record<string, FieldValue>, lookup: RecordEffects, paymentId: number | undefined): number {
  const payment = toCents(typeof values.payment === 'number' ? values.payment : 0)
  const customerId = customerOf(values)
  let applied = 0
  for (const [i, line] of linesOf(values.apply).entries()) {
    const path = { 'o:errorPath': `apply.items[${i}].doc` }
    const invoice = isRef(line.doc) ? lookup.get('invoice', line.doc.id) : undefined
    if (!invoice)
      throw userError(
        `You have entered an Invalid Field Value ${String((line.doc as { id?: string })?.id)} for the following field: doc`,
        path,
      )
    if (!isRef(invoice.values.entity) || invoice.values.entity.id !== customerId) {
      throw userError(`The invoice ${String(invoice.values.tranId)} does not belong to this customer.`, path)
    }
    const total = toCents(invoice.values.total as number)
    const due = total - appliedToInvoice(lookup, String(invoice.id), paymentId)
    line.total = fromCents(total)
    line.due = fromCents(due)
    line.refNum = String(invoice.values.tranId ?? invoice.id)
    line.applyDate = typeof invoice.values.tranDate === 'string' ? invoice.values.tranDate : null
    line.apply ??= typeof line.amount === 'number' && line.amount > 0
    if (line.apply !== true) {
      line.amount = 0
      continue
    }
    const amount =
      typeof line.amount === 'number' && line.amount > 0
        ? toCents(line.amount)
        : Math.max(0, Math.min(due, payment - applied))
    if (amount > due) {
      throw userError(
        `The amount applied to invoice ${line.refNum} (${fromCents(amount)}) exceeds the amount due (${fromCents(due)}).`,
        { 'o:errorPath': `apply.items[${i}].amount` },
      )
    }
    line.amount = fromCents(amount)
    applied += amount
  }
  if (applied > payment) {
    throw userError(`The total applied (${fromCents(applied)}) exceeds the payment amount (${fromCents(payment)}).`, {
      'o:errorPath': 'apply',
    })
  }
  return applied
}

/** Recomputes every invoice the payment names now or named before, then the customers' balances. */
function settle(
  effects: RecordEffects,
  invoiceIds: Iterable<string>,
  customers: Iterable<string | undefined>,
  at: number,
) {
  for (const id of new Set(invoiceIds)) {
    const invoice = effects.get('invoice', id)
    if (invoice) recomputeInvoice(effects, invoice, at)
  }
  for (const customer of new Set(customers)) recomputeCustomer(effects, customer)
}

export const customerPaymentType: RecordTypeDef = {
  name: 'customerPayment',
  family: 'transaction',
  firstId: 1001,
  customFieldPrefix: 'custbody',
  suiteQlTable: 'customerpayment',
  fields: [
    { name: 'customer', kind: 'ref', refType: 'customer', requiredLabel: 'Customer' },
    { name: 'payment', kind: 'float', requiredLabel: 'Payment Amount' },
    { name: 'tranId', kind: 'text', maxLength: 45 },
    { name: 'tranDate', kind: 'date' },
    { name: 'memo', kind: 'text', maxLength: 999 },
    { name: 'currency', kind: 'ref', refType: 'currency' },
    { name: 'subsidiary', kind: 'ref', refType: 'subsidiary' },
    { name: 'undepFunds', kind: 'boolean' },
    { name: 'externalId', kind: 'text', maxLength: 255 },
    { name: 'applied', kind: 'float', readOnly: true },
    { name: 'unapplied', kind: 'float', readOnly: true },
    { name: 'total', kind: 'float', readOnly: true },
    { name: 'status', kind: 'enum', enumValues: paymentStatuses, readOnly: true },
    {
      name: 'apply',
      kind: 'sublist',
      lineKey: 'doc',
      fields: [
        { name: 'doc', kind: 'ref', refType: 'invoice', requiredLabel: 'Invoice' },
        { name: 'apply', kind: 'boolean' },
        { name: 'amount', kind: 'float' },
        { name: 'due', kind: 'float', readOnly: true },
        { name: 'total', kind: 'float', readOnly: true },
        { name: 'refNum', kind: 'text', readOnly: true },
        { name: 'applyDate', kind: 'date', readOnly: true },
      ],
    },
    ...createdDateFields,
  ],
  refName: (rec) => `Payment #${String(rec.values.tranId ?? rec.id)}`,
  onCreate(values, id, lookup) {
    values.tranId ??= String(id)
    values.tranDate ??= lookup.today()
    values.undepFunds ??= true
    const customer = isRef(values.customer) ? lookup.get('customer', values.customer.id) : undefined
    for (const name of ['currency', 'subsidiary'] as const) {
      const from = customer?.values[name]
      if ((values[name] === undefined || values[name] === null) && isRef(from)) values[name] = { id: from.id }
    }
  },
  onWrite(values, lookup, previous) {
    if (typeof values.payment === 'number' && values.payment <= 0) {
      throw userError('The payment amount must be greater than zero.', { 'o:errorPath': 'payment' })
    }
    const applied = applyLines(values, lookup, previous?.id)
    const payment = toCents(typeof values.payment === 'number' ? values.payment : 0)
    values.applied = fromCents(applied)
    values.unapplied = fromCents(payment - applied)
    values.total = fromCents(payment)
    values.status = values.undepFunds === false ? 'C' : 'B'
  },
  afterWrite(rec, effects, at, previous) {
    const invoices = [...appliedInvoiceIds(linesOf(rec.values.apply)), ...appliedInvoiceIds(linesOf(previous?.apply))]
    settle(effects, invoices, [customerOf(rec.values), previous ? customerOf(previous) : undefined], at)
  },
  afterDelete(rec, effects, at) {
    settle(effects, appliedInvoiceIds(linesOf(rec.values.apply)), [customerOf(rec.values)], at)
  },
}
