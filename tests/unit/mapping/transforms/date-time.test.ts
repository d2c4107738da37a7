import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseTemporal, readDate, toDate, toDatetime, validDate } from '../../../../src/mapping/transforms/date-time.ts'

/** What JavaScript's Date says: the day exists when Date.UTC gives it back unchanged. */
function dateAgrees(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d
}

const HCM = 'Asia/Ho_Chi_Minh'
const LA = 'America/Los_Angeles'

describe('toDate', () => {
  it('gives an instant the calendar date it has in the target zone', () => {
    // 23:30 UTC is already the next morning in Ho Chi Minh City and still the same afternoon in Los Angeles.
    expect(toDate('2024-05-01T23:30:00Z', HCM)).toBe('2024-05-02')
    expect(toDate('2024-05-01T23:30:00Z', LA)).toBe('2024-05-01')
    expect(toDate('2024-05-01T06:30:00Z', LA)).toBe('2024-04-30')
    expect(toDate('2024-05-01T16:59:59Z', HCM)).toBe('2024-05-01')
    expect(toDate('2024-05-01T17:00:00Z', HCM)).toBe('2024-05-02')
  })

  it('never moves a calendar date, whatever the zone', () => {
    for (const zone of [HCM, LA, 'UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      expect(toDate('2024-05-01', zone)).toBe('2024-05-01')
      expect(toDate('2024-12-31', zone)).toBe('2024-12-31')
    }
  })

  it('reads Salesforce datetimes with a colon-less offset', () => {
    expect(toDate('2024-05-01T23:30:00.000+0000', HCM)).toBe('2024-05-02')
    expect(toDate('2024-05-02T01:00:00.000+0700', LA)).toBe('2024-05-01')
  })

  it('takes the date of a zone-less wall-clock time as written', () => {
    expect(toDate('2024-05-01 23:30:00', HCM)).toBe('2024-05-01')
  })

  it('refuses what is not a date', () => {
    expect(toDate('2024-02-30', HCM)).toBeUndefined()
    expect(toDate('01/05/2024', HCM)).toBeUndefined()
    expect(toDate(20240501, HCM)).toBeUndefined()
  })
})

describe('toDatetime', () => {
  it('makes a date midnight in the zone', () => {
    expect(toDatetime('2024-05-01', HCM)).toBe('2024-04-30T17:00:00.000Z')
    expect(toDatetime('2024-05-01', LA)).toBe('2024-05-01T07:00:00.000Z')
  })

  it('reads a zone-less time in the zone, across daylight saving', () => {
    expect(toDatetime('2024-01-15 09:00', LA)).toBe('2024-01-15T17:00:00.000Z')
    expect(toDatetime('2024-07-15T09:00:00', LA)).toBe('2024-07-15T16:00:00.000Z')
    // 01:30 on the day clocks go back happens twice; the earlier (daylight) reading is taken.
    expect(toDatetime('2024-11-03 01:30', LA)).toBe('2024-11-03T08:30:00.000Z')
  })

  it('keeps an instant as the same instant, in UTC', () => {
    expect(toDatetime('2024-05-02T06:30:00+07:00', LA)).toBe('2024-05-01T23:30:00.000Z')
  })

  it('classifies what it reads', () => {
    expect(parseTemporal('2024-05-01')).toEqual({ kind: 'date', date: '2024-05-01' })
    expect(parseTemporal('2024-05-01T00:00:00Z')).toEqual({ kind: 'instant', ms: Date.UTC(2024, 4, 1) })
    expect(parseTemporal(new Date(Number.NaN))).toBeUndefined()
  })
})

describe('calendar dates read by character', () => {
  it('knows the days Date knows, leap years and two-digit years included', () => {
    const years = fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 99, 100, 1900, 2000, 2024, 2100, 2400))
    fc.assert(
      fc.property(years, fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (y, m, d) => {
        expect(validDate(y, m, d)).toBe(dateAgrees(y, m, d))
      }),
      { numRuns: 20_000 },
    )
  })

  it('reads exactly the YYYY-MM-DD text the pattern does', () => {
    const pattern = /^(\d{4})-(\d{2})-(\d{2})$/
    const text = fc.oneof(
      fc.stringMatching(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/),
      fc.string({ minLength: 10, maxLength: 10, unit: fc.constantFrom('0', '1', '2', '9', '-', ' ', 'a', '٣') }),
      fc.string({ maxLength: 12 }),
    )
    fc.assert(
      fc.property(text, (t) => {
        const m = pattern.exec(t)
        expect(readDate(t)).toBe(m ? dateAgrees(Number(m[1]), Number(m[2]), Number(m[3])) : undefined)
      }),
      { numRuns: 20_000 },
    )
    expect(readDate('2024-02-29')).toBe(true)
    expect(readDate('2023-02-29')).toBe(false)
    expect(toDate(' 2023-02-29 ', 'UTC')).toBeUndefined()
    expect(toDate(' 2024-02-29 ', 'UTC')).toBe('2024-02-29')
  })
})
