import { describe, expect, it } from 'vitest'
import { isCurrencyCode, minorUnits, parseNumber, roundHalfAway } from '../../../../src/mapping/transforms/number.ts'

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
