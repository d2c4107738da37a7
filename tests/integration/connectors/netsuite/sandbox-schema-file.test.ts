import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../../../src/connectors/netsuite/sandbox/server.ts'
import { call, idOf, suiteQl } from './signed-call.ts'

/**
 * Custom fields are data: declared in a schema file shaped like the metadata catalog, they are accepted,
 * stored, returned, queryable in SuiteQL and served back by the catalog; undeclared ones do not exist.
 */

const schema = {
  customer: {
    properties: {
      custentity_tier: { type: 'string', title: 'Tier', maxLength: 10, 'x-ns-custom-field': true },
      custentity_crm_id: { type: 'string', title: 'CRM Id' },
      custentity_vip: { type: 'boolean' },
      // Standard fields in the saved catalog answer are the simulator's own and are skipped.
      companyName: { type: 'string' },
    },
  },
  salesOrder: {
    properties: {
      custbody_opportunity: { type: 'string' },
      item: {
        type: 'object',
        properties: { items: { type: 'array', items: { properties: { custcol_discount_pct: { type: 'number' } } } } },
      },
    },
  },
}

describe('NetSuite sandbox schema file', () => {
  let dir: string
  let sb: NetSuiteSandbox

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ns-schema-'))
    const file = join(dir, 'erp-schema.json')
    writeFileSync(file, JSON.stringify(schema))
    sb = await startNetSuiteSandbox({ schemaFile: file })
  })
  afterAll(async () => {
    await sb.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('accepts, stores, returns and queries declared custom fields', async () => {
    const id = idOf(
      await call(sb, 'POST', '/record/v1/customer', {
        body: { companyName: 'Tier Co', subsidiary: { id: '1' }, custentity_tier: 'gold', custentity_vip: true },
      }),
    )
    const read = await call(sb, 'GET', `/record/v1/customer/${id}`)
    expect(read.body).toMatchObject({ custentity_tier: 'gold', custentity_vip: true })
    const rows = await suiteQl(
      sb,
      "SELECT id, custentity_tier, custentity_vip FROM customer WHERE custentity_tier = 'gold'",
    )
    expect(rows.body.items).toEqual([{ links: [], id, custentity_tier: 'gold', custentity_vip: 'T' }])
  })

  it('checks custom values by their declared type and length', async () => {
    const tooLong = await call(sb, 'POST', '/record/v1/customer', {
      body: { companyName: 'Long', subsidiary: { id: '1' }, custentity_tier: 'platinum-plus' },
    })
    expect(tooLong.body['o:errorDetails'][0]).toMatchObject({
      'o:errorCode': 'USER_ERROR',
      'o:errorPath': 'custentity_tier',
    })
    const wrongType = await call(sb, 'POST', '/record/v1/customer', {
      body: { companyName: 'Bool', subsidiary: { id: '1' }, custentity_vip: 'yes' },
    })
    expect(wrongType.body['o:errorDetails'][0]).toMatchObject({
      'o:errorCode': 'INVALID_CONTENT',
      'o:errorPath': 'custentity_vip',
    })
  })

  it('treats undeclared custom fields as unknown properties, as the account would', async () => {
    const ignored = idOf(
      await call(sb, 'POST', '/record/v1/customer', {
        body: { companyName: 'Ignored', subsidiary: { id: '1' }, custentity_other: 'x' },
      }),
    )
    expect((await call(sb, 'GET', `/record/v1/customer/${ignored}`)).body.custentity_other).toBeUndefined()
    const strict = await call(sb, 'POST', '/record/v1/customer', {
      body: { companyName: 'Strict', subsidiary: { id: '1' }, custentity_other: 'x' },
      headers: { 'x-netsuite-propertynamevalidation': 'error' },
    })
    expect(strict.body['o:errorDetails'][0]).toMatchObject({
      'o:errorCode': 'INVALID_CONTENT',
      'o:errorPath': 'custentity_other',
    })
    const unknown = await suiteQl(sb, 'SELECT custentity_other FROM customer')
    expect(unknown.status).toBe(400)
  })

  it('keeps custom body and line fields on sales orders, and lists them in SuiteQL', async () => {
    const customer = sb.records.create('customer', { companyName: 'Lines Co', subsidiary: { id: '1' } })
    const item = sb.records.create('inventoryItem', { itemId: 'BOLT' })
    const order = idOf(
      await call(sb, 'POST', '/record/v1/salesOrder', {
        body: {
          entity: { id: customer },
          custbody_opportunity: '006A000001',
          item: { items: [{ item: { id: item }, quantity: 1, rate: 10, custcol_discount_pct: 12.5 }] },
        },
      }),
    )
    const read = await call(sb, 'GET', `/record/v1/salesOrder/${order}?expandSubResources=true`)
    expect(read.body.custbody_opportunity).toBe('006A000001')
    expect(read.body.item.items[0].custcol_discount_pct).toBe(12.5)
    const rows = await suiteQl(
      sb,
      "SELECT t.custbody_opportunity, l.custcol_discount_pct FROM transaction t JOIN transactionline l ON l.transaction = t.id WHERE l.mainline = 'F' AND t.id = ?",
      [order],
    )
    expect(rows.body.items).toEqual([{ links: [], custbody_opportunity: '006A000001', custcol_discount_pct: '12.5' }])
  })

  it('serves the custom fields from the metadata catalog, marked as custom', async () => {
    const res = await call(sb, 'GET', '/record/v1/metadata-catalog/customer', {
      headers: { accept: 'application/schema+json' },
    })
    expect(res.body.properties.custentity_tier).toMatchObject({
      type: 'string',
      maxLength: 10,
      'x-ns-custom-field': true,
    })
    expect(res.body.properties.companyName['x-ns-custom-field']).toBeUndefined()
    const order = await call(sb, 'GET', '/record/v1/metadata-catalog/salesOrder')
    expect(order.body.properties.item.properties.items.items.properties.custcol_discount_pct).toMatchObject({
      type: 'number',
      'x-ns-custom-field': true,
    })
  })

  it('refuses at start a file naming a record type the sandbox does not serve', async () => {
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, JSON.stringify({ vendorBill: { properties: { custbody_x: { type: 'string' } } } }))
    await expect(startNetSuiteSandbox({ schemaFile: bad })).rejects.toThrow(/vendorBill: the sandbox does not serve/)
  })
})
