import { describe, expect, it } from 'vitest'
import { carriesLists, writeBody } from '../../../../src/connectors/netsuite/write-body.ts'

describe('writeBody', () => {
  const line = { item: { id: '9' }, quantity: 1 }

  it('wraps mapped lists as { items } and replaces the sublists the row carries', () => {
    const out = writeBody({ memo: 'm', item: [line], custbody_tags: [{ id: '2' }] }, new Set(['item']))
    expect(out.body).toEqual({ memo: 'm', item: { items: [line] }, custbody_tags: { items: [{ id: '2' }] } })
    // A multiselect is written whole anyway; only sublists take replace=.
    expect(out.replace).toEqual(['item'])
  })

  it('keeps an { items } sublist as given and still replaces it; without metadata every list is a sublist', () => {
    expect(writeBody({ item: { items: [line] } }, new Set(['item'])).replace).toEqual(['item'])
    expect(writeBody({ item: [line], tags: [{ id: '1' }] }, undefined).replace).toEqual(['item', 'tags'])
  })

  it('leaves plain rows alone and says whether a row carries lists', () => {
    expect(writeBody({ companyName: 'A', subsidiary: { id: '1' } }, new Set())).toEqual({
      body: { companyName: 'A', subsidiary: { id: '1' } },
      replace: [],
    })
    expect(carriesLists({ companyName: 'A', subsidiary: { id: '1' } })).toBe(false)
    expect(carriesLists({ item: [line] })).toBe(true)
    expect(carriesLists({ item: { items: [] } })).toBe(true)
  })
})
