import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { FieldSchema, ObjectSchema } from '../../../src/connectors/types.ts'
import { compileMapping, type MapEnv } from '../../../src/mapping/compile-mapping.ts'
import { mappingSchema } from '../../../src/mapping/mapping-schema.ts'
import { recordArbitrary } from '../../helpers/arbitrary-record.ts'

function field(name: string, type: FieldSchema['type'], extra: Partial<FieldSchema> = {}): FieldSchema {
  return { name, type, nillable: true, required: false, readOnly: false, externalId: false, ...extra }
}
const object = (name: string, fields: FieldSchema[], children?: ObjectSchema['children']): ObjectSchema => ({
  name,
  fields: Object.fromEntries(fields.map((f) => [f.name, f])),
  ...(children ? { children } : {}),
})

const schemas = new Map<string, ObjectSchema>([
  [
    'Opportunity',
    object(
      'Opportunity',
      [
        field('Name', 'string', { length: 120, nillable: false }),
        field('StageName', 'picklist', { picklistValues: ['Prospecting', 'Closed Won', 'Closed Lost'] }),
        field('CloseDate', 'date'),
        field('Amount', 'currency'),
        field('CurrencyIsoCode', 'picklist', { picklistValues: ['USD', 'VND'], nillable: false }),
        field('Phone__c', 'phone'),
        field('Country__c', 'string', { length: 80 }),
        field('LastModifiedDate', 'datetime'),
        field('AccountId', 'reference', { referenceTo: ['Account'], relationshipName: 'Account' }),
      ],
      { OpportunityLineItems: { object: 'OpportunityLineItem', field: 'OpportunityId' } },
    ),
  ],
  ['Account', object('Account', [field('Name', 'string', { length: 255 })])],
  [
    'OpportunityLineItem',
    object('OpportunityLineItem', [
      field('Quantity', 'double'),
      field('UnitPrice', 'currency'),
      field('Product2Id', 'reference'),
    ]),
  ],
])
const describeObject = async (name: string) => schemas.get(name)

const env: MapEnv = {
  resolveRef: async (_flow, id) => `T-${id}`,
  referenceValue: (id) => ({ id }),
  warn: () => {},
  lookup: async () => '1',
}

describe('a compiled mapping on records valid for the source schema', () => {
  it('never throws, whatever the values', async () => {
    const config = mappingSchema.parse({
      flow: 'orders',
      source: { connection: 'crm', object: 'Opportunity', when: "StageName != 'Closed Lost'" },
      target: { connection: 'erp', object: 'salesOrder', externalId: 'externalId' },
      fields: {
        memo: { from: 'Name', transform: ['trim', { truncate: 40 }, 'upper'] },
        title: { expr: "$string(Name) & ' / ' & $string(Account.Name)" },
        status: { from: 'StageName', map: { Prospecting: 'A', 'Closed Won': 'B' }, otherwise: { value: 'A' } },
        tranDate: { from: 'CloseDate', transform: [{ date: { zone: 'Asia/Ho_Chi_Minh' } }] },
        modified: { from: 'LastModifiedDate', transform: [{ datetime: { zone: 'America/Los_Angeles' } }] },
        total: { from: 'Amount', transform: [{ money: { currencyFrom: 'CurrencyIsoCode' } }] },
        phone: { from: 'Phone__c', transform: [{ phone: { country: 'VN' } }] },
        customer: { from: 'AccountId', ref: 'customers' },
        who: { concat: { from: ['Name', 'Account.Name'], separator: ' @ ' }, default: 'nobody' },
      },
      lines: {
        item: {
          from: 'OpportunityLineItems',
          fields: {
            item: { from: 'Product2Id', ref: { flow: 'products', missing: 'null' } },
            quantity: { from: 'Quantity', transform: ['number'] },
            rate: { from: 'UnitPrice', transform: [{ money: { currency: 'VND' } }] },
          },
        },
      },
    })
    const compiled = compileMapping(config, { defaultZone: 'Asia/Ho_Chi_Minh' })
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems))
    const { mapping } = compiled
    const records = await recordArbitrary(
      schemas.get('Opportunity')!,
      mapping.sourceFields,
      mapping.sourceLists,
      describeObject,
    )
    await fc.assert(
      fc.asyncProperty(records, async (record) => {
        await mapping.accepts(record)
        const { payload } = await mapping.map('006X', record, env)
        expect(payload.externalId).toBe('006X')
        expect(Array.isArray(payload.item)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })
})
