import { describe, expect, it } from 'vitest'
import type { FieldSchema, ObjectSchema } from '../../../src/connectors/types.ts'
import { checkMappingFields } from '../../../src/mapping/check-fields.ts'
import { mappingSchema } from '../../../src/mapping/mapping-schema.ts'

function field(name: string, extra: Partial<FieldSchema> = {}): FieldSchema {
  return { name, type: 'string', nillable: true, required: false, readOnly: false, externalId: false, ...extra }
}

function object(name: string, fields: FieldSchema[], children?: ObjectSchema['children']): ObjectSchema {
  return { name, fields: Object.fromEntries(fields.map((f) => [f.name, f])), ...(children ? { children } : {}) }
}

const crm = new Map<string, ObjectSchema>([
  [
    'Opportunity',
    object(
      'Opportunity',
      [
        field('Id', { type: 'id' }),
        field('Name'),
        field('StageName', { type: 'picklist', picklistValues: ['Prospecting', 'Closed Won'] }),
        field('AccountId', { type: 'reference', referenceTo: ['Account'], relationshipName: 'Account' }),
      ],
      { OpportunityLineItems: { object: 'OpportunityLineItem', field: 'OpportunityId' } },
    ),
  ],
  ['Account', object('Account', [field('Id', { type: 'id' }), field('Name'), field('Industry')])],
  [
    'OpportunityLineItem',
    object('OpportunityLineItem', [field('Quantity', { type: 'double' }), field('Product2Id', { type: 'reference' })]),
  ],
])
const erp = new Map<string, ObjectSchema>([
  [
    'salesOrder',
    object('salesOrder', [
      field('externalId', { externalId: true }),
      field('memo', { length: 999 }),
      field('entity', { type: 'reference' }),
      field('orderStatus', { type: 'picklist', picklistValues: ['A', 'B'] }),
      field('total', { type: 'currency', readOnly: true }),
      field('tranId'),
      field('item', {
        type: 'sublist',
        lineFields: { item: field('item', { type: 'reference' }), quantity: field('quantity', { type: 'double' }) },
      }),
    ]),
  ],
])
const schemas = { source: async (o: string) => crm.get(o), target: async (o: string) => erp.get(o) }

const base = {
  flow: 'orders',
  source: { connection: 'crm', object: 'Opportunity' },
  target: { connection: 'erp', object: 'salesOrder', externalId: 'externalId' },
}

describe('checkMappingFields', () => {
  it('accepts a mapping whose every name exists', async () => {
    const m = mappingSchema.parse({
      ...base,
      fields: {
        memo: { expr: "Name & ' ' & Account.Name" },
        orderStatus: { from: 'StageName', map: { 'Closed Won': 'B' }, otherwise: { value: 'A' } },
      },
      lines: {
        item: {
          from: 'OpportunityLineItems',
          fields: { item: { from: 'Product2Id' }, quantity: { from: 'Quantity' } },
        },
      },
    })
    expect(await checkMappingFields(m, schemas)).toEqual([])
  })

  it('names every unknown, read-only or disallowed name with its path', async () => {
    const m = mappingSchema.parse({
      ...base,
      target: { ...base.target, externalId: 'tranId' },
      fields: {
        memo: { from: 'Nmae' },
        mmo: { from: 'Name' },
        total: { value: 1 },
        orderStatus: { value: 'Z' },
        tranId2: { from: 'Account.Nmae' },
        entity: { from: 'Acount.Name' },
      },
      lines: { item: { from: 'LineItems', fields: { qty: { from: 'Quantity' } } } },
    })
    const problems = await checkMappingFields(m, schemas)
    expect(problems.map((p) => [p.path.join('.'), p.message])).toEqual([
      ['target.externalId', 'salesOrder.tranId is not an external-id field, so upserts cannot match on it'],
      ['fields.memo.from', 'Opportunity has no field Nmae (did you mean Name?)'],
      ['fields.mmo', 'salesOrder has no field mmo (did you mean memo?)'],
      ['fields.total', 'salesOrder.total is read-only in the target'],
      ['fields.orderStatus.value', '"Z" is not a value of salesOrder.orderStatus (A, B)'],
      ['fields.tranId2', 'salesOrder has no field tranId2 (did you mean tranId?)'],
      ['fields.tranId2.from', 'Account has no field Nmae (did you mean Name?)'],
      ['fields.entity.from', 'Opportunity has no relationship Acount (did you mean Account?)'],
      ['lines.item.from', 'Opportunity has no child list LineItems (did you mean OpportunityLineItems?)'],
      ['lines.item.fields.qty', 'salesOrder.item has no field qty'],
    ])
  })

  it('says when an object does not exist', async () => {
    const m = mappingSchema.parse({
      ...base,
      source: { connection: 'crm', object: 'Opportunty' },
      fields: { memo: { from: 'Name' } },
    })
    expect(await checkMappingFields(m, schemas)).toEqual([
      { path: ['source', 'object'], message: 'the source connection has no object Opportunty' },
    ])
  })

  it('reads NetSuite references as { id, refName } and sublists as { items }', async () => {
    const ns = new Map<string, ObjectSchema>([
      [
        'invoice',
        object('invoice', [
          field('entity', { type: 'reference' }),
          field('item', { type: 'sublist', lineFields: { quantity: field('quantity', { type: 'double' }) } }),
        ]),
      ],
      [
        'Invoice__c',
        object('Invoice__c', [field('ERP_Invoice_Id__c', { externalId: true }), field('Customer__c'), field('Qty__c')]),
      ],
    ])
    const sources = { source: async (o: string) => ns.get(o), target: async (o: string) => ns.get(o) }
    const m = (fields: Record<string, unknown>) =>
      mappingSchema.parse({
        flow: 'invoices',
        source: { connection: 'erp', object: 'invoice' },
        target: { connection: 'crm', object: 'Invoice__c', externalId: 'ERP_Invoice_Id__c' },
        fields,
      })
    expect(
      await checkMappingFields(
        m({ Customer__c: { from: 'entity.id' }, Qty__c: { expr: '$sum(item.items.quantity)' } }),
        sources,
      ),
    ).toEqual([])
    expect(
      (
        await checkMappingFields(m({ Customer__c: { from: 'entity.name' }, Qty__c: { from: 'item.lines' } }), sources)
      ).map((p) => p.message),
    ).toEqual([
      'invoice.entity is a reference: read entity.id or entity.refName',
      'invoice.item is a sublist: read item.items',
    ])
  })
})
