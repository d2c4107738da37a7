import { OpenAPIHono } from '@hono/zod-openapi'
import type { Runtime } from '../../engine/runtime.ts'
import type { Logger } from '../../lib/logger.ts'
import type { AuthEnv } from '../auth.ts'
import { errorResponse } from '../error-envelope.ts'
import { connectionRoutes } from './connection-routes.ts'
import { deadLetterRoutes } from './dead-letter-routes.ts'
import { flowsRoutes } from './flows-routes.ts'
import { linkReviewRoutes } from './link-review-routes.ts'
import { mappingRoutes } from './mapping-routes.ts'
import { reconciliationRoutes } from './reconciliation-routes.ts'
import { recordRoutes } from './record-routes.ts'
import { tokenRoutes } from './token-routes.ts'

/**
 * The admin API under /api/v1, described by OpenAPI from the same zod schemas that validate its requests.
 * Roles: viewer reads, operator acts (replay, reconcile, link decisions), admin manages tokens and reads
 * the audit log.
 */
export function createAdminApi(rt: Runtime, logger: Logger): OpenAPIHono<AuthEnv> {
  const api = new OpenAPIHono<AuthEnv>({
    // Invalid requests answer in the same error envelope as everything else, naming the field.
    defaultHook: (result, c) => {
      if (result.success) return
      const issue = result.error.issues[0]
      const where = issue?.path.join('.') || 'request'
      return errorResponse(c, 400, 'INVALID_REQUEST', `${where}: ${issue?.message ?? 'invalid'}`)
    },
  })
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description:
      'A token from `tandem tokens create --role viewer|operator|admin`. Each operation lists the role it needs ' +
      '(viewer < operator < admin; a higher role may do what a lower one may).',
  })
  flowsRoutes(api, rt)
  linkReviewRoutes(api, rt)
  deadLetterRoutes(api, rt)
  reconciliationRoutes(api, rt, logger)
  tokenRoutes(api, rt)
  recordRoutes(api, rt)
  connectionRoutes(api, rt)
  mappingRoutes(api, rt, logger)
  return api
}
