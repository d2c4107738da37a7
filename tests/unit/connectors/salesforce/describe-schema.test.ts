import { describe, expect, it } from 'vitest'
import { sobjectDescribeSchema, toObjectSchema } from '../../../../src/connectors/salesforce/describe-schema.ts'

const describeOf = (fields: object[], extra: object = {}) =>
  sobjectDescribeSchema.parse({ name: 'Account', label: 'Account', fields, ...extra })

describe('sObject describe → ObjectSchema', () => {
  it('normalises types, lengths, required and read-only flags, external ids and references', () => {
    const schema = toObjectSchema(
      describeOf([
        { name: 'Id', type: 'id', nillable: false, createable: false, updateable: false, idLookup: true },
        { name: 'Name', type: 'string', length: 255, nillable: false, createable: true, updateable: true },
        { name: 'IsActive__c', type: 'boolean', nillable: false, createable: true, defaultedOnCreate: false },
        { name: 'ERP_Id__c', type: 'string', length: 64, externalId: true },
        { name: 'Total__c', type: 'currency', calculated: true, createable: false, updateable: false },
        { name: 'Seats__c', type: 'long' },
        { name: 'Geo__c', type: 'location' },
        {
          name: 'Industry',
          type: 'picklist',
          length: 255,
          picklistValues: [
            { value: 'Retail', active: true },
            { value: 'Old', active: false },
          ],
        },
        {
          name: 'OwnerId',
          type: 'reference',
          referenceTo: ['User'],
          relationshipName: 'Owner',
          nillable: false,
          defaultedOnCreate: true,
        },
      ]),
    )
    expect(schema.fields.Name).toMatchObject({ type: 'string', length: 255, required: true, readOnly: false })
    expect(schema.fields.IsActive__c).toMatchObject({ type: 'boolean', required: false })
    expect(schema.fields.Id).toMatchObject({ type: 'id', readOnly: true, externalId: true })
    expect(schema.fields.ERP_Id__c).toMatchObject({ externalId: true, length: 64 })
    expect(schema.fields.Total__c).toMatchObject({ type: 'currency', readOnly: true })
    expect(schema.fields.Seats__c?.type).toBe('int')
    expect(schema.fields.Geo__c?.type).toBe('other')
    expect(schema.fields.Industry?.picklistValues).toEqual(['Retail'])
    expect(schema.fields.OwnerId).toMatchObject({ referenceTo: ['User'], relationshipName: 'Owner', required: false })
  })

  it('lists child relationships by name, skipping those without one', () => {
    const schema = toObjectSchema(
      describeOf([{ name: 'Id', type: 'id' }], {
        childRelationships: [
          { childSObject: 'Contact', field: 'AccountId', relationshipName: 'Contacts' },
          { childSObject: 'Task', field: 'WhatId', relationshipName: null },
        ],
      }),
    )
    expect(schema.children).toEqual({ Contacts: { object: 'Contact', field: 'AccountId' } })
  })
})
