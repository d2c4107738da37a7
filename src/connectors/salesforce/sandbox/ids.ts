import { randomInt } from 'node:crypto'

/**
 * Salesforce record ids: a 3-character key prefix naming the object, 12 more characters, and (in the
 * 18-character form) a 3-character suffix that encodes which of the first 15 are upper-case, so the id
 * survives case-insensitive tools. The suffix algorithm is the documented one: per 5-character block,
 * bit i is set when character i is A–Z; the 5-bit value indexes "A…Z0…5".
 */
const suffixAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'
const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** The 3-character case-checksum of a 15-character id. */
export function checksumSuffix(id15: string): string {
  let out = ''
  for (let block = 0; block < 3; block++) {
    let bits = 0
    for (let i = 0; i < 5; i++) {
      const ch = id15[block * 5 + i] ?? ''
      if (ch >= 'A' && ch <= 'Z') bits |= 1 << i
    }
    out += suffixAlphabet[bits]
  }
  return out
}

/**
 * The canonical 18-character form of a 15- or 18-character id, or null when it is not shaped like one.
 * An 18-character id is case-insensitive: its suffix restores the case of the first 15 characters, which
 * is why the API accepts it in any case.
 */
export function normalizeId(id: string): string | null {
  if (/^[a-zA-Z0-9]{15}$/.test(id)) return id + checksumSuffix(id)
  if (!/^[a-zA-Z0-9]{18}$/.test(id)) return null
  const suffix = id.slice(15).toUpperCase()
  let head = ''
  for (let block = 0; block < 3; block++) {
    const bits = suffixAlphabet.indexOf(suffix[block] ?? '')
    if (bits < 0) return null
    for (let i = 0; i < 5; i++) {
      const ch = id[block * 5 + i] ?? ''
      const upper = (bits & (1 << i)) !== 0
      if (upper && !/[a-zA-Z]/.test(ch)) return null
      head += upper ? ch.toUpperCase() : ch.toLowerCase()
    }
  }
  return head + suffix
}

/**
 * Makes ids for one org: key prefix + a 2-character instance ("pod") + a zero-padded base-62 counter +
 * the checksum. The pod is random per org, so two sandboxes in one process never hand out the same id.
 */
export function createIdFactory(pod = `${randomInt(1, 10)}${base62[randomInt(36, 62)]}`) {
  let counter = 0
  return (keyPrefix: string): string => {
    counter++
    let n = counter
    let body = ''
    while (n > 0) {
      body = base62[n % 62] + body
      n = Math.floor(n / 62)
    }
    const id15 = `${keyPrefix}${pod}${body.padStart(10, '0')}`
    return id15 + checksumSuffix(id15)
  }
}
