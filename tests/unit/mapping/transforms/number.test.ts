import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  isCurrencyCode,
  minorUnits,
  parseNumber,
  roundByText,
  roundHalfAway,
} from '../../../../src/mapping/transforms/number.ts'

/** The double `ulps` representable values away from `n`. */
function stepDoubles(n: number, ulps: number): number {
  const bits = new BigInt64Array(new Float64Array([n]).buffer)
  bits[0] = (bits[0] as bigint) + BigInt(ulps)
  return new Float64Array(bits.buffer)[0] as number
}

describe('money and numbers', () => {
  it('knows each currency’s minor unit', () => {
    expect(minorUnits('USD')).toBe(2)
    expect(minorUnits('VND')).toBe(0)
    expect(minorUnits('JPY')).toBe(0)
    expect(minorUnits('KWD')).toBe(3)
  })

  it('rounds half away from zero on the decimal digits, not the float', () => {
    expect(roundHalfAway(1.005, 2)).toBe(1.01)
    expect(roundHalfAway(2.675, 2)).toBe(2.68)
    expect(roundHalfAway(-1.005, 2)).toBe(-1.01)
    expect(roundHalfAway(1_234_567.5, 0)).toBe(1_234_568)
    expect(roundHalfAway(-0.4, 0)).toBe(0)
    expect(roundHalfAway(1e-7, 2)).toBe(0)
    expect(roundHalfAway(25_000_000.49, 0)).toBe(25_000_000)
  })

  it('rounds in binary only where that gives what rounding the text gives', () => {
    const places = fc.integer({ min: 0, max: 10 })
    // Ties and near-ties in decimal (`12.345` at 2 places), where binary rounding alone would go wrong.
    const tie = fc
      .tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.nat({ max: 10 ** 6 }), fc.integer({ min: 0, max: 6 }))
      .chain(([whole, digits, p]) =>
        fc.tuple(fc.constant(Number(`${whole}.${String(digits).padStart(p, '0').slice(0, p)}5`)), fc.constant(p)),
      )
    const any = fc.tuple(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()), places)
    // A few doubles either side of a tie, where the text's own conversion decides.
    const nearTie = tie.chain(([n, p]) =>
      fc.integer({ min: -4, max: 4 }).map((ulps) => [stepDoubles(n, ulps), p] as [number, number]),
    )
    // Discounted prices: products that land on or a hair off a half cent.
    const discounted = fc.tuple(
      fc
        .tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.constantFrom(0.95, 0.9, 0.85, 1.1, 0.333, 0.5, 0.05))
        .map(([cents, factor]) => (cents / 100) * factor),
      fc.integer({ min: 0, max: 4 }),
    )
    const money = fc.tuple(
      fc.integer({ min: -1e12, max: 1e12 }).map((cents) => cents / 100),
      places,
    )
    fc.assert(
      fc.property(fc.oneof(tie, nearTie, any, money, discounted), ([n, p]) => {
        expect(roundHalfAway(n, p)).toBe(roundByText(n, p))
      }),
      { numRuns: 20_000 },
    )
  })

  it('parses numeric text, with thousands separators only where unambiguous', () => {
    expect(parseNumber('1234.5')).toBe(1234.5)
    expect(parseNumber(' 1,234,567.25 ')).toBe(1_234_567.25)
    expect(parseNumber('-.5')).toBe(-0.5)
    expect(parseNumber('1.234,56')).toBeUndefined()
    expect(parseNumber('12abc')).toBeUndefined()
    expect(parseNumber(Number.NaN)).toBeUndefined()
    expect(parseNumber(null)).toBeUndefined()
  })

  it('recognises ISO 4217 codes', () => {
    expect(isCurrencyCode('VND')).toBe(true)
    expect(isCurrencyCode('XYZ')).toBe(false)
    expect(isCurrencyCode('usd')).toBe(false)
  })
})
