import type { Context, Hono, Next } from 'hono'
import { notFound, SfApiError } from '../api-error.ts'
import { callContext, clientOf, newContext } from '../call-context.ts'
import { jsonType, sfError, sfJson } from '../responses.ts'
import type { SandboxState } from '../state.ts'

/** API versions listed by `GET /services/data`; 21.0–30.0 are retired (410) as on the real service. */
export const oldestVersion = 31
export const newestVersion = 67

/** Release name of a version: three releases a year, v62.0 being Winter '25. */
function releaseLabel(major: number): string {
  const k = major - 62
  const season = ['Winter', 'Spring', 'Summer'][((k % 3) + 3) % 3]
  const year = 25 + Math.floor(k / 3)
  return `${season} '${String(year).padStart(2, '0')}`
}

export function versionList(): { label: string; url: string; version: string }[] {
  const out = []
  for (let v = oldestVersion; v <= newestVersion; v++) {
    out.push({ label: releaseLabel(v), url: `/services/data/v${v}.0`, version: `${v}.0` })
  }
  return out
}

/** `GET /services/data`: public, and the one REST response without a Sforce-Limit-Info header. */
export function versionRoutes(app: Hono): void {
  app.get('/services/data', (c) => c.body(JSON.stringify(versionList()), 200, { 'Content-Type': jsonType }))
}

/**
 * Every call under `/services/data/vNN.N`: the version must be well formed and not retired, the bearer
 * token must be live, and the call counts against the daily allocation reported in `Sforce-Limit-Info`
 * (REST API Developer Guide, "Limit Info Header"). Any version from 31.0 up is served, so a client pinned
 * to a release newer than this sandbox still works. Injected faults (latency, errors, the concurrency
 * ceiling) apply here, and the call runs in a context that names its client for change notifications.
 */
export function restGate(state: SandboxState) {
  return async (c: Context, next: Next) => {
    const raw = c.req.param('version') ?? ''
    const match = /^v(\d{2,3})\.(\d)$/.exec(raw)
    if (!match) return sfError(c, notFound())
    if (Number(match[1]) < oldestVersion) {
      return sfError(c, new SfApiError(410, 'GONE', 'The requested resource is no longer available.'))
    }
    const token = (c.req.header('authorization') ?? '').replace(/^(Bearer|OAuth)\s+/i, '')
    if (!state.sessions.check(token)) {
      return sfError(c, new SfApiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid'))
    }
    // A composite subrequest was counted, fault-checked and logged as part of its composite request.
    if (callContext.getStore()?.internal) return next()
    const limitInfo = () => `api-usage=${state.apiUsage}/${state.dailyApiRequests}`
    const method = c.req.method
    const path = new URL(c.req.url).pathname
    const answer = (err: SfApiError) => {
      const res = sfError(c, err)
      res.headers.set('Sforce-Limit-Info', limitInfo())
      state.logRequest({ method, path, status: err.status, callOptions: c.req.header('sforce-call-options') ?? null })
      return res
    }
    if (state.apiUsage >= state.dailyApiRequests) {
      return answer(new SfApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'))
    }
    state.apiUsage++
    const { faults } = state
    faults.inFlight++
    try {
      if (faults.settings.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.settings.latencyMs))
      if (faults.settings.maxConcurrent !== null && faults.inFlight > faults.settings.maxConcurrent) {
        return answer(new SfApiError(403, 'REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.'))
      }
      const fault = faults.pick(method, path)
      if (fault) return answer(fault)
      const ctx = newContext('rest', `${match[1]}.${match[2]}`, clientOf(c.req.header('sforce-call-options')))
      await callContext.run(ctx, next)
    } finally {
      faults.inFlight--
    }
    c.res.headers.set('Sforce-Limit-Info', limitInfo())
    state.logRequest({ method, path, status: c.res.status, callOptions: c.req.header('sforce-call-options') ?? null })
  }
}

/** `GET /services/data/vNN.N`: the resource map, listing what this sandbox serves (jsforce reads `identity`). */
export function resourceMapRoute(app: Hono, state: SandboxState): void {
  app.get('/', (c) => {
    const base = `/services/data/${c.req.param('version')}`
    return sfJson(c, {
      sobjects: `${base}/sobjects`,
      query: `${base}/query`,
      queryAll: `${base}/queryAll`,
      limits: `${base}/limits`,
      composite: `${base}/composite`,
      identity: `${new URL(c.req.url).origin}/id/${state.org.orgId}/${state.org.userId}`,
    })
  })
}
