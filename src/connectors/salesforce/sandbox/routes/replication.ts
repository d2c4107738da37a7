import type { Context, Hono } from 'hono'
import { SfApiError } from '../api-error.ts'
import { formatDatetime, parseDatetime } from '../datetime.ts'
import { sfJson } from '../responses.ts'
import type { SandboxState } from '../state.ts'

const dayMs = 86_400_000
const minuteMs = 60_000
/** How far back each endpoint reaches ("Get Updated Records": 30 days; "Get Deleted Records": 15 days). */
const updatedReachDays = 30
const deletedReachDays = 15
const maxIds = 600_000

const badDate = (message: string) => new SfApiError(400, 'INVALID_REPLICATION_DATE', message)

/** `start` and `end` of the query, parsed; seconds are ignored, as the platform works in whole minutes. */
function window(c: Context, state: SandboxState, reachDays: number): { start: number; end: number; floor: number } {
  const rawStart = c.req.query('start')
  const rawEnd = c.req.query('end')
  if (!rawStart || !rawEnd) throw new SfApiError(400, 'MISSING_ARGUMENT', 'start and end are required')
  const start = parseDatetime(rawStart)
  const end = parseDatetime(rawEnd)
  if (Number.isNaN(start) || Number.isNaN(end)) throw badDate(`unable to parse the date: ${rawStart} / ${rawEnd}`)
  const toMinute = (ms: number) => Math.floor(ms / minuteMs) * minuteMs
  if (toMinute(start) >= toMinute(end))
    throw badDate('startDate must chronologically precede endDate by more than one minute')
  const floor = toMinute(Math.max(state.org.createdAt, state.now() - reachDays * dayMs))
  if (toMinute(start) < toMinute(state.now() - reachDays * dayMs)) {
    throw badDate(`startDate cannot be more than ${reachDays} days ago`)
  }
  // Never beyond the last whole minute: changes still committing in it are reported next time.
  return { start: toMinute(start), end: Math.min(toMinute(end), toMinute(state.now())), floor }
}

/**
 * `GET /sobjects/{Obj}/updated/?start=&end=` and `/deleted/` (REST API "Get Updated Records", "Get Deleted
 * Records"): ids changed or recycled in the window; the next call starts at `latestDateCovered`.
 */
export function replicationRoutes(app: Hono, state: SandboxState): void {
  const { org } = state

  app.get('/sobjects/:object/updated', (c) => {
    const o = org.object(c.req.param('object'))
    const { start, end } = window(c, state, updatedReachDays)
    const ids: string[] = []
    for (const r of org.records(o.name)) {
      if (!r.IsDeleted && r.SystemModstamp >= start && r.SystemModstamp < end) ids.push(r.Id)
    }
    if (ids.length > maxIds) throw new SfApiError(400, 'EXCEEDED_ID_LIMIT', 'too many ids: narrow the window')
    return sfJson(c, { ids, latestDateCovered: formatDatetime(end) })
  })

  app.get('/sobjects/:object/deleted', (c) => {
    const o = org.object(c.req.param('object'))
    const { start, end, floor } = window(c, state, deletedReachDays)
    const deletedRecords: { id: string; deletedDate: string }[] = []
    for (const r of org.records(o.name)) {
      // A record's last stamp is the moment it went to the recycle bin.
      if (r.IsDeleted && r.SystemModstamp >= start && r.SystemModstamp < end) {
        deletedRecords.push({ id: r.Id, deletedDate: formatDatetime(r.SystemModstamp) })
      }
    }
    return sfJson(c, {
      deletedRecords,
      earliestDateAvailable: formatDatetime(floor),
      latestDateCovered: formatDatetime(end),
    })
  })
}
