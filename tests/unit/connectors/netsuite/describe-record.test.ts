import { describe, expect, it } from 'vitest'
import type { NetSuiteClient } from '../../../../src/connectors/netsuite/client.ts'
import { describeRecord } from '../../../../src/connectors/netsuite/describe-record.ts'

/** The metadata catalog's JSON Schema normalised for mapping checks, from a canned answer. */
function answering(body: unknown): NetSuiteClient {
  return { request: async () => ({ status: 200, headers: {}, body }) } as unknown as NetSuiteClient
}

describe('describeRecord', () => {
  it('reads references, enums, dates, sublists with their line fields, and required fields', async () => {
    const schema = await describeRecord(
      answering({
        type: 'object',
        properties: {
          id: { type: 'string', readOnly: true },
          externalId: { type: 'string', title: 'External ID', maxLength: 255 },
          subsidiary: { type: 'object', $ref: '/services/rest/record/v1/metadata-catalog/subsidiary' },
          entity: { type: 'object', properties: { id: { type: 'string' }, refName: { type: 'string' } } },
          orderStatus: {
            type: 'object',
            properties: { id: { type: 'string', enum: ['A', 'B'] }, refName: { type: 'string' } },
          },
          tranDate: { type: 'string', format: 'date' },
          total: { type: 'number', readOnly: true },
          item: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: { type: 'object', properties: { quantity: { type: 'number' }, line: { type: 'integer' } } },
              },
            },
          },
        },
        required: ['entity'],
      }),
      'salesOrder',
    )
    expect(schema.fields.subsidiary).toMatchObject({ type: 'reference', referenceTo: ['subsidiary'] })
    expect(schema.fields.entity).toMatchObject({ type: 'reference', required: true })
    expect(schema.fields.orderStatus).toMatchObject({ type: 'picklist', picklistValues: ['A', 'B'] })
    expect(schema.fields.tranDate?.type).toBe('date')
    expect(schema.fields.total).toMatchObject({ type: 'double', readOnly: true })
    expect(schema.fields.externalId).toMatchObject({ externalId: true, length: 255, label: 'External ID' })
    expect(schema.fields.id?.readOnly).toBe(true)
    expect(schema.fields.item?.type).toBe('sublist')
    expect(schema.fields.item?.lineFields?.quantity?.type).toBe('double')
    expect(schema.fields.item?.lineFields?.line?.type).toBe('int')
  })

  it('refuses an answer that is not a record schema with a typed error', async () => {
    await expect(describeRecord(answering({ id: '7' }), 'customer')).rejects.toMatchObject({
      kind: 'permanent',
      code: 'NS_UNEXPECTED_RESPONSE',
    })
  })
})
