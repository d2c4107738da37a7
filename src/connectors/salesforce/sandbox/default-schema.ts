import { catalogObjects } from './objects/catalog-objects.ts'
import { auditFields, idField, text } from './objects/field-specs.ts'
import { order, orderItem } from './objects/order-objects.ts'
import { account, contact, opportunity, opportunityLineItem } from './objects/sales-objects.ts'
import { type ObjectDescribe, type ObjectSpec, parseObjectDescribes } from './schema.ts'

/**
 * The default org: the objects Tandem's flows touch (accounts, contacts, opportunities with products, the
 * product catalogue with a standard price book, orders, invoices) and users, written as describe data,
 * the same shape a file saved from a real org has.
 */
const user: ObjectSpec = {
  name: 'User',
  label: 'User',
  labelPlural: 'Users',
  keyPrefix: '005',
  fields: [
    idField,
    text('Username', 80, { nillable: false, unique: true, idLookup: true }),
    text('LastName', 80, { nillable: false }),
    text('FirstName', 40),
    // Compound of FirstName and LastName, computed by the org.
    text('Name', 121, { nillable: false, createable: false, updateable: false, nameField: true }),
    { name: 'Email', type: 'email', length: 128, nillable: false },
    text('Alias', 8, { nillable: false }),
    text('Title', 80),
    { name: 'IsActive', type: 'boolean', nillable: false, defaultedOnCreate: true, defaultValue: true },
    ...auditFields,
  ],
}

/** A fresh copy of the default org's describes. */
export function defaultSchema(): ObjectDescribe[] {
  return parseObjectDescribes(
    structuredClone([account, contact, opportunity, opportunityLineItem, ...catalogObjects, order, orderItem, user]),
  )
}
