import { describe, expect, it } from 'vitest'
import type { ObjectSchema } from '../../../src/connectors/types.ts'
import {
  type CompiledMapping,
  type CompileOptions,
  compileMapping,
  type MapEnv,
} from '../../../src/mapping/compile-mapping.ts'
import { MappingError, MissingReferenceError } from '../../../src/mapping/mapping-error.ts'
import { mappingSchema } from '../../../src/mapping/mapping-schema.ts'

const base = {
  flow: 'customers',
  source: { connection: 'crm', object: 'Account' },
  target: { connection: 'erp', object: 'customer', externalId: 'externalId' },
}

function compile(extra: Record<string, unknown>, opts: CompileOptions = {}): CompiledMapping {
  const result = compileMapping(mappingSchema.parse({ ...base, ...extra }), opts)
  if (!result.ok) throw new Error(JSON.stringify(result.problems))
  return result.mapping
}

const xref = new Map([
  ['customers:001A', '42'],
  ['products:01tP1', '900'],
  ['products:01tP2', '901'],
])
const env: MapEnv = {
  resolveRef: async (flow, id) => xref.get(`${flow}:${id}`),
  referenceValue: (id) => ({ id }),
  warn: () => {},
  lookup: async (object, where, field) => {
    if (object === 'Pricebook2' && where.IsStandard === true && field === 'id') return '01sSTD'
    if (object === 'employee' && where.email === 'lan@example.com' && field === 'id') return '42'
    return undefined
  },
}

async function payload(m: CompiledMapping, record: Record<string, unknown>, id = '001A') {
  return (await m.map(id, record, env)).payload
}

describe('compileMapping: reading values', () => {
  it('copies paths, including parent relationships, and sets the match key to the source id', async () => {
    const m = compile({ fields: { companyName: { from: 'Name' }, salesRep: { from: 'Owner.Name' } } })
    expect(await payload(m, { Name: 'Acme', Owner: { Name: 'Lan' } })).toEqual({
      externalId: '001A',
      companyName: 'Acme',
      salesRep: 'Lan',
    })
    expect(m.sourceFields).toEqual(['Name', 'Owner.Name'])
  })

  it('writes null for a missing source value and a null parent, so clearing propagates', async () => {
    const m = compile({ fields: { phone: { from: 'Phone' }, salesRep: { from: 'Owner.Name' } } })
    expect(await payload(m, { Owner: null })).toEqual({ externalId: '001A', phone: null, salesRep: null })
  })

  it('uses a default only when the source is empty', async () => {
    const m = compile({ fields: { phone: { from: 'Phone', default: 'n/a' } } })
    expect((await payload(m, { Phone: '  ' })).phone).toBe('n/a')
    expect((await payload(m, { Phone: null })).phone).toBe('n/a')
    expect((await payload(m, { Phone: '+84 28 3822 1234' })).phone).toBe('+84 28 3822 1234')
  })

  it('writes constants as given, null included', async () => {
    const m = compile({ fields: { subsidiary: { value: { id: '1' } }, comments: { value: null } } })
    expect(await payload(m, {})).toEqual({ externalId: '001A', subsidiary: { id: '1' }, comments: null })
  })

  it('concatenates paths and evaluates JSONata, reporting what they read', async () => {
    const m = compile({
      fields: {
        addr: { concat: { from: ['BillingStreet', 'BillingCity'], separator: ', ' } },
        memo: { expr: "'SF ' & Name & ' (' & $uppercase(Account.Name) & ')'" },
      },
    })
    expect(
      await payload(m, { BillingStreet: '1 Lê Lợi', BillingCity: 'Huế', Name: 'Deal', Account: { Name: 'acme' } }),
    ).toMatchObject({
      addr: '1 Lê Lợi, Huế',
      memo: 'SF Deal (ACME)',
    })
    expect(m.sourceFields.sort()).toEqual(['Account.Name', 'BillingCity', 'BillingStreet', 'Name'])
  })

  it('stops a runaway expression instead of hanging the worker', async () => {
    const m = compile({ fields: { x: { expr: '($f := function($n) { $f($n + 1) }; $f(0))' } } })
    await expect(m.map('1', {}, env)).rejects.toMatchObject({ code: 'MAPPING_EXPRESSION', field: 'x' })
  })

  it('reports a JSONata syntax error with its path in the file', () => {
    const result = compileMapping(mappingSchema.parse({ ...base, fields: { memo: { expr: "'SF ' & " } } }))
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.problems[0]?.path).toEqual(['fields', 'memo', 'expr'])
      expect(result.problems[0]?.message).toMatch(/JSONata syntax error/)
    }
  })
})

describe('compileMapping: lookups', () => {
  it('takes a value from a target reference table, and fails clearly when none matches', async () => {
    const m = compile({ fields: { Pricebook2Id: { lookup: { object: 'Pricebook2', where: { IsStandard: true } } } } })
    expect((await payload(m, {})).Pricebook2Id).toEqual({ id: '01sSTD' })
    const none = compile({ fields: { Pricebook2Id: { lookup: { object: 'Pricebook2', where: { Name: 'Partner' } } } } })
    await expect(none.map('1', {}, env)).rejects.toMatchObject({
      code: 'MAPPING_INVALID_VALUE',
      message: 'Pricebook2Id: no Pricebook2 record has {"Name":"Partner"}',
    })
  })

  it('matches on source values, and gives null for an empty one', async () => {
    const m = compile({
      fields: { salesRep: { lookup: { object: 'employee', where: { email: { from: 'Owner.Email' } } } } },
    })
    expect((await payload(m, { Owner: { Email: 'lan@example.com' } })).salesRep).toEqual({ id: '42' })
    expect((await payload(m, { Owner: null })).salesRep).toBeNull()
    expect(m.sourceFields).toEqual(['Owner.Email'])
  })
})

describe('compileMapping: transforms and value maps', () => {
  it('applies steps in order', async () => {
    const m = compile({
      fields: {
        companyName: { from: 'Name', transform: ['trim', 'upper'] },
        phone: { from: 'Phone', transform: [{ phone: { country: 'VN' } }] },
        country: { from: 'BillingCountry', transform: [{ country: 'code' }] },
        first: { from: 'Contact', transform: [{ split: { part: 'first' } }] },
      },
    })
    expect(
      await payload(m, { Name: '  acme  ', Phone: '0912 345 678', BillingCountry: 'Việt Nam', Contact: 'Lan Anh' }),
    ).toEqual({
      externalId: '001A',
      companyName: 'ACME',
      phone: '+84912345678',
      country: 'VN',
      first: 'Lan',
    })
  })

  it('rounds money to the currency of the record', async () => {
    const m = compile({
      fields: { amount: { from: 'Amount', transform: [{ money: { currencyFrom: 'CurrencyIsoCode' } }] } },
    })
    expect((await payload(m, { Amount: 1234.5, CurrencyIsoCode: 'VND' })).amount).toBe(1235)
    expect((await payload(m, { Amount: '1,234.005', CurrencyIsoCode: 'USD' })).amount).toBe(1234.01)
    await expect(m.map('1', { Amount: 1, CurrencyIsoCode: 'XXQ' }, env)).rejects.toBeInstanceOf(MappingError)
  })

  it('writes dates in the target’s zone unless the step names one', async () => {
    const m = compile(
      {
        fields: {
          tranDate: { from: 'ClosedAt', transform: ['date'] },
          utcDate: { from: 'ClosedAt', transform: [{ date: { zone: 'UTC' } }] },
          closeDate: { from: 'CloseDate', transform: ['date'] },
        },
      },
      { defaultZone: 'Asia/Ho_Chi_Minh' },
    )
    expect(await payload(m, { ClosedAt: '2024-05-01T23:30:00.000+0000', CloseDate: '2024-05-01' })).toMatchObject({
      tranDate: '2024-05-02',
      utcDate: '2024-05-01',
      closeDate: '2024-05-01',
    })
  })

  it('truncates to the target field’s length and reports it', async () => {
    const schema: ObjectSchema = {
      name: 'customer',
      fields: {
        companyName: {
          name: 'companyName',
          type: 'string',
          length: 8,
          nillable: true,
          required: false,
          readOnly: false,
          externalId: false,
        },
      },
    }
    const m = compile({ fields: { companyName: { from: 'Name', transform: ['truncate'] } } }, { targetSchema: schema })
    const result = await m.map('1', { Name: 'Công ty TNHH Sao Mai' }, env)
    expect(result.payload.companyName).toBe('Công ty ')
    expect(result.warnings).toEqual([{ field: 'companyName', message: 'truncated to 8 characters (12 cut)' }])
  })

  it('refuses a bare truncate when the target gives no length', () => {
    const result = compileMapping(
      mappingSchema.parse({ ...base, fields: { n: { from: 'Name', transform: ['trim', 'truncate'] } } }),
    )
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.problems[0]?.path).toEqual(['fields', 'n', 'transform', 1])
  })

  it('maps values, failing clearly on an unmapped one unless otherwise says what to do', async () => {
    const terms = { Net30: '2', Net60: '3' }
    const strict = compile({ fields: { terms: { from: 'Terms__c', map: terms } } })
    expect((await payload(strict, { Terms__c: 'Net60' })).terms).toBe('3')
    expect((await payload(strict, { Terms__c: null })).terms).toBeNull()
    await expect(strict.map('1', { Terms__c: 'Net90' }, env)).rejects.toMatchObject({
      code: 'MAPPING_UNMAPPED_VALUE',
      message: "terms: 'Net90' is not in the value map ('Net30', 'Net60') and there is no otherwise",
    })
    const fallback = compile({ fields: { terms: { from: 'Terms__c', map: terms, otherwise: { value: '1' } } } })
    expect((await payload(fallback, { Terms__c: 'Net90' })).terms).toBe('1')
    const keep = compile({ fields: { terms: { from: 'Terms__c', map: terms, otherwise: 'keep' } } })
    expect((await payload(keep, { Terms__c: 'Net90' })).terms).toBe('Net90')
  })

  it('names the field and value when data does not fit a step', async () => {
    const m = compile({ fields: { qty: { from: 'Qty', transform: ['integer'] } } })
    await expect(m.map('1', { Qty: '2.5' }, env)).rejects.toMatchObject({ code: 'MAPPING_INVALID_VALUE', field: 'qty' })
  })
})

describe('compileMapping: references and lines', () => {
  it('resolves references through the cross-reference, written the target’s way', async () => {
    const m = compile({ fields: { entity: { from: 'AccountId', ref: 'customers' } } })
    expect((await payload(m, { AccountId: '001A' })).entity).toEqual({ id: '42' })
  })

  it('asks for the dependency when a reference is missing, or writes null when told to', async () => {
    const m = compile({ fields: { entity: { from: 'AccountId', ref: 'customers' } } })
    const err = await m.map('1', { AccountId: '001Z' }, env).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MissingReferenceError)
    expect(err).toMatchObject({
      kind: 'transient',
      dependency: { flow: 'customers', sourceId: '001Z' },
      policy: 'sync-first',
    })
    const optional = compile({ fields: { salesRep: { from: 'OwnerId', ref: { flow: 'customers', missing: 'null' } } } })
    expect((await payload(optional, { OwnerId: 'nobody' })).salesRep).toBeNull()
  })

  it('maps each line of a source list, with its own references and condition', async () => {
    const m = compile({
      fields: { entity: { from: 'AccountId', ref: 'customers' } },
      lines: {
        item: {
          from: 'OpportunityLineItems',
          when: 'Quantity > 0',
          fields: {
            item: { from: 'Product2Id', ref: 'products' },
            quantity: { from: 'Quantity', transform: ['number'] },
            rate: { from: 'UnitPrice', transform: [{ money: { currency: 'USD' } }] },
          },
        },
      },
    })
    const record = {
      AccountId: '001A',
      OpportunityLineItems: {
        totalSize: 3,
        done: true,
        records: [
          { Product2Id: '01tP1', Quantity: 2, UnitPrice: 10.005 },
          { Product2Id: '01tP2', Quantity: 0, UnitPrice: 5 },
          { Product2Id: '01tP2', Quantity: 3, UnitPrice: '7' },
        ],
      },
    }
    expect(await payload(m, record)).toEqual({
      externalId: '001A',
      entity: { id: '42' },
      item: [
        { item: { id: '900' }, quantity: 2, rate: 10.01 },
        { item: { id: '901' }, quantity: 3, rate: 7 },
      ],
    })
    expect(m.sourceLists).toEqual([{ path: 'OpportunityLineItems', fields: ['Product2Id', 'Quantity', 'UnitPrice'] }])
    const bad = { ...record, OpportunityLineItems: [{ Product2Id: '01tP1', Quantity: 'many', UnitPrice: 1 }] }
    await expect(m.map('1', bad, env)).rejects.toMatchObject({ code: 'MAPPING_EXPRESSION', field: 'lines.item.when' })
    expect(m.sourceFields).toEqual(['AccountId'])
  })

  it('names the line of a failure', async () => {
    const m = compile({
      fields: { entity: { value: null } },
      lines: { item: { from: 'Lines', fields: { quantity: { from: 'Q', transform: ['number'] } } } },
    })
    await expect(m.map('1', { Lines: [{ Q: 1 }, { Q: 'two' }] }, env)).rejects.toMatchObject({
      field: 'item[1].quantity',
    })
  })

  it('filters records with source.when', async () => {
    const m = compile({ source: { ...base.source, when: "StageName = 'Closed Won'" }, fields: { x: { from: 'Name' } } })
    expect(await m.accepts({ StageName: 'Closed Won' })).toBe(true)
    expect(await m.accepts({ StageName: 'Prospecting' })).toBe(false)
    expect(m.sourceFields).toContain('StageName')
  })
})

describe('mappingSchema', () => {
  it('requires exactly one source per field', () => {
    const r = mappingSchema.safeParse({ ...base, fields: { a: { from: 'A', value: 1 } } })
    expect(r.success).toBe(false)
    expect(r.error?.issues[0]?.message).toBe(
      'a field rule takes one of from, value, expr, concat, lookup, not from and value',
    )
    const none = mappingSchema.safeParse({ ...base, fields: { a: { default: 1 } } })
    expect(none.error?.issues[0]?.message).toBe('a field rule needs one of: from, value, expr, concat, lookup')
  })

  it('refuses modifiers that cannot apply', () => {
    const r = mappingSchema.safeParse({
      ...base,
      fields: { a: { value: 1, map: { x: 1 } }, b: { from: 'B', otherwise: 'keep' } },
    })
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['fields.a.map', 'map does not apply to a constant value'],
      ['fields.b.otherwise', 'otherwise only applies with map'],
    ])
  })

  it('refuses a rule for the match key, which is set automatically', () => {
    const r = mappingSchema.safeParse({ ...base, fields: { externalId: { from: 'Id' } } })
    expect(r.success).toBe(false)
    expect(r.error?.issues[0]?.path).toEqual(['fields', 'externalId'])
  })

  it('takes one target mode: upsert by externalId or update through another flow', () => {
    const both = mappingSchema.safeParse({
      ...base,
      target: { ...base.target, updateThrough: 'x' },
      fields: { a: { from: 'A' } },
    })
    expect(both.error?.issues[0]?.message).toBe('the target takes one of: externalId (upsert), updateThrough (update)')
    const update = mappingSchema.parse({
      ...base,
      target: { connection: 'crm', object: 'Account', updateThrough: 'customers' },
      fields: { Balance__c: { from: 'balance' } },
    })
    const compiled = compileMapping(update)
    expect(compiled.ok).toBe(true)
  })

  it('refuses unknown transform steps and bad step options', () => {
    expect(mappingSchema.safeParse({ ...base, fields: { a: { from: 'A', transform: ['titlecase'] } } }).success).toBe(
      false,
    )
    expect(
      mappingSchema.safeParse({ ...base, fields: { a: { from: 'A', transform: [{ date: { zone: 'Mars/Base' } }] } } })
        .success,
    ).toBe(false)
    expect(mappingSchema.safeParse({ ...base, fields: { a: { from: 'A', transform: [{ money: {} }] } } }).success).toBe(
      false,
    )
  })
})
