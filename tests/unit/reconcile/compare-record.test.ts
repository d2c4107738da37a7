import { describe, expect, it } from 'vitest'
import { compareRecord } from '../../../src/reconcile/compare-record.ts'

describe('compareRecord', () => {
  it('compares with the mapping’s normalisation: numbers, references, blanks', () => {
    const expected = { companyName: 'Sao Mai', balance: 12.5, entity: { id: '42' }, memo: null, externalId: '001A' }
    const actual = {
      companyName: 'Sao Mai',
      balance: '12.50',
      entity: { id: '42', refName: 'Sao Mai' },
      memo: '',
      externalId: 'x',
    }
    expect(compareRecord(expected, actual, new Set(['externalId']))).toEqual([])
  })

  it('names each differing field with both values', () => {
    expect(compareRecord({ phone: '+84912345678', url: 'a' }, { phone: '+84912345679' }, new Set())).toEqual([
      { field: 'phone', expected: '+84912345678', actual: '+84912345679' },
      { field: 'url', expected: 'a', actual: null },
    ])
  })

  it('compares lines row by row, whatever shape the target returns them in', () => {
    const expected = {
      item: [
        { item: { id: '7' }, quantity: 2 },
        { item: { id: '8' }, quantity: 1 },
      ],
    }
    const actual = {
      item: {
        items: [
          { item: { id: '7', refName: 'A' }, quantity: 2 },
          { item: { id: '8' }, quantity: 5 },
        ],
      },
    }
    expect(compareRecord(expected, actual, new Set())).toEqual([{ field: 'item[1].quantity', expected: 1, actual: 5 }])
    expect(compareRecord(expected, { item: { items: [] } }, new Set())).toEqual([
      { field: 'item.length', expected: 2, actual: 0 },
    ])
  })

  it('leaves a line field the mapping writes blank to the target, which fills it from the item', () => {
    const expected = { memo: null, item: [{ item: { id: '7' }, quantity: 2, description: null }] }
    const sourced = { memo: null, item: { items: [{ item: { id: '7' }, quantity: 2, description: 'Cà phê 1 kg' }] } }
    expect(compareRecord(expected, sourced, new Set())).toEqual([])
    // A body field is not sourced: a value where the mapping writes none is drift.
    expect(compareRecord(expected, { ...sourced, memo: 'typed in the ERP' }, new Set())).toEqual([
      { field: 'memo', expected: null, actual: 'typed in the ERP' },
    ])
  })
})
