import { describe, expect, it } from 'vitest'
import { compileMapping, type MapEnv } from '../../../src/mapping/compile-mapping.ts'
import { MappingError, MissingReferenceError } from '../../../src/mapping/mapping-error.ts'
import { mappingSchema } from '../../../src/mapping/mapping-schema.ts'

function compile(fields: Record<string, unknown>, lines?: Record<string, unknown>) {
  const result = compileMapping(
    mappingSchema.parse({
      flow: 'orders',
      source: { connection: 'crm', object: 'Opportunity' },
      target: { connection: 'erp', object: 'salesOrder', externalId: 'externalId' },
      fields,
      ...(lines ? { lines } : {}),
    }),
  )
  if (!result.ok) throw new Error(JSON.stringify(result.problems))
  return result.mapping
}

/** An engine whose cross-reference answers only when the test says, in the order the test chooses. */
function heldEnv() {
  const asked: { flow: string; id: string; answer: (targetId: string | undefined) => void }[] = []
  const env: MapEnv = {
    resolveRef: (flow, id) => new Promise((answer) => asked.push({ flow, id, answer })),
    referenceValue: (id) => ({ id }),
    warn: () => {},
    lookup: async () => undefined,
  }
  return { env, asked }
}

const orderFields = {
  entity: { from: 'AccountId', ref: 'customers' },
  memo: { expr: "'CRM ' & Name" },
}
const orderLines = {
  item: { from: 'Lines', fields: { item: { from: 'Product2Id', ref: 'products' }, quantity: { from: 'Quantity' } } },
}
const order = {
  AccountId: '001A',
  Name: 'Deal',
  Lines: [
    { Product2Id: '01tA', Quantity: 1 },
    { Product2Id: '01tB', Quantity: 2 },
  ],
}

describe('mapping one record', () => {
  it('maps a record whose rules do no I/O without waiting on anything', async () => {
    const m = compile({ name: { from: 'Name', transform: ['trim'] }, memo: { expr: "'CRM ' & Name" } })
    let done = false
    const mapped = m.map('1', { Name: ' Deal ' }, heldEnv().env).then((r) => {
      done = true
      return r
    })
    // One turn of the microtask queue: enough only for a promise that was settled when it was returned.
    await Promise.resolve()
    expect(done).toBe(true)
    expect((await mapped).payload).toEqual({ externalId: '1', name: 'Deal', memo: 'CRM  Deal ' })
  })

  it('asks for every reference of a record before waiting for any, and keeps the fields in order', async () => {
    const { env, asked } = heldEnv()
    const m = compile(orderFields, orderLines)
    const mapped = m.map('006A', order, env)
    expect(asked.map((a) => `${a.flow}:${a.id}`)).toEqual(['customers:001A', 'products:01tA', 'products:01tB'])
    // Answered out of order; each value still lands in its own field.
    for (const a of [...asked].reverse()) a.answer(`T-${a.id}`)
    const { payload } = await mapped
    expect(payload).toEqual({
      externalId: '006A',
      entity: { id: 'T-001A' },
      memo: 'CRM Deal',
      item: [
        { item: { id: 'T-01tA' }, quantity: 1 },
        { item: { id: 'T-01tB' }, quantity: 2 },
      ],
    })
    expect(Object.keys(payload)).toEqual(['externalId', 'entity', 'memo', 'item'])
    expect(Object.keys((payload.item as object[])[0]!)).toEqual(['item', 'quantity'])
  })

  it('fails with the earliest field’s missing reference, whichever is answered first', async () => {
    const { env, asked } = heldEnv()
    const mapped = compile(orderFields, orderLines).map('006A', order, env)
    asked[2]?.answer(undefined)
    asked[1]?.answer(undefined)
    asked[0]?.answer('42')
    const err = await mapped.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MissingReferenceError)
    expect(err).toMatchObject({ dependency: { flow: 'products', sourceId: '01tA' } })
  })

  it('fails with an earlier field’s missing reference before a later field’s bad value', async () => {
    const { env, asked } = heldEnv()
    const m = compile({ entity: { from: 'AccountId', ref: 'customers' }, qty: { from: 'Qty', transform: ['integer'] } })
    const mapped = m.map('006A', { AccountId: '001Z', Qty: 'many' }, env)
    asked[0]?.answer(undefined)
    await expect(mapped).rejects.toBeInstanceOf(MissingReferenceError)

    const resolved = heldEnv()
    const again = m.map('006A', { AccountId: '001A', Qty: 'many' }, resolved.env)
    resolved.asked[0]?.answer('42')
    const err = await again.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MappingError)
    expect(err).toMatchObject({ field: 'qty' })
  })

  it('names each line’s field by its row', async () => {
    const m = compile(
      { x: { value: 1 } },
      { item: { from: 'Lines', fields: { q: { from: 'Q', transform: ['number'] } } } },
    )
    const env = heldEnv().env
    await expect(m.map('1', { Lines: [{ Q: 1 }, { Q: 2 }, { Q: 'x' }] }, env)).rejects.toMatchObject({
      field: 'item[2].q',
    })
    await expect(m.map('1', { Lines: [{ Q: 'x' }] }, env)).rejects.toMatchObject({ field: 'item[0].q' })
    const long = Array.from({ length: 1_002 }, (_, i) => ({ Q: i === 1_001 ? 'x' : i }))
    await expect(m.map('1', { Lines: long }, env)).rejects.toMatchObject({ field: 'item[1001].q' })
  })
})
