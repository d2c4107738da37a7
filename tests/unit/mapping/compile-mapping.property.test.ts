import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { FieldSchema, ObjectSchema } from '../../../src/connectors/types.ts'
import { type CompileOptions, compileMapping, type MapEnv } from '../../../src/mapping/compile-mapping.ts'
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

/** What a mapping did with a record: its payload and warnings, or the failure it raised. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await run() }
  } catch (err) {
    const e = err as { name?: string; code?: string; message?: string; field?: string }
    return { failed: { name: e.name, code: e.code, message: e.message, field: e.field } }
  }
}

describe('a compiled mapping, direct and through JSONata alone', () => {
  it('gives the same payload, warnings and failures either way', async () => {
    const config = mappingSchema.parse({
      flow: 'orders',
      source: { connection: 'crm', object: 'Opportunity', when: "StageName = 'Closed Won' or Amount > 100" },
      target: { connection: 'erp', object: 'salesOrder', externalId: 'externalId' },
      fields: {
        customer: { from: 'AccountId', ref: 'customers' },
        memo: { expr: "'CRM ' & Name", transform: [{ truncate: 12 }] },
        half: { expr: 'Amount / 2', transform: [{ round: 2 }] },
        label: { expr: "Amount > 1000 ? 'big' : $string(Amount)", map: { big: 'B' }, otherwise: 'keep' },
        title: { expr: "$string(Name) & ' / ' & $string(Account.Name)" },
        salesRep: { lookup: { object: 'employee', where: { name: { from: 'Account.Name' } }, missing: 'null' } },
        total: { from: 'Amount', transform: [{ money: { currencyFrom: 'CurrencyIsoCode' } }] },
      },
      lines: {
        item: {
          from: 'OpportunityLineItems',
          when: 'Quantity != 0',
          fields: {
            item: { from: 'Product2Id', ref: { flow: 'products', missing: 'wait' } },
            rate: {
              expr: "UnitPrice * (1 - ($type(Quantity) = 'number' ? Quantity : 0) / 100)",
              transform: [{ round: 2 }],
            },
          },
        },
      },
    })
    const compile = (opts: CompileOptions) => {
      const compiled = compileMapping(config, { defaultZone: 'Asia/Ho_Chi_Minh', ...opts })
      if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems))
      return compiled.mapping
    }
    const direct = compile({})
    const general = compile({ directExpressions: false })
    // Some references resolve and some do not; a lookup finds some names and not others.
    const mapEnv: MapEnv = {
      resolveRef: async (flow, id) => (id.charCodeAt(id.length - 1) % 4 === 0 ? undefined : `${flow}:${id}`),
      referenceValue: (id) => ({ id }),
      warn: () => {},
      lookup: async (_object, where) => (String(where.name).length % 2 === 0 ? '7' : undefined),
    }
    const records = await recordArbitrary(
      schemas.get('Opportunity')!,
      direct.sourceFields,
      direct.sourceLists,
      describeObject,
    )
    await fc.assert(
      fc.asyncProperty(records, async (record) => {
        expect(await outcome(() => direct.accepts(record))).toStrictEqual(await outcome(() => general.accepts(record)))
        expect(await outcome(() => direct.map('006X', record, mapEnv))).toStrictEqual(
          await outcome(() => general.map('006X', record, mapEnv)),
        )
      }),
      { numRuns: 500 },
    )
  })
})

describe('a plain copy (`from` alone), compiled to its own function', () => {
  it('gives what the general rule gives, for any value', async () => {
    // A value map that never matches, with otherwise: keep, takes the general rule and changes nothing
    // (for any value that has a text form: the map reads it as text).
    const config = mappingSchema.parse({
      flow: 'copies',
      source: { connection: 'crm', object: 'Account' },
      target: { connection: 'erp', object: 'customer', externalId: 'externalId' },
      fields: {
        plain: { from: 'A' },
        general: { from: 'A', map: { '\u0000never': 'x' }, otherwise: 'keep' },
        plainNested: { from: 'B.C' },
        generalNested: { from: 'B.C', map: { '\u0000never': 'x' }, otherwise: 'keep' },
      },
    })
    const compiled = compileMapping(config)
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems))
    const value = fc.oneof(
      fc.jsonValue().filter((v) => {
        try {
          return typeof String(v) === 'string'
        } catch {
          return false
        }
      }),
      fc.constantFrom(undefined, '', ' ', '\t', 0, -0, false, Number.NaN),
      fc.string({ maxLength: 4 }),
    )
    await fc.assert(
      fc.asyncProperty(value, fc.oneof(fc.record({ C: value }, { requiredKeys: [] }), value), async (a, b) => {
        const { payload } = await compiled.mapping.map('1', { A: a, B: b }, env)
        expect(payload.plain).toStrictEqual(payload.general)
        expect(payload.plainNested).toStrictEqual(payload.generalNested)
      }),
      { numRuns: 1_000 },
    )
  })
})
