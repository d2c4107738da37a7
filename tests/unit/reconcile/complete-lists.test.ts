import { describe, expect, it } from 'vitest'
import type { ObjectApi, SourceRecord } from '../../../src/connectors/types.ts'
import { completeLists } from '../../../src/reconcile/complete-lists.ts'

const lines = [{ path: 'OpportunityLineItems', fields: ['Quantity'] }]

/** An object whose getMany answers from a table and remembers what it was asked for. */
function objectWith(records: SourceRecord[]) {
  const asked: { ids: readonly string[]; lists: unknown }[] = []
  const object = {
    async getMany(ids: readonly string[], _fields?: readonly string[], opts?: { lists?: unknown }) {
      asked.push({ ids, lists: opts?.lists })
      return new Map(records.filter((r) => ids.includes(r.id)).map((r) => [r.id, r]))
    },
  } as unknown as ObjectApi
  return { object, asked }
}

const rec = (id: string, data: Record<string, unknown>): SourceRecord => ({ id, modifiedAt: null, data })

describe('completeLists', () => {
  it('reads again, in one call, only the records listed without their lines, and keeps the page order', async () => {
    const full = rec('B', { Name: 'b', OpportunityLineItems: [{ Quantity: 2 }] })
    const { object, asked } = objectWith([full])
    const page = [rec('A', { Name: 'a', opportunitylineitems: null }), rec('B', { Name: 'b' })]
    const out = await completeLists(object, page, ['Name'], lines)
    expect(out).toEqual([page[0], full])
    expect(asked).toEqual([{ ids: ['B'], lists: lines }])
  })

  it('drops a record deleted between the listing and the second read', async () => {
    const { object } = objectWith([])
    expect(await completeLists(object, [rec('C', { Name: 'c' })], ['Name'], lines)).toEqual([])
  })

  it('asks nothing when the mapping reads no lists or every record has them', async () => {
    const { object, asked } = objectWith([])
    const page = [rec('A', { OpportunityLineItems: [] })]
    expect(await completeLists(object, page, [], [])).toBe(page)
    expect(await completeLists(object, page, [], lines)).toBe(page)
    expect(asked).toEqual([])
  })
})
