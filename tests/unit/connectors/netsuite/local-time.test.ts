import { describe, expect, it } from 'vitest'
import {
  localTimestampToIso,
  parseLocalTimestamp,
  shiftLocalTimestamp,
} from '../../../../src/connectors/netsuite/local-time.ts'

describe('account-local timestamps', () => {
  it('converts to the UTC instant in the account time zone, summer and winter', () => {
    expect(localTimestampToIso('2025-01-15 01:12:40', 'America/Los_Angeles')).toBe('2025-01-15T09:12:40Z')
    expect(localTimestampToIso('2025-07-01 05:00:00', 'America/Los_Angeles')).toBe('2025-07-01T12:00:00Z')
    expect(localTimestampToIso('2025-07-01 05:00:00', 'Asia/Ho_Chi_Minh')).toBe('2025-06-30T22:00:00Z')
  })

  it('takes the earlier instant of an hour repeated when DST ends', () => {
    expect(localTimestampToIso('2025-11-02 01:30:00', 'America/Los_Angeles')).toBe('2025-11-02T08:30:00Z')
  })

  it('moves by wall-clock time across days and refuses malformed text', () => {
    expect(shiftLocalTimestamp('2025-03-01 00:00:30', -60_000)).toBe('2025-02-28 23:59:30')
    expect(parseLocalTimestamp('2025-02-30 00:00:00')).toBeNull()
    expect(parseLocalTimestamp('2025-01-15T01:12:40Z')).toBeNull()
    expect(() => shiftLocalTimestamp('soon', 1)).toThrow(RangeError)
  })
})
