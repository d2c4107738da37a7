import type { ObjectSpec } from '../schema.ts'
import {
  auditFields,
  computed,
  currencyIsoCode,
  idField,
  lookup,
  masterDetail,
  money,
  picklist,
  syncFields,
  text,
} from './field-specs.ts'

/** The catalogue quoting uses: products, price books (one standard) and their entries, as describe data. */
export const product2: ObjectSpec = {
  name: 'Product2',
  label: 'Product',
  labelPlural: 'Products',
  keyPrefix: '01t',
  fields: [
    idField,
    text('Name', 255, { nillable: false, nameField: true }),
    text('ProductCode', 255),
    { name: 'Description', type: 'textarea', length: 4_000 },
    {
      name: 'Family',
      type: 'picklist',
      length: 255,
      picklistValues: picklist('Hardware', 'Software', 'Services', 'Raw Materials', 'Finished Goods'),
    },
    { name: 'IsActive', type: 'boolean', nillable: false, defaultedOnCreate: true, defaultValue: false },
    text('QuantityUnitOfMeasure', 255),
    text('StockKeepingUnit', 180),
    text('External_Key__c', 64, { externalId: true, unique: true, idLookup: true }),
    ...syncFields('ERP_Item_Id__c'),
    ...auditFields,
  ],
  childRelationships: [
    { childSObject: 'PricebookEntry', field: 'Product2Id', relationshipName: 'PricebookEntries', cascadeDelete: true },
  ],
}

export const pricebook2: ObjectSpec = {
  name: 'Pricebook2',
  label: 'Price Book',
  labelPlural: 'Price Books',
  keyPrefix: '01s',
  fields: [
    idField,
    text('Name', 255, { nillable: false, nameField: true }),
    { name: 'IsActive', type: 'boolean', nillable: false, defaultedOnCreate: true, defaultValue: false },
    {
      name: 'IsStandard',
      type: 'boolean',
      nillable: false,
      createable: false,
      updateable: false,
      defaultedOnCreate: true,
    },
    text('Description', 255),
    ...auditFields,
  ],
  childRelationships: [
    {
      childSObject: 'PricebookEntry',
      field: 'Pricebook2Id',
      relationshipName: 'PricebookEntries',
      cascadeDelete: true,
    },
  ],
}

export const pricebookEntry: ObjectSpec = {
  name: 'PricebookEntry',
  label: 'Price Book Entry',
  labelPlural: 'Price Book Entries',
  keyPrefix: '01u',
  fields: [
    idField,
    masterDetail('Pricebook2Id', 'Pricebook2', 'Pricebook2'),
    masterDetail('Product2Id', 'Product2', 'Product2'),
    text('Name', 255, computed),
    text('ProductCode', 255, computed),
    money('UnitPrice', { nillable: false }),
    { name: 'IsActive', type: 'boolean', nillable: false, defaultedOnCreate: true, defaultValue: false },
    { name: 'UseStandardPrice', type: 'boolean', nillable: false, defaultedOnCreate: true, defaultValue: false },
    currencyIsoCode(),
    ...auditFields,
  ],
}

/** The custom object invoices land in (no core invoice object exists without Billing add-ons). */
export const invoice: ObjectSpec = {
  name: 'Invoice__c',
  label: 'Invoice',
  labelPlural: 'Invoices',
  keyPrefix: 'a0I',
  fields: [
    idField,
    text('Name', 80, { nillable: false, nameField: true, label: 'Invoice Number' }),
    text('ERP_Invoice_Id__c', 64, { externalId: true, unique: true, idLookup: true, label: 'ERP Invoice Id' }),
    lookup('Account__c', 'Account', 'Account__r', { label: 'Account' }),
    lookup('Opportunity__c', 'Opportunity', 'Opportunity__r', { label: 'Opportunity' }),
    { name: 'Invoice_Date__c', type: 'date' },
    { name: 'Due_Date__c', type: 'date' },
    money('Amount__c'),
    money('Amount_Remaining__c'),
    {
      name: 'Status__c',
      type: 'picklist',
      length: 255,
      restrictedPicklist: true,
      picklistValues: picklist('Open', 'Partially Paid', 'Paid', 'Overdue', 'Cancelled'),
    },
    currencyIsoCode(),
    lookup('OwnerId', 'User', 'Owner', { nillable: false, defaultedOnCreate: true }),
    ...auditFields,
  ],
}

export const catalogObjects: ObjectSpec[] = [product2, pricebook2, pricebookEntry, invoice]
