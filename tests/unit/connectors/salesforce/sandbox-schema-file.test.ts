import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { defaultSchema } from '../../../../src/connectors/salesforce/sandbox/default-schema.ts'
import { Org } from '../../../../src/connectors/salesforce/sandbox/org.ts'
import { findField } from '../../../../src/connectors/salesforce/sandbox/schema.ts'
import { loadSchemaFile, mergeSchemas } from '../../../../src/connectors/salesforce/sandbox/schema-file.ts'

const dir = mkdtempSync(join(tmpdir(), 'sf-schema-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the org schema from a file of describes', () => {
  it('adds fields to a default object and new custom objects, with system fields and a key prefix', () => {
    const schema = mergeSchemas(defaultSchema(), {
      sobjects: [
        { name: 'Account', fields: [{ name: 'Credit_Limit__c', type: 'currency', label: 'Credit Limit' }] },
        {
          name: 'Shipment__c',
          label: 'Shipment',
          labelPlural: 'Shipments',
          fields: [
            { name: 'Name', type: 'string', length: 80, nillable: false },
            { name: 'Account__c', type: 'reference', referenceTo: ['Account'], relationshipName: 'Account__r' },
          ],
        },
      ],
    })
    const org = new Org({ schema })
    const account = org.object('Account')
    expect(findField(account, 'Credit_Limit__c')).toMatchObject({ type: 'currency', custom: true })
    expect(findField(account, 'ERP_Customer_Id__c')?.externalId).toBe(true)
    const shipment = org.object('Shipment__c')
    expect(shipment.keyPrefix).toMatch(/^a[A-Z0-9]{2}$/)
    expect(shipment.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['Id', 'SystemModstamp', 'IsDeleted']))
    expect(org.childRelationships('Account')).toContainEqual({
      childSObject: 'Shipment__c',
      field: 'Account__c',
      relationshipName: 'Shipments__r',
      cascadeDelete: false,
    })
    const id = org.create('Shipment__c', { Name: 'SH-1', Account__c: org.create('Account', { Name: 'A' }) })
    expect(id.startsWith(shipment.keyPrefix)).toBe(true)
  })

  it('lists the default objects’ own child relationships, invoices included', () => {
    const org = new Org()
    const names = org.childRelationships('Account').map((c) => c.relationshipName)
    expect(names).toEqual(expect.arrayContaining(['Contacts', 'Opportunities', 'Orders', 'Invoices__r']))
    expect(org.childRelationships('Opportunity').map((c) => c.relationshipName)).toContain('OpportunityLineItems')
  })

  it('names the file and the path of a bad describe', () => {
    const file = join(dir, 'bad.json')
    writeFileSync(file, JSON.stringify([{ name: 'Widget__c', fields: [{ name: '9bad', type: 'string' }] }]))
    expect(() => loadSchemaFile(file, defaultSchema())).toThrow(
      expect.objectContaining({ file, path: '0.fields.1.name' }),
    )
    writeFileSync(file, '{ not json')
    expect(() => loadSchemaFile(file, defaultSchema())).toThrow(/cannot read the schema file/)
  })
})
