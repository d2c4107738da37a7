/**
 * Dates and instants across time zones. The rule that keeps books right: a calendar date (`2024-05-01`) is
 * never shifted by any zone; an instant (`2024-05-01T23:30:00Z`) becomes the date it is in the zone the
 * target keeps its books in (Asia/Ho_Chi_Minh: 2024-05-02; America/Los_Angeles: 2024-05-01).
 */

/** A wall-clock time with no zone, as SuiteQL and many CSV exports print them. */
const localDateTime = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/
/** An instant with Z or an offset; Salesforce writes the offset without a colon (`+0000`). */
const zonedDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/

const formatters = new Map<string, Intl.DateTimeFormat>()

function partsIn(zone: string, ms: number): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(zone, f)
  }
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 }
  for (const p of f.formatToParts(ms)) if (p.type in out) out[p.type as keyof typeof out] = Number(p.value)
  return out
}

/** The zone's offset from UTC at an instant, in ms (Ho Chi Minh: +7 h). */
function offsetAt(zone: string, ms: number): number {
  const p = partsIn(zone, ms)
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return asUtc - Math.floor(ms / 1000) * 1000
}

/** The instant a wall-clock time in `zone` denotes; in a DST gap or overlap, the earlier reading. */
export function zonedToInstant(wall: number, zone: string): number {
  // Two passes settle the offset around DST changes (the offset at the guess may differ from the answer's).
  let guess = wall - offsetAt(zone, wall)
  guess = wall - offsetAt(zone, guess)
  return guess
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

export type Parsed = { kind: 'date'; date: string } | { kind: 'instant'; ms: number } | { kind: 'local'; wall: number }

/** Reads a date, an instant or a zone-less wall-clock time; undefined when the value is none of these. */
export function parseTemporal(value: unknown): Parsed | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : { kind: 'instant', ms: value.getTime() }
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  const date = readDate(text)
  if (date !== undefined) return date ? { kind: 'date', date: text } : undefined
  if (zonedDateTime.test(text)) {
    const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
    return Number.isNaN(ms) ? undefined : { kind: 'instant', ms }
  }
  const l = localDateTime.exec(text)
  if (l) {
    const [y, mo, da, h, mi, s = '0', frac = '0'] = l.slice(1).map((x) => x ?? '0')
    if (!validDate(Number(y), Number(mo), Number(da))) return undefined
    const wall = Date.UTC(
      Number(y),
      Number(mo) - 1,
      Number(da),
      Number(h),
      Number(mi),
      Number(s),
      Number(frac.padEnd(3, '0')),
    )
    return { kind: 'local', wall }
  }
  return undefined
}

const zero = 48

function digitAt(text: string, i: number): number {
  const c = text.charCodeAt(i) - zero
  return c >= 0 && c <= 9 ? c : Number.NaN
}

/**
 * For `YYYY-MM-DD` text, whether it names a real day; undefined for any other shape. Read by character,
 * as the dates of every record pass here.
 */
export function readDate(text: string): boolean | undefined {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined
  const y = digitAt(text, 0) * 1000 + digitAt(text, 1) * 100 + digitAt(text, 2) * 10 + digitAt(text, 3)
  const m = digitAt(text, 5) * 10 + digitAt(text, 6)
  const d = digitAt(text, 8) * 10 + digitAt(text, 9)
  if (Number.isNaN(y + m + d)) return undefined
  return validDate(y, m, d)
}

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * Whether year, month and day name a day of the calendar JavaScript's Date keeps (proleptic Gregorian).
 * Years 0–99 are refused, as Date.UTC reads them as 1900–1999.
 */
export function validDate(y: number, m: number, d: number): boolean {
  if (y < 100 || m < 1 || m > 12 || d < 1) return false
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
  return d <= (m === 2 && leap ? 29 : (monthDays[m - 1] as number))
}

/** `YYYY-MM-DD` in `zone`: dates stay as they are, instants take the zone's calendar date. */
export function toDate(value: unknown, zone: string): string | undefined {
  // A calendar date, the usual value, is its own answer.
  if (typeof value === 'string') {
    const text = value.trim()
    const date = readDate(text)
    if (date !== undefined) return date ? text : undefined
  }
  const t = parseTemporal(value)
  if (!t) return undefined
  if (t.kind === 'date') return t.date
  if (t.kind === 'local') return new Date(t.wall).toISOString().slice(0, 10)
  const p = partsIn(zone, t.ms)
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`
}

/** An ISO 8601 instant in UTC: dates are midnight in `zone`, zone-less times are read in `zone`. */
export function toDatetime(value: unknown, zone: string): string | undefined {
  const t = parseTemporal(value)
  if (!t) return undefined
  if (t.kind === 'instant') return new Date(t.ms).toISOString()
  const wall = t.kind === 'local' ? t.wall : Date.parse(`${t.date}T00:00:00Z`)
  return new Date(zonedToInstant(wall, zone)).toISOString()
}
