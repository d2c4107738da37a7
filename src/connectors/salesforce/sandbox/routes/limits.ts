import type { Hono } from 'hono'
import { sfJson } from '../responses.ts'
import type { SandboxState } from '../state.ts'

/** Developer Edition figures for the allocations the sandbox does not meter (REST API "Limits"). */
const fixed = {
  ConcurrentAsyncGetReportInstances: 200,
  DailyAsyncApexExecutions: 250_000,
  DailyBulkApiBatches: 15_000,
  DailyBulkV2QueryFileStorageMB: 976_562,
  DailyDurableStreamingApiEvents: 10_000,
  DataStorageMB: 5,
  FileStorageMB: 20,
  HourlyPublishedPlatformEvents: 50_000,
  MonthlyPlatformEventsUsageEntitlement: 0,
}

/** `GET /limits`: the daily API allocation as metered, the others as an org of this size has them. */
export function limitsRoute(app: Hono, state: SandboxState): void {
  app.get('/limits', (c) =>
    sfJson(c, {
      ...Object.fromEntries(Object.entries(fixed).map(([k, max]) => [k, { Max: max, Remaining: max }])),
      DailyApiRequests: {
        Max: state.dailyApiRequests,
        Remaining: Math.max(0, state.dailyApiRequests - state.apiUsage),
      },
      DailyBulkV2QueryJobs: { Max: 10_000, Remaining: Math.max(0, 10_000 - state.bulkQueryJobs) },
    }),
  )
}
