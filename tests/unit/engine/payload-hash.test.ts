import { describe, expect, it } from 'vitest'
import { hashPayload } from '../../../src/engine/payload-hash.ts'

describe('hashPayload', () => {
  it('ignores key order and undefined values', () => {
    expect(hashPayload({ a: 1, b: { c: 2, d: 3 } })).toBe(hashPayload({ b: { d: 3, c: 2 }, a: 1, e: undefined }))
  })

  it('tells apart values that differ, including null from absent and array order', () => {
    expect(hashPayload({ a: null })).not.toBe(hashPayload({}))
    expect(hashPayload({ a: [1, 2] })).not.toBe(hashPayload({ a: [2, 1] }))
    expect(hashPayload({ a: '1' })).not.toBe(hashPayload({ a: 1 }))
  })
})
