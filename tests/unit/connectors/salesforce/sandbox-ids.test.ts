import { describe, expect, it } from 'vitest'
import { checksumSuffix, createIdFactory, normalizeId } from '../../../../src/connectors/salesforce/sandbox/ids.ts'

// Ids from the reference examples, which carry valid checksums.
const known = ['0015g00000QwErTAAV', '0055g00000AbCdEAAV', '00D5g000004XyZaEAK', '001RM000003oLnnYAE']

describe('Salesforce ids in the sandbox', () => {
  it('computes the documented case-checksum suffix', () => {
    for (const id of known) expect(checksumSuffix(id.slice(0, 15))).toBe(id.slice(15))
  })

  it('turns a 15-character id into its 18-character form', () => {
    for (const id of known) expect(normalizeId(id.slice(0, 15))).toBe(id)
  })

  it('reads an 18-character id in any case, restoring the case from the suffix', () => {
    for (const id of known) {
      expect(normalizeId(id.toLowerCase())).toBe(id)
      expect(normalizeId(id.toUpperCase())).toBe(id)
    }
  })

  it('refuses what is not shaped like an id', () => {
    expect(normalizeId('not-an-id')).toBeNull()
    expect(normalizeId('0015g00000QwErTAA')).toBeNull()
    // A suffix bit saying "upper case" over a digit cannot come from a real id.
    expect(normalizeId('001000000000000ZZZ')).toBeNull()
    expect(normalizeId("x' OR Name != '")).toBeNull()
  })

  it('makes 18-character ids with the object’s key prefix and a valid checksum, never twice', () => {
    const next = createIdFactory()
    const ids = Array.from({ length: 100 }, () => next('001'))
    expect(new Set(ids).size).toBe(100)
    for (const id of ids) {
      expect(id).toMatch(/^001[a-zA-Z0-9]{15}$/)
      expect(normalizeId(id)).toBe(id)
    }
  })
})
