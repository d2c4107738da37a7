/**
 * SOQL date literals ("Date Formats and Date Literals"): named ranges relative to now. The sandbox org's
 * time zone is UTC and its weeks start on Sunday (the en_US locale), so the ranges are UTC days.
 */
export const dateLiterals = new Set([
  'YESTERDAY',
  'TODAY',
  'TOMORROW',
  'LAST_WEEK',
  'THIS_WEEK',
  'NEXT_WEEK',
  'LAST_MONTH',
  'THIS_MONTH',
  'NEXT_MONTH',
  'LAST_90_DAYS',
  'NEXT_90_DAYS',
  'THIS_YEAR',
  'LAST_YEAR',
  'NEXT_YEAR',
])

/** Literals written `NAME:n`. */
export const dateLiteralsWithN = new Set([
  'LAST_N_DAYS',
  'NEXT_N_DAYS',
  'N_DAYS_AGO',
  'LAST_N_WEEKS',
  'NEXT_N_WEEKS',
  'LAST_N_MONTHS',
  'NEXT_N_MONTHS',
  'LAST_N_YEARS',
  'NEXT_N_YEARS',
])

const dayMs = 86_400_000

/** The instants `[from, to)` a date literal covers at `now`. LAST_N_DAYS:n includes today. */
export function dateLiteralRange(name: string, n: number | null, now: number): { from: number; to: number } {
  const today = Math.floor(now / dayMs) * dayMs
  const k = n ?? 0
  const d = new Date(today)
  const days = (from: number, to: number) => ({ from: today + from * dayMs, to: today + to * dayMs })
  const month = (offset: number) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1)
  const year = (offset: number) => Date.UTC(d.getUTCFullYear() + offset, 0, 1)
  const weekStart = today - d.getUTCDay() * dayMs
  const weeks = (from: number, to: number) => ({ from: weekStart + from * 7 * dayMs, to: weekStart + to * 7 * dayMs })
  switch (name) {
    case 'TODAY':
      return days(0, 1)
    case 'YESTERDAY':
      return days(-1, 0)
    case 'TOMORROW':
      return days(1, 2)
    case 'LAST_N_DAYS':
      return days(-(k - 1), 1)
    case 'NEXT_N_DAYS':
      return days(1, k + 1)
    case 'N_DAYS_AGO':
      return days(-k, -k + 1)
    case 'LAST_90_DAYS':
      return days(-89, 1)
    case 'NEXT_90_DAYS':
      return days(1, 91)
    case 'THIS_WEEK':
      return weeks(0, 1)
    case 'LAST_WEEK':
      return weeks(-1, 0)
    case 'NEXT_WEEK':
      return weeks(1, 2)
    case 'LAST_N_WEEKS':
      return weeks(-k, 0)
    case 'NEXT_N_WEEKS':
      return weeks(1, k + 1)
    case 'THIS_MONTH':
      return { from: month(0), to: month(1) }
    case 'LAST_MONTH':
      return { from: month(-1), to: month(0) }
    case 'NEXT_MONTH':
      return { from: month(1), to: month(2) }
    case 'LAST_N_MONTHS':
      return { from: month(-k), to: month(0) }
    case 'NEXT_N_MONTHS':
      return { from: month(1), to: month(k + 1) }
    case 'THIS_YEAR':
      return { from: year(0), to: year(1) }
    case 'LAST_YEAR':
      return { from: year(-1), to: year(0) }
    case 'NEXT_YEAR':
      return { from: year(1), to: year(2) }
    case 'LAST_N_YEARS':
      return { from: year(-k), to: year(0) }
    case 'NEXT_N_YEARS':
      return { from: year(1), to: year(k + 1) }
    default:
      throw new Error(`unknown date literal ${name}`)
  }
}
