import { timingSafeEqual } from 'node:crypto'
import { Hono } from 'hono'
import { z } from 'zod'
import { faultSettingsSchema } from '../faults.ts'
import type { SandboxEnv } from '../hono-env.ts'
import type { SandboxState } from '../sandbox-state.ts'

/**
 * The simulator's own control API under `/__sandbox` (not NetSuite's): faults and the User Event
 * notifications, changed while it runs. `Authorization: Bearer <adminToken>` from the credentials.
 *
 * - `GET /__sandbox/faults`, `PUT /__sandbox/faults` `{"latencyMs","concurrencyLimit","errorRate","errors",
 *   "failNext":[{"error","count","method","path"}]}`; `PUT {}` restores the start settings.
 * - `GET /__sandbox/notifications` (settings and delivery counters), `PUT` `{"url","recordTypes","attempts",
 *   "retryDelayMs"}`.
 */

const notificationSettingsSchema = z.strictObject({
  url: z.url().nullable().optional(),
  recordTypes: z.array(z.string().min(1)).nullable().optional(),
  attempts: z.int().min(1).max(10).optional(),
  retryDelayMs: z.int().min(0).max(60_000).optional(),
})

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export function adminRoutes(state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>()
  app.use('*', async (c, next) => {
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
    if (!token || !sameToken(token, state.credentials.adminToken)) return c.json({ error: 'unauthorized' }, 401)
    await next()
  })
  const body = async (c: { req: { text(): Promise<string> } }) => {
    try {
      const text = await c.req.text()
      return { ok: true as const, value: text.trim() === '' ? {} : (JSON.parse(text) as unknown) }
    } catch {
      return { ok: false as const }
    }
  }

  const describeFaults = () => ({
    latencyMs: state.governance.latencyMs,
    concurrencyLimit: state.governance.limit,
    ...state.faults.describe(),
  })
  app.get('/faults', (c) => c.json(describeFaults()))
  app.put('/faults', async (c) => {
    const raw = await body(c)
    const parsed = raw.ok ? faultSettingsSchema.safeParse(raw.value) : undefined
    if (!parsed?.success) {
      return c.json(
        {
          error: 'invalid settings',
          issues: parsed?.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? ['not JSON'],
        },
        400,
      )
    }
    const s = parsed.data
    state.faults.clear()
    state.faults.setErrorRate(s.errorRate, s.errors)
    for (const f of s.failNext) {
      state.faults.failNext(f.count, f.error, {
        ...(f.method ? { method: f.method } : {}),
        ...(f.path ? { pathIncludes: f.path } : {}),
      })
    }
    state.governance.latencyMs = s.latencyMs ?? state.initial.latencyMs
    state.governance.limit = s.concurrencyLimit ?? state.initial.concurrencyLimit
    return c.json(describeFaults())
  })

  const describeNotifications = () => {
    const { url, recordTypes, attempts, retryDelayMs } = state.notifier.settings
    const { delivered, failed, skipped } = state.notifier.stats()
    return { url: url ?? null, recordTypes: recordTypes ?? null, attempts, retryDelayMs, delivered, failed, skipped }
  }
  app.get('/notifications', (c) => c.json(describeNotifications()))
  app.put('/notifications', async (c) => {
    const raw = await body(c)
    const parsed = raw.ok ? notificationSettingsSchema.safeParse(raw.value) : undefined
    if (!parsed?.success) {
      return c.json(
        {
          error: 'invalid settings',
          issues: parsed?.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? ['not JSON'],
        },
        400,
      )
    }
    const s = parsed.data
    const settings = state.notifier.settings
    if (s.url !== undefined) {
      if (s.url === null) delete settings.url
      else settings.url = s.url
    }
    if (s.recordTypes !== undefined) {
      if (s.recordTypes === null) delete settings.recordTypes
      else settings.recordTypes = s.recordTypes
    }
    if (s.attempts !== undefined) settings.attempts = s.attempts
    if (s.retryDelayMs !== undefined) settings.retryDelayMs = s.retryDelayMs
    return c.json(describeNotifications())
  })
  return app
}
