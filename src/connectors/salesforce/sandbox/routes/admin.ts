import type { Context, Hono } from 'hono'
import { SfApiError } from '../api-error.ts'
import { faultSettingsSchema } from '../faults.ts'
import { notificationSettingsSchema } from '../notify/notifier.ts'
import { readJson, sfJson } from '../responses.ts'
import type { SandboxState } from '../state.ts'

/** The bearer token must be a live session of the org, as for any API call: the admin is a logged-in user. */
export function requireSession(c: Context, state: SandboxState): void {
  const token = (c.req.header('authorization') ?? '').replace(/^(Bearer|OAuth)\s+/i, '')
  if (!state.sessions.check(token)) throw new SfApiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid')
}

/** Parses an admin body with a zod schema; a bad one answers 400 naming the first problem. */
export async function readAdminBody<T>(c: Context, parse: (json: unknown) => T): Promise<T> {
  const json = await readJson(c)
  try {
    return parse(json)
  } catch (err) {
    const issue = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues?.[0]
    const where = issue?.path.map(String).join('.') || 'body'
    throw new SfApiError(400, 'INVALID_INPUT', `${where}: ${issue?.message ?? 'invalid'}`)
  }
}

/**
 * `GET|PUT /__sandbox/faults`: the sandbox's own endpoint (not part of Salesforce's API) to read and
 * replace the injected faults while it runs: latency, error rate and codes, concurrency ceiling, and
 * one-off failures of the next matching calls.
 */
export function adminRoutes(app: Hono, state: SandboxState): void {
  app.get('/__sandbox/faults', (c) => {
    requireSession(c, state)
    return sfJson(c, state.faults.settings)
  })
  app.put('/__sandbox/faults', async (c) => {
    requireSession(c, state)
    const settings = await readAdminBody(c, (json) => faultSettingsSchema.parse(json))
    return sfJson(c, state.faults.configure(settings))
  })
}

/**
 * `GET|PUT /__sandbox/notifications` reads delivery counters and replaces the notification settings
 * (endpoint, which objects send change events, Outbound Message actions, retry schedule);
 * `POST /__sandbox/notifications/retry` retries everything pending now.
 */
export function notificationRoutes(app: Hono, state: SandboxState): void {
  app.get('/__sandbox/notifications', (c) => {
    requireSession(c, state)
    return sfJson(c, { settings: state.notifier.settings, ...state.notifier.stats() })
  })
  app.put('/__sandbox/notifications', async (c) => {
    requireSession(c, state)
    const settings = await readAdminBody(c, (json) => notificationSettingsSchema.parse(json))
    return sfJson(c, { settings: state.notifier.configure(settings) })
  })
  app.post('/__sandbox/notifications/retry', (c) => {
    requireSession(c, state)
    state.notifier.flush()
    return c.body(null, 204)
  })
}
