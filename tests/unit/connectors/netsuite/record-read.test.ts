import { describe, expect, it } from 'vitest'
import { encodeKey, planRead, stripLinks } from '../../../../src/connectors/netsuite/record-read.ts'

describe('planRead', () => {
  const sublists = new Set(['item', 'price', 'addressBook'])

  it('asks for the top body fields plus lastModifiedDate when no sublist is wanted', () => {
    expect(planRead(['companyName', 'subsidiary.refName', 'subsidiary.id'], undefined, sublists)).toEqual({
      fields: ['lastModifiedDate', 'companyName', 'subsidiary'],
      sublists: [],
    })
  })

  it('moves sublists named as fields or asked as lists out of `fields`, to be read expanded', () => {
    const plan = planRead(['itemId', "price.items[priceLevel.id = '1'].price"], [{ path: 'addressBook' }], sublists)
    expect(plan).toEqual({ fields: ['lastModifiedDate', 'itemId'], sublists: ['addressBook', 'price'] })
  })

  it('reads every field, with the lists expanded, when no fields are named', () => {
    expect(planRead(undefined, [{ path: 'item' }], sublists)).toEqual({ fields: undefined, sublists: ['item'] })
  })
})

describe('stripLinks and encodeKey', () => {
  it('drops HATEOAS links and collapsed sublists, keeping references and expanded lines', () => {
    const record = {
      links: [{ rel: 'self', href: 'x' }],
      id: '7',
      entity: { links: [], id: '3', refName: 'Acme' },
      addressBook: { links: [{ rel: 'self', href: 'y' }] },
      item: { links: [], items: [{ links: [], line: 1, item: { links: [], id: '9' } }], totalResults: 1 },
    }
    expect(stripLinks(record)).toEqual({
      id: '7',
      entity: { id: '3', refName: 'Acme' },
      item: { items: [{ line: 1, item: { id: '9' } }], totalResults: 1 },
    })
  })

  it('percent-encodes an external id inside eid: and leaves the prefix', () => {
    expect(encodeKey("eid:A B'1")).toBe('eid:A%20B%271')
    expect(encodeKey('42')).toBe('42')
  })
})
