/**
 * Wall-clock arithmetic in the account's time zone. NetSuite stores instants but SuiteQL shows and parses
 * them as the account's local time (reference §5), so the simulator converts both ways with the platform's
 * time-zone database (Intl). A "wall" value is the local date-time encoded as if it were UTC milliseconds.
 */

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** Throws a RangeError for a name the time-zone database does not know. */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone)
}

/** The local wall time of an instant, to the second. */
export function toWall(instantMs: number, timeZone: string): number {
  const parts: Record<string, number> = {}
  for (const p of formatter(timeZone).formatToParts(new Date(instantMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value)
  }
  return Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  )
}

/**
 * The instant a local wall time names. When the clocks go back a wall time names two instants and this
 * returns the earlier, so a `>=` bound built from it never excludes a row; a wall time skipped when the
 * clocks go forward is read with the offset in force before the change.
 */
export function fromWall(wallMs: number, timeZone: string): number {
  const day = 86_400_000
  const offsets = new Set([wallMs - day, wallMs, wallMs + day].map((t) => toWall(t, timeZone) - t))
  const matches = [...offsets]
    .map((o) => wallMs - o)
    .filter((t) => toWall(t, timeZone) === Math.floor(wallMs / 1000) * 1000)
  if (matches.length > 0) return Math.min(...matches)
  return wallMs - (toWall(wallMs - day, timeZone) - (wallMs - day))
}

/** Calendar fields of a wall value. */
export function wallFields(wallMs: number) {
  const d = new Date(wallMs)
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  }
}
