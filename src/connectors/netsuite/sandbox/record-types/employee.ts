import { type RecordTypeDef, systemDateFields } from './record-type.ts'

/** An employee: sales reps on customers and orders (commission). Shares the entity id space. */
export const employeeType: RecordTypeDef = {
  name: 'employee',
  family: 'entity',
  firstId: 101,
  customFieldPrefix: 'custentity',
  fields: [
    { name: 'entityId', kind: 'text', maxLength: 83 },
    { name: 'firstName', kind: 'text', maxLength: 32, requiredLabel: 'First Name' },
    { name: 'lastName', kind: 'text', maxLength: 32, requiredLabel: 'Last Name' },
    { name: 'email', kind: 'text', maxLength: 254 },
    { name: 'phone', kind: 'text', maxLength: 32 },
    { name: 'title', kind: 'text', maxLength: 99 },
    { name: 'isSalesRep', kind: 'boolean' },
    { name: 'subsidiary', kind: 'ref', refType: 'subsidiary', requiredLabel: 'Subsidiary' },
    { name: 'externalId', kind: 'text', maxLength: 255 },
    { name: 'isInactive', kind: 'boolean' },
    ...systemDateFields,
  ],
  refName: (rec) => String(rec.values.entityId ?? ''),
  onCreate(values) {
    if (values.entityId === undefined || values.entityId === null || values.entityId === '') {
      values.entityId = [values.firstName, values.lastName].filter(Boolean).join(' ')
    }
    values.isSalesRep ??= false
    values.isInactive ??= false
  },
}
