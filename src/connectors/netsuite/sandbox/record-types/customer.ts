import { addressBookLineFields, addressText } from './address.ts'
import { isRef, linesOf, type RecordTypeDef, systemDateFields } from './record-type.ts'

/**
 * The customer record (reference §9 and customer-get.json). Lengths are NetSuite's field limits. The
 * balances are derived: invoices and payments recompute them (sales-effects.ts), as NetSuite's A/R does.
 */
export const customerType: RecordTypeDef = {
  name: 'customer',
  family: 'entity',
  firstId: 101,
  customFieldPrefix: 'custentity',
  fields: [
    { name: 'entityId', kind: 'text', maxLength: 83 },
    { name: 'autoName', kind: 'boolean', readOnly: true, column: null },
    { name: 'companyName', kind: 'text', maxLength: 83 },
    { name: 'isPerson', kind: 'boolean' },
    { name: 'firstName', kind: 'text', maxLength: 32 },
    { name: 'lastName', kind: 'text', maxLength: 32 },
    { name: 'email', kind: 'text', maxLength: 254 },
    { name: 'phone', kind: 'text', maxLength: 32 },
    { name: 'url', kind: 'text', maxLength: 256 },
    { name: 'externalId', kind: 'text', maxLength: 255 },
    { name: 'subsidiary', kind: 'ref', refType: 'subsidiary', requiredLabel: 'Subsidiary' },
    { name: 'currency', kind: 'ref', refType: 'currency' },
    { name: 'terms', kind: 'ref', refType: 'term' },
    { name: 'salesRep', kind: 'ref', refType: 'employee' },
    { name: 'creditLimit', kind: 'float' },
    // Credit hold: AUTO follows the credit limit and overdue rules; ON and OFF are set by finance.
    { name: 'creditHoldOverride', kind: 'enum', enumValues: { AUTO: 'Auto', ON: 'On', OFF: 'Off' } },
    { name: 'isInactive', kind: 'boolean' },
    { name: 'comments', kind: 'text', maxLength: 999 },
    { name: 'balance', kind: 'float', readOnly: true },
    { name: 'overdueBalance', kind: 'float', readOnly: true },
    { name: 'daysOverdue', kind: 'integer', readOnly: true },
    { name: 'unbilledOrders', kind: 'float', readOnly: true },
    {
      name: 'defaultAddress',
      kind: 'text',
      readOnly: true,
      column: null,
      compute(rec) {
        const lines = linesOf(rec.values.addressBook)
        const line = lines.find((l) => l.defaultBilling === true) ?? lines[0]
        const address = line?.addressBookAddress
        return typeof address === 'object' && address !== null ? addressText(address as Record<string, unknown>) : null
      },
    },
    { name: 'addressBook', kind: 'sublist', lineKey: 'id', fields: addressBookLineFields },
    ...systemDateFields,
  ],
  refName(rec) {
    const v = rec.values
    const name = v.isPerson ? [v.firstName, v.lastName].filter(Boolean).join(' ') : String(v.companyName ?? '')
    const entityId = String(v.entityId ?? '')
    return name && name !== entityId ? `${entityId} ${name}` : entityId
  },
  onCreate(values, id, lookup) {
    // With auto-numbering NetSuite names the entity itself (customer-get.json shows CUST-00614 for 614).
    if (values.entityId === undefined || values.entityId === null || values.entityId === '') {
      values.entityId = `CUST-${String(id).padStart(5, '0')}`
      values.autoName = true
    } else {
      values.autoName = false
    }
    values.isPerson ??= false
    values.isInactive ??= false
    values.creditHoldOverride ??= 'AUTO'
    values.balance = 0
    values.overdueBalance = 0
    values.daysOverdue = 0
    values.unbilledOrders = 0
    // The currency defaults to the subsidiary's base currency, as in a OneWorld account.
    const sub = isRef(values.subsidiary) ? lookup.get('subsidiary', values.subsidiary.id) : undefined
    if ((values.currency === undefined || values.currency === null) && sub && isRef(sub.values.currency)) {
      values.currency = { id: sub.values.currency.id }
    }
  },
}
