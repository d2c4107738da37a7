import { type RecordTypeDef, systemDateFields } from './record-type.ts'

/**
 * Lists customers point at: subsidiaries (OneWorld), currencies and payment terms. Seeded per instance
 * (see seed.ts); they are ordinary records, so GET /subsidiary/1 and SuiteQL `FROM currency` work too.
 */

const byName: RecordTypeDef['refName'] = (rec) => String(rec.values.name ?? '')

export const subsidiaryType: RecordTypeDef = {
  name: 'subsidiary',
  firstId: 1,
  refName: byName,
  fields: [
    { name: 'name', kind: 'text', requiredLabel: 'Name', maxLength: 83 },
    { name: 'currency', kind: 'ref', refType: 'currency', requiredLabel: 'Currency' },
    { name: 'country', kind: 'text', maxLength: 2 },
    { name: 'isInactive', kind: 'boolean' },
    { name: 'externalId', kind: 'text' },
    ...systemDateFields,
  ],
}

export const currencyType: RecordTypeDef = {
  name: 'currency',
  firstId: 1,
  refName: byName,
  fields: [
    { name: 'name', kind: 'text', requiredLabel: 'Name', maxLength: 83 },
    { name: 'symbol', kind: 'text', requiredLabel: 'ISO Code', maxLength: 3 },
    { name: 'isInactive', kind: 'boolean' },
    { name: 'externalId', kind: 'text' },
    ...systemDateFields,
  ],
}

export const termType: RecordTypeDef = {
  name: 'term',
  firstId: 1,
  refName: byName,
  fields: [
    { name: 'name', kind: 'text', requiredLabel: 'Terms', maxLength: 31 },
    { name: 'daysUntilNetDue', kind: 'integer' },
    { name: 'isInactive', kind: 'boolean' },
    { name: 'externalId', kind: 'text' },
    ...systemDateFields,
  ],
}
