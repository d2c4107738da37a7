import { describe, expect, it } from 'vitest'
import { checkMappingSet } from '../../../src/mapping/check-mapping-set.ts'
import { type MappingConfig, mappingSchema } from '../../../src/mapping/mapping-schema.ts'

function flow(name: string, from: string, to: string, fields: Record<string, unknown>): MappingConfig {
  const [sc, so] = from.split(':')
  const [tc, to2] = to.split(':')
  return mappingSchema.parse({
    flow: name,
    source: { connection: sc, object: so },
    target: { connection: tc, object: to2, externalId: tc === 'erp' ? 'externalId' : 'ERP_Customer_Id__c' },
    fields,
  })
}

describe('checkMappingSet', () => {
  it('accepts flows that each own their fields', () => {
    const out = flow('customers', 'crm:Account', 'erp:customer', { companyName: { from: 'Name' } })
    const back = flow('customer-balance', 'erp:customer', 'crm:Account', { Balance__c: { from: 'balance' } })
    expect(checkMappingSet([out, back]).size).toBe(0)
  })

  it('rejects a field copied one way and back the other: a ping-pong loop', () => {
    const out = flow('customers', 'crm:Account', 'erp:customer', { companyName: { from: 'Name' } })
    const back = flow('customer-balance', 'erp:customer', 'crm:Account', { Name: { expr: 'companyName' } })
    const problems = checkMappingSet([out, back])
    expect(problems.get('customers')).toEqual([
      {
        path: ['fields', 'companyName'],
        message:
          'ping-pong: this flow copies Account.Name to customer.companyName and flow customer-balance copies it back; a field is owned by one direction',
      },
    ])
    expect(problems.get('customer-balance')?.[0]?.message).toContain('copies customer.companyName to Account.Name')
  })

  it('rejects two flows writing one field', () => {
    const a = flow('customers', 'crm:Account', 'erp:customer', { phone: { from: 'Phone' } })
    const b = flow('contacts', 'crm:Contact', 'erp:customer', { phone: { from: 'MobilePhone' } })
    const problems = checkMappingSet([a, b])
    expect(problems.get('customers')?.map((p) => p.message)).toContain(
      'customer.phone is also written by flow contacts; a field has exactly one writer',
    )
    // Both also write the match key: the same field again.
    expect(problems.get('contacts')?.map((p) => p.path.join('.'))).toEqual(['target.externalId', 'fields.phone'])
  })

  it('counts write-back fields as writes of the flow that writes them back', () => {
    const out = mappingSchema.parse({
      flow: 'customers',
      source: { connection: 'crm', object: 'Account' },
      target: { connection: 'erp', object: 'customer', externalId: 'externalId' },
      fields: { companyName: { from: 'Name' } },
      writeBack: { targetId: 'ERP_Customer_Id__c', status: 'ERP_Sync_Status__c' },
    })
    const back = mappingSchema.parse({
      flow: 'customer-balance',
      source: { connection: 'erp', object: 'customer' },
      target: { connection: 'crm', object: 'Account', updateThrough: 'customers' },
      fields: { ERP_Sync_Status__c: { value: 'synced' }, Balance__c: { from: 'balance' } },
    })
    const problems = checkMappingSet([out, back])
    expect(problems.get('customers')?.map((p) => p.path.join('.'))).toEqual(['writeBack.status'])
    expect(problems.get('customer-balance')?.map((p) => p.path.join('.'))).toEqual(['fields.ERP_Sync_Status__c'])
  })
})
