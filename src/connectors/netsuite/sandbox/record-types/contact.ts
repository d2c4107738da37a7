import { isRef, type RecordTypeDef, systemDateFields } from './record-type.ts'

/** A contact person, usually attached to a customer (`company`); it shares the entity id space. */
export const contactType: RecordTypeDef = {
  name: 'contact',
  family: 'entity',
  firstId: 101,
  customFieldPrefix: 'custentity',
  fields: [
    { name: 'entityId', kind: 'text', maxLength: 83 },
    { name: 'salutation', kind: 'text', maxLength: 15 },
    { name: 'firstName', kind: 'text', maxLength: 32 },
    { name: 'lastName', kind: 'text', maxLength: 32 },
    { name: 'title', kind: 'text', maxLength: 99 },
    { name: 'email', kind: 'text', maxLength: 254 },
    { name: 'phone', kind: 'text', maxLength: 32 },
    { name: 'mobilePhone', kind: 'text', maxLength: 32 },
    { name: 'company', kind: 'ref', refType: 'customer' },
    { name: 'subsidiary', kind: 'ref', refType: 'subsidiary', requiredLabel: 'Subsidiary' },
    { name: 'externalId', kind: 'text', maxLength: 255 },
    { name: 'isInactive', kind: 'boolean' },
    ...systemDateFields,
  ],
  refName: (rec) => String(rec.values.entityId ?? ''),
  onCreate(values, _id, lookup) {
    // A contact's name is its entity ID unless one is given; its subsidiary is its company's.
    if (values.entityId === undefined || values.entityId === null || values.entityId === '') {
      values.entityId = [values.firstName, values.lastName].filter(Boolean).join(' ')
    }
    const company = isRef(values.company) ? lookup.get('customer', values.company.id) : undefined
    if (
      (values.subsidiary === undefined || values.subsidiary === null) &&
      company &&
      isRef(company.values.subsidiary)
    ) {
      values.subsidiary = { id: company.values.subsidiary.id }
    }
    values.isInactive ??= false
  },
}
