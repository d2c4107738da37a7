/**
 * Account-local timestamps, the form SuiteQL's TO_CHAR gives (`2025-01-15 01:12:40`, no zone). Polling
 * keeps its cursor in this form because NetSuite compares `lastmodifieddate` with TO_TIMESTAMP in the
 * account's time zone; ISO instants are derived only for reporting.
 */

const pattern = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/

/** The local timestamp as milliseconds of a clock that has no time zone, or null when malformed. */
export function parseLocalTimestamp(text: string): number | null {
  const m = pattern.exec(text)
  if (!m) return null
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number]
  const ms = Date.UTC(y, mo - 1, d, h, mi, s)
  return new Date(ms).getUTCDate() === d ? ms : null
}

export function formatLocalTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
}

/** Moves a local timestamp by wall-clock time; across a DST change that re-reads more, never less. */
export function shiftLocalTimestamp(text: string, deltaMs: number): string {
  const ms = parseLocalTimestamp(text)
  if (ms === null) throw new RangeError(`not a local timestamp: ${text}`)
  return formatLocalTimestamp(ms + deltaMs)
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>()

/** The zone's UTC offset at an instant, in ms (local = UTC + offset). */
function offsetAt(instant: number, timeZone: string): number {
  let f = offsetFormatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    offsetFormatters.set(timeZone, f)
  }
  const name = f.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT'
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name)
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3_600_000 + Number(m[3]) * 60_000) : 0
}

/**
 * The ISO 8601 instant of a local timestamp. A wall time the clocks pass twice (the hour repeated when
 * DST ends) resolves to the earlier instant.
 */
export function localTimestampToIso(text: string, timeZone: string): string {
  const wall = parseLocalTimestamp(text)
  if (wall === null) throw new RangeError(`not a local timestamp: ${text}`)
  const candidates = [offsetAt(wall - 86_400_000, timeZone), offsetAt(wall + 86_400_000, timeZone)]
    .map((offset) => wall - offset)
    .filter((instant) => instant + offsetAt(instant, timeZone) === wall)
  const instant = candidates.length > 0 ? Math.min(...candidates) : wall - offsetAt(wall - 86_400_000, timeZone)
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** The account-local timestamp of an ISO 8601 instant, to the second, as SuiteQL's TO_TIMESTAMP reads it. */
export function isoToLocalTimestamp(iso: string, timeZone: string): string {
  const instant = Date.parse(iso)
  if (Number.isNaN(instant)) throw new RangeError(`not an ISO 8601 instant: ${iso}`)
  const seconds = Math.floor(instant / 1000) * 1000
  return formatLocalTimestamp(seconds + offsetAt(seconds, timeZone))
}
