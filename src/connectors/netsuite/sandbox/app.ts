import { Hono } from 'hono'
import { nsJson, type SandboxEnv } from './hono-env.ts'
import { apiAuth, governanceGate, languageCheck, requestOrigin } from './middleware.ts'
import { errorBody, SandboxApiError } from './ns-error.ts'
import { adminRoutes } from './routes/admin-routes.ts'
import { metadataRoutes } from './routes/metadata-routes.ts'
import { oauth2Routes } from './routes/oauth2-routes.ts'
import { queryRoutes } from './routes/query-routes.ts'
import { recordRoutes } from './routes/record-routes.ts'
import { systemRoutes } from './routes/system-routes.ts'
import type { SandboxState } from './sandbox-state.ts'

/**
 * The simulator as a Hono app, for `@hono/node-server` or in-process `app.request()`. Every request is
 * authenticated first (TBA or an OAuth 2.0 bearer token), even to paths the simulator does not serve (a
 * RESTlet URL from the signature vectors, say), then admitted under the concurrency ceiling; the token
 * endpoint and the simulator's `/__sandbox` admin API authenticate on their own.
 */
export function createNetSuiteSandboxApp(state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>()
  app.use('*', requestOrigin(state), apiAuth(state), governanceGate(state), languageCheck())

  // Clients use an authenticated OPTIONS as a cheap credentials check (reference §1).
  app.options('/services/rest/*', (c) => c.body(null, 204, { allow: 'GET, POST, PATCH, PUT, DELETE, OPTIONS' }))
  // Before the record service: `metadata-catalog` would otherwise read as a record type.
  app.route('/services/rest/record/v1/metadata-catalog', metadataRoutes(state))
  app.route('/services/rest/record/v1', recordRoutes(state))
  app.route('/services/rest/query/v1', queryRoutes(state))
  app.route('/services/rest/system/v1', systemRoutes(state))
  app.route('/services/rest/auth/oauth2/v1', oauth2Routes(state))
  app.route('/__sandbox', adminRoutes(state))

  app.notFound((c) =>
    nsJson(
      c,
      errorBody(404, [
        {
          detail: `The requested resource ${new URL(c.req.url).pathname} was not found.`,
          'o:errorCode': 'NONEXISTENT_ID',
        },
      ]),
      404,
      'error',
    ),
  )
  app.onError((err, c) => {
    if (err instanceof SandboxApiError) return nsJson(c, err.body, err.status as 400, 'error', err.headers)
    const id = Math.random().toString(36).slice(2, 12)
    console.error(`netsuite sandbox: unexpected error ${id}`, err)
    return nsJson(
      c,
      errorBody(500, [{ detail: `An unexpected error occurred. Error ID: ${id}`, 'o:errorCode': 'UNEXPECTED_ERROR' }]),
      500,
      'error',
    )
  })
  return app
}
