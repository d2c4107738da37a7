import type { RecordStore } from './record-store.ts'
import type { FieldValue } from './record-types/record-type.ts'
import { createRecord, secondOf, type WriteContext } from './record-writes.ts'
import { transformToInvoice } from './sales-transform.ts'

/**
 * Reference data every account has (always loaded) and, on request, demo customers, items and a paid
 * invoice in Vietnamese and English so `npm start` shows data at once. Ids are fixed so mappings can say
 * `subsidiary: { id: "1" }`; the fixed entity ids sit below the first id handed out (101).
 */

export function seedReferenceData(store: RecordStore, at: number): void {
  const add = (type: string, id: number, values: Record<string, FieldValue>) => {
    const def = store.types.find(type)!
    // Inserted with fixed ids; the values are literal and valid, so they skip the write path's checks.
    store.insert(def.name, { isInactive: false, ...values }, secondOf(at), id)
  }
  add('currency', 1, { name: 'USD', symbol: 'USD' })
  add('currency', 2, { name: 'VND', symbol: 'VND' })
  add('subsidiary', 1, { name: 'Tandem Việt Nam', currency: { id: '2' }, country: 'VN' })
  add('subsidiary', 2, { name: 'Tandem US', currency: { id: '1' }, country: 'US' })
  add('term', 1, { name: 'Net 15', daysUntilNetDue: 15 })
  add('term', 2, { name: 'Net 30', daysUntilNetDue: 30 })
  add('term', 3, { name: 'Due on receipt', daysUntilNetDue: 0 })
  // Sales reps, so orders can carry one (commission) and mappings can look them up by email.
  const rep = { isSalesRep: true, subsidiary: { id: '1' } }
  add('employee', 3, {
    ...rep,
    entityId: 'Trần Minh Anh',
    firstName: 'Trần Minh',
    lastName: 'Anh',
    email: 'anh.tran@tandem.example.vn',
  })
  add('employee', 4, {
    ...rep,
    entityId: 'Alan Rath',
    firstName: 'Alan',
    lastName: 'Rath',
    email: 'alan.rath@tandem.example.com',
    subsidiary: { id: '2' },
  })
}

const demoCustomers: Record<string, unknown>[] = [
  {
    companyName: 'Công ty TNHH Thương mại Sài Gòn Xanh',
    email: 'lienhe@saigonxanh.example.vn',
    phone: '+84 28 3823 4567',
    subsidiary: { id: '1' },
    terms: { id: '2' },
  },
  {
    companyName: 'CTCP Nông sản Mê Kông',
    email: 'info@mekongagri.example.vn',
    phone: '+84 292 382 1144',
    subsidiary: { id: '1' },
    terms: { id: '1' },
  },
  { companyName: 'Công ty Cổ phần Gạch men Đồng Nai', email: 'sales@gachdongnai.example.vn', subsidiary: { id: '1' } },
  { isPerson: true, firstName: 'Nguyễn Thị', lastName: 'Lan', email: 'lan.nguyen@example.vn', subsidiary: { id: '1' } },
  {
    companyName: 'Hanoi Craft Exports JSC',
    email: 'export@hanoicraft.example.vn',
    subsidiary: { id: '1' },
    currency: { id: '1' },
  },
  {
    companyName: 'Acme Industrial Supply',
    email: 'ap@acme-industrial.example.com',
    phone: '(212) 555-0142',
    subsidiary: { id: '2' },
    terms: { id: '2' },
  },
  {
    companyName: 'Lakeside Coffee Roasters',
    email: 'orders@lakeside.example.com',
    subsidiary: { id: '2' },
    terms: { id: '1' },
  },
  {
    isPerson: true,
    firstName: 'Emily',
    lastName: 'Carter',
    email: 'emily.carter@example.com',
    subsidiary: { id: '2' },
  },
]

const demoItems: { type: string; body: Record<string, unknown>; price: number }[] = [
  {
    type: 'inventoryItem',
    body: { itemId: 'CF-ROBUSTA-1KG', displayName: 'Cà phê Robusta 1 kg', cost: 6.5 },
    price: 12.5,
  },
  { type: 'inventoryItem', body: { itemId: 'TILE-60X60', displayName: 'Gạch men 60×60', cost: 3.1 }, price: 7.9 },
  { type: 'inventoryItem', body: { itemId: 'WIDGET-BLUE', displayName: 'Blue Widget', cost: 7.5 }, price: 19.95 },
  { type: 'nonInventorySaleItem', body: { itemId: 'SVC-INSTALL', displayName: 'Installation service' }, price: 120 },
]

export function seedDemoData(ctx: WriteContext, at: number): void {
  const customer = ctx.store.types.find('customer')!
  const ids: string[] = []
  for (const [i, body] of demoCustomers.entries()) {
    const rec = createRecord(ctx, customer, { ...body, externalId: `DEMO-${String(i + 1).padStart(3, '0')}` }, at)
    ids.push(String(rec.id))
  }
  const items: string[] = []
  for (const { type, body, price } of demoItems) {
    const def = ctx.store.types.find(type)!
    const rec = createRecord(
      ctx,
      def,
      {
        ...body,
        salesDescription: body.displayName,
        externalId: `DEMO-${String(body.itemId)}`,
        price: { items: [{ priceLevel: { id: '1' }, currencyPage: { id: '1' }, quantity: 0, price }] },
      },
      at,
    )
    items.push(String(rec.id))
  }
  // Acme has an order, invoiced, and part of the invoice paid: a balance to show.
  const acme = ids[5]!
  const order = createRecord(
    ctx,
    ctx.store.types.find('salesOrder')!,
    {
      entity: { id: acme },
      externalId: 'DEMO-SO-1',
      salesRep: { id: '4' },
      item: {
        items: [
          { item: { id: items[2] }, quantity: 10 },
          { item: { id: items[3] }, quantity: 1 },
        ],
      },
    },
    at,
  )
  const invoice = transformToInvoice(ctx, order, { externalId: 'DEMO-INV-1' }, at)
  createRecord(
    ctx,
    ctx.store.types.find('customerPayment')!,
    {
      customer: { id: acme },
      payment: 200,
      externalId: 'DEMO-PAY-1',
      apply: { items: [{ doc: { id: String(invoice.id) }, apply: true, amount: 200 }] },
    },
    at,
  )
}
