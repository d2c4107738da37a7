import { Hono } from 'hono'
import { nsJson, type SandboxEnv } from '../hono-env.ts'
import type { SandboxState } from '../sandbox-state.ts'

/**
 * `GET /services/rest/system/v1/governanceLimits` (reference §7, governance-limits.json): the account's
 * concurrency limit. The sandbox has one integration and no per-integration carve-out, so it answers in
 * the `accountLimit` shape, with every slot unallocated.
 */
export function systemRoutes(state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>()
  app.get('/governanceLimits', (c) =>
    nsJson(
      c,
      {
        accountConcurrencyLimit: state.governance.limit,
        accountUnallocatedConcurrencyLimit: state.governance.limit,
        integrationLimitType: 'accountLimit',
      },
      200,
      'singular',
    ),
  )
  return app
}
