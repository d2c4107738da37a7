import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import type { RunningSandbox, SandboxOptions } from '../../types.ts'
import { notFound, SfApiError } from './api-error.ts'
import type { Org } from './org.ts'
import { sfError } from './responses.ts'
import { adminRoutes, notificationRoutes } from './routes/admin.ts'
import { bulkIngestRoutes } from './routes/bulk-ingest.ts'
import { bulkQueryRoutes } from './routes/bulk-query.ts'
import { collectionRoutes } from './routes/collections.ts'
import { compositeRoutes } from './routes/composite.ts'
import { limitsRoute } from './routes/limits.ts'
import { oauthRoutes } from './routes/oauth.ts'
import { queryRoutes } from './routes/query.ts'
import { replicationRoutes } from './routes/replication.ts'
import { sobjectRoutes } from './routes/sobjects.ts'
import { resourceMapRoute, restGate, versionRoutes } from './routes/versions.ts'
import { seedDemoData } from './seed.ts'
import { type SalesforceSandboxSettings, type SandboxCredentials, SandboxState } from './state.ts'

/**
 * The sandbox's HTTP surface over one org's state, for embedding or for `app.request()`. It speaks only
 * HTTP, like the real service: nothing here is shared with Tandem's Salesforce client.
 */
export function createSalesforceSandboxApp(state: SandboxState = new SandboxState()): Hono {
  // Salesforce accepts a trailing slash on REST paths (`/services/data/v62.0/`, jsforce's identity URLs).
  const app = new Hono({ strict: false })
  oauthRoutes(app, state)
  versionRoutes(app)
  adminRoutes(app, state)
  notificationRoutes(app, state)

  const rest = new Hono({ strict: false })
  rest.use('*', restGate(state))
  resourceMapRoute(rest, state)
  // Before the record routes, which would read `updated` and `deleted` as record ids.
  replicationRoutes(rest, state)
  sobjectRoutes(rest, state)
  collectionRoutes(rest, state)
  compositeRoutes(rest, state, () => app)
  queryRoutes(rest, state)
  limitsRoute(rest, state)
  bulkIngestRoutes(rest, state)
  bulkQueryRoutes(rest, state)
  app.route('/services/data/:version', rest)

  app.notFound((c) => sfError(c, notFound()))
  app.onError((err, c) => {
    if (err instanceof SfApiError) return sfError(c, err)
    return sfError(
      c,
      new SfApiError(
        500,
        'UNKNOWN_EXCEPTION',
        'An unexpected error occurred. Please include this ErrorId if you contact support.',
      ),
    )
  })
  return app
}

/** A running sandbox, with handles for tests and demos beyond what any connector's sandbox offers. */
export interface SalesforceSandbox extends RunningSandbox {
  /** The sandbox's credentials, and its org id (what an Outbound Message listener checks). */
  readonly credentials: SandboxCredentials & { organizationId: string }
  readonly state: SandboxState
  /** The org's records and schema, for fixtures and assertions without going through HTTP. */
  readonly org: Org
  /** Ends every session: each client's next call gets 401 INVALID_SESSION_ID and must log in again. */
  expireSessions(): void
  /** REST calls counted against the daily allocation so far (what `Sforce-Limit-Info` reports). */
  apiUsage(): number
}

export type SalesforceSandboxOptions = SandboxOptions & SalesforceSandboxSettings

/**
 * Starts a Salesforce sandbox on its own port (`port: 0`, the default, picks a free one) with its own
 * in-memory org, so several can run in one process.
 *
 * @example
 * const sf = await startSalesforceSandbox({ seed: true })
 * const conn = new jsforce.Connection({ oauth2: { loginUrl: sf.url, clientId: sf.credentials.clientId, clientSecret: sf.credentials.clientSecret } })
 * await conn.login(sf.credentials.username, sf.credentials.password)
 */
export async function startSalesforceSandbox(opts: SalesforceSandboxOptions = {}): Promise<SalesforceSandbox> {
  const state = new SandboxState({
    ...opts,
    notifications: { ...(opts.notifyUrl ? { url: opts.notifyUrl } : {}), ...opts.notifications },
  })
  if (opts.seed) seedDemoData(state.org)
  const app = createSalesforceSandboxApp(state)
  const host = opts.host ?? '127.0.0.1'
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      // Salesforce takes request URIs up to 16,384 bytes (414 beyond); Node's default header limit is lower.
      { fetch: app.fetch, port: opts.port ?? 0, hostname: host, serverOptions: { maxHeaderSize: 64 * 1024 } },
      () => resolve(s),
    )
    s.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  const urlHost = host.includes(':') ? `[${host}]` : host
  let closing: Promise<void> | undefined
  const url = `http://${urlHost}:${port}`
  // Only changes made from now on are news: the seeded demo data was there before anyone listened.
  state.notifier.attach(url)
  return {
    system: 'salesforce',
    url,
    credentials: { ...state.credentials, organizationId: state.org.orgId },
    state,
    org: state.org,
    expireSessions: () => state.sessions.expireAll(),
    apiUsage: () => state.apiUsage,
    close() {
      state.bulkJobs.close()
      state.notifier.close()
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Idle keep-alive connections from clients would hold close() open; end them.
        if ('closeAllConnections' in server) server.closeAllConnections()
      })
      return closing
    },
  }
}
