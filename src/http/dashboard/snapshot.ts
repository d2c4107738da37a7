import { pausedBy } from '../../engine/flow-pauses.ts'
import type { Runtime } from '../../engine/runtime.ts'

/** The sparkline covers the last 30 minutes, one point a minute. */
const buckets = 30
const bucketMs = 60_000

/** Amount-like fields a payload may carry, to show a failed record's value in its currency. */
const amountFields = ['total', 'amount', 'Amount', 'Amount__c', 'UnitPrice', 'balance', 'ERP_Balance__c']
const currencyFields = ['currency', 'CurrencyIsoCode', 'currencyIsoCode']

function amountOf(payload: Record<string, unknown> | null): { amount: number; currency: string | null } | null {
  if (!payload) return null
  const field = amountFields.find((f) => typeof payload[f] === 'number')
  if (!field) return null
  const cur = currencyFields.map((f) => payload[f]).find((v) => typeof v === 'string' && /^[A-Z]{3}$/.test(v))
  return { amount: payload[field] as number, currency: (cur as string | undefined) ?? null }
}

/**
 * Everything the dashboard's main view shows, in one read: flows with counts and a throughput sparkline,
 * queue depth, connections, recent failures with their reason, open dead letters, the latest reconciliation
 * of each flow. Sent at once and then every few seconds over SSE.
 */
export async function dashboardSnapshot(rt: Runtime) {
  const since = Math.floor((Date.now() - buckets * bucketMs) / bucketMs) * bucketMs
  const [synced, pending, deadCounts, queue, circuits, paused, throughput, failures, letters, runs] = await Promise.all(
    [
      rt.store.xrefs.countByFlow(),
      rt.store.inbox.pendingCounts(),
      rt.store.deadLetters.openCounts(),
      rt.queue.counts(),
      rt.store.circuits.all(),
      rt.store.flowSettings.paused(),
      rt.store.runs.throughput(since, bucketMs),
      rt.store.runs.recentFailures(8),
      rt.store.deadLetters.list({ state: 'open' }, { limit: 500 }),
      rt.store.recon.runs(undefined, 50),
    ],
  )
  const open = new Set(circuits.filter((c) => c.state === 'open').map((c) => c.connection))
  const flows = [...rt.flows.values()].map((f) => {
    const series = Array.from({ length: buckets + 1 }, () => 0)
    for (const t of throughput) if (t.flow === f.name && t.bucket <= buckets) series[t.bucket] = t.n
    return {
      name: f.name,
      from: `${f.config.source.connection}:${f.config.source.object}`,
      to: `${f.config.target.connection}:${f.config.target.object}`,
      pausedBy: pausedBy(f, paused, open),
      synced: synced.get(f.name) ?? 0,
      pending: pending.get(f.name) ?? 0,
      deadLetters: deadCounts.get(f.name) ?? 0,
      throughput: series,
    }
  })
  const latestRecon = new Map<string, (typeof runs)[number]>()
  for (const r of runs) if (!latestRecon.has(r.flow)) latestRecon.set(r.flow, r)
  return {
    at: new Date().toISOString(),
    flows,
    queue,
    connections: [...rt.connections].map(([name, conn]) => {
      const c = circuits.find((x) => x.connection === name)
      return {
        name,
        circuit: c?.state ?? 'closed',
        lastError: c?.last_error ?? null,
        usage: conn.usage?.() ?? null,
        maxConcurrent: conn.limits.maxConcurrent,
      }
    }),
    failures: failures.map((r) => ({
      flow: r.flow,
      sourceId: r.source_id,
      status: r.status,
      code: r.error_code,
      message: r.error_message,
      at: new Date(r.started_at).toISOString(),
    })),
    deadLetters: letters.slice(0, 12).map((d) => ({
      id: d.id,
      flow: d.flow,
      sourceId: d.source_id,
      code: d.error_code,
      message: d.error_message,
      failures: d.failures,
      lastFailedAt: new Date(d.last_failed_at).toISOString(),
      value: amountOf(d.payload ? (JSON.parse(d.payload) as Record<string, unknown>) : null),
    })),
    deadLetterTotal: letters.length,
    reconciliations: [...latestRecon.values()].map((r) => ({
      id: r.id,
      flow: r.flow,
      state: r.state,
      counts: (JSON.parse(r.summary) as { counts?: Record<string, number> }).counts ?? {},
      at: new Date(r.finished_at ?? r.started_at).toISOString(),
    })),
  }
}

export type DashboardSnapshot = Awaited<ReturnType<typeof dashboardSnapshot>>
