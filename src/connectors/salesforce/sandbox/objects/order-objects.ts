import type { ObjectSpec } from '../schema.ts'
import {
  auditFields,
  computed,
  currencyIsoCode,
  idField,
  lookup,
  masterDetail,
  money,
  owner,
  syncFields,
  text,
} from './field-specs.ts'

/** Orders and their products, as describe data. OrderNumber is an auto-number the org assigns. */
export const order: ObjectSpec = {
  name: 'Order',
  label: 'Order',
  labelPlural: 'Orders',
  keyPrefix: '801',
  fields: [
    idField,
    text('OrderNumber', 30, {
      ...computed,
      calculated: false,
      autoNumber: true,
      displayFormat: '{00000000}',
      nameField: true,
    }),
    lookup('AccountId', 'Account', 'Account', { nillable: false }),
    lookup('OpportunityId', 'Opportunity', 'Opportunity'),
    lookup('Pricebook2Id', 'Pricebook2', 'Pricebook2'),
    { name: 'EffectiveDate', type: 'date', nillable: false },
    {
      name: 'Status',
      type: 'picklist',
      length: 40,
      nillable: false,
      defaultedOnCreate: true,
      restrictedPicklist: true,
      picklistValues: [{ value: 'Draft', defaultValue: true }, { value: 'Activated' }],
    },
    money('TotalAmount', { ...computed, defaultValue: 0 }),
    { name: 'Description', type: 'textarea', length: 32_000 },
    currencyIsoCode(),
    owner(),
    ...syncFields('ERP_Sales_Order_Id__c'),
    ...auditFields,
  ],
  childRelationships: [
    { childSObject: 'OrderItem', field: 'OrderId', relationshipName: 'OrderItems', cascadeDelete: true },
  ],
}

export const orderItem: ObjectSpec = {
  name: 'OrderItem',
  label: 'Order Product',
  labelPlural: 'Order Products',
  keyPrefix: '802',
  fields: [
    idField,
    text('OrderItemNumber', 10, { ...computed, calculated: false, autoNumber: true, displayFormat: '{0000000000}' }),
    masterDetail('OrderId', 'Order', 'Order'),
    lookup('PricebookEntryId', 'PricebookEntry', 'PricebookEntry', { nillable: false, updateable: false }),
    lookup('Product2Id', 'Product2', 'Product2', computed),
    { name: 'Quantity', type: 'double', precision: 18, scale: 2, nillable: false },
    money('UnitPrice', { nillable: false }),
    money('ListPrice', computed),
    money('TotalPrice', computed),
    text('Description', 255),
    ...auditFields,
  ],
}
