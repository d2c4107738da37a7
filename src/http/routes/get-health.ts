import type { Hono } from 'hono'
import type { Runtime } from '../../engine/runtime.ts'

const checkTimeoutMs = 2_000

async function check(fn: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), checkTimeoutMs).unref()),
    ])
    return { ok: true }
  } catch (err) {
    return { ok: false, error: (err as Error).message }
  }
}

/** `/healthz`: the process answers. `/readyz`: it can do its job (store and queue reachable). */
export function getHealth(app: Hono, rt: Runtime): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }))
  app.get('/readyz', async (c) => {
    const [store, queue] = await Promise.all([check(() => rt.store.ping()), check(() => rt.queue.counts())])
    const ready = store.ok && queue.ok
    return c.json({ status: ready ? 'ready' : 'not ready', checks: { store, queue } }, ready ? 200 : 503)
  })
}
