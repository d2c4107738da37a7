import type { Hono } from 'hono'
import type { Runtime } from '../../engine/runtime.ts'

/** `GET /metrics`: Prometheus text format; gauges that live in the store or queue are read at scrape time. */
export function getMetrics(app: Hono, rt: Runtime): void {
  app.get('/metrics', async (c) => {
    const { metrics } = rt
    const [queue, letters] = await Promise.all([rt.queue.counts(), rt.store.deadLetters.openCounts()])
    for (const [state, n] of Object.entries(queue)) metrics.queueDepth.set({ state }, n)
    for (const flow of rt.flows.keys()) metrics.deadLetters.set({ flow }, letters.get(flow) ?? 0)
    return c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType })
  })
}
