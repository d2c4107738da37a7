import { Hono } from 'hono'
import type { Runtime } from '../engine/runtime.ts'
import type { Logger } from '../lib/logger.ts'
import { createAdminApi } from './api/api-app.ts'
import { apiDocs } from './api/api-docs.ts'
import { dashboardRoutes } from './dashboard/dashboard-routes.ts'
import { errorResponse } from './error-envelope.ts'
import { requestContext } from './request-context.ts'
import { getHealth } from './routes/get-health.ts'
import { getMetrics } from './routes/get-metrics.ts'
import { postIngestBatch } from './routes/post-ingest-batch.ts'
import { postWebhook } from './routes/post-webhook.ts'

/** The HTTP surface: webhooks (their own secrets), health, metrics, and the admin API (bearer tokens). */
export function createApp(rt: Runtime, logger: Logger): Hono {
  const app = new Hono()
  app.use(...requestContext(logger))
  getHealth(app, rt)
  postWebhook(app, rt, logger)
  postIngestBatch(app, rt, logger)
  getMetrics(app, rt)
  const api = createAdminApi(rt, logger)
  app.route('/api/v1', api)
  app.get('/api/openapi.json', (c) =>
    c.json(
      api.getOpenAPI31Document({
        openapi: '3.1.0',
        info: { title: 'Tandem admin API', version: '1', description: 'Flows, dead letters, reconciliation, tokens' },
        servers: [{ url: '/api/v1' }],
      }),
    ),
  )
  apiDocs(app)
  dashboardRoutes(app, rt, logger)
  app.notFound((c) => errorResponse(c, 404, 'NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`))
  app.onError((err, c) => {
    logger.error({ err, path: c.req.path }, 'unhandled error')
    return errorResponse(c, 500, 'INTERNAL', 'internal error')
  })
  return app
}
