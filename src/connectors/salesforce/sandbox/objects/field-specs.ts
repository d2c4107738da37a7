import type { FieldSpec } from '../schema.ts'

/** Helpers that write describe field data the way a real org's describe shows it. */
export const readOnly = { nillable: false, createable: false, updateable: false, defaultedOnCreate: true } as const

/** Computed by the org (roll-ups, formulas, derived names): readable, never writable, may be null. */
export const computed = { createable: false, updateable: false, calculated: true } as const

export const picklist = (...values: string[]) => values.map((value) => ({ value, label: value }))

export const idField: FieldSpec = { name: 'Id', type: 'id', length: 18, idLookup: true, ...readOnly }

export const text = (name: string, length: number, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  type: 'string',
  length,
  ...extra,
})

export const money = (name: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  type: 'currency',
  precision: 18,
  scale: 2,
  ...extra,
})

/** A lookup: `AccountId` → `Account`, traversed as `Account` in SOQL and in upserts by external id. */
export const lookup = (
  name: string,
  target: string,
  relationshipName: string,
  extra: Partial<FieldSpec> = {},
): FieldSpec => ({
  name,
  label: `${relationshipName
    .replace(/__r$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')} ID`,
  type: 'reference',
  length: 18,
  referenceTo: [target],
  relationshipName,
  ...extra,
})

/** A master-detail parent: required, fixed once set (re-parenting is off by default), deletes cascade. */
export const masterDetail = (name: string, target: string, relationshipName: string): FieldSpec =>
  lookup(name, target, relationshipName, { nillable: false, updateable: false, cascadeDelete: true })

/** Audit fields every object has; maintained by the org, never writable. */
export const auditFields: FieldSpec[] = [
  { name: 'CreatedDate', type: 'datetime', ...readOnly },
  lookup('CreatedById', 'User', 'CreatedBy', readOnly),
  { name: 'LastModifiedDate', type: 'datetime', ...readOnly },
  lookup('LastModifiedById', 'User', 'LastModifiedBy', readOnly),
  { name: 'SystemModstamp', type: 'datetime', ...readOnly },
  { name: 'IsDeleted', type: 'boolean', ...readOnly },
]

export const owner = (): FieldSpec => lookup('OwnerId', 'User', 'Owner', { nillable: false, defaultedOnCreate: true })

/** Present only in multi-currency orgs; restricted to the org's active currencies (VND and USD here). */
export const currencyIsoCode = (): FieldSpec => ({
  name: 'CurrencyIsoCode',
  type: 'picklist',
  length: 3,
  restrictedPicklist: true,
  defaultedOnCreate: true,
  picklistValues: [{ value: 'VND' }, { value: 'USD', defaultValue: true }],
})

/** The fields Tandem writes back so a user sees a record's sync on the record itself. */
export const syncFields = (erpIdField: string): FieldSpec[] => [
  text(erpIdField, 64, { externalId: true, idLookup: true, label: 'ERP Id' }),
  {
    name: 'Tandem_Sync_Status__c',
    label: 'Sync Status',
    type: 'picklist',
    length: 255,
    restrictedPicklist: true,
    picklistValues: picklist('Synced', 'Pending', 'Failed'),
  },
  text('Tandem_Last_Error__c', 255, { label: 'Last Sync Error' }),
  { name: 'Tandem_Last_Synced__c', label: 'Last Synced', type: 'datetime' },
]
