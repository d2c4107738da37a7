import { parseEnv } from '../../src/config/env.ts'
import { loadConfig } from '../../src/config/load-config.ts'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../src/connectors/netsuite/sandbox/server.ts'
import { connectorTypes } from '../../src/connectors/registry.ts'
import { type SalesforceSandbox, startSalesforceSandbox } from '../../src/connectors/salesforce/sandbox/server.ts'
import { type Runtime, type RuntimeRoles, startRuntime } from '../../src/engine/runtime.ts'
import { createLogger } from '../../src/lib/logger.ts'
import { createTandemHome, type TandemHome } from './tandem-home.ts'

export interface RuntimeFixture {
  crm: SalesforceSandbox
  erp: NetSuiteSandbox
  home: TandemHome
  rt: Runtime
  close(): Promise<void>
}

/**
 * An engine in this process over real parts: both sandboxes over HTTP, the embedded store in a temporary
 * folder, the shipped connection files and the chosen shipped flows. For tests of the engine and the HTTP
 * app that need no child process.
 */
export async function startRuntimeFixture(opts: {
  flows: readonly string[]
  roles?: RuntimeRoles
  env?: Record<string, string>
  edit?: Record<string, (yaml: string) => string>
  editConnector?: Record<string, (yaml: string) => string>
  /** Poll interval written into every mapping (default 1s). */
  pollEvery?: string
}): Promise<RuntimeFixture> {
  const crm = await startSalesforceSandbox({})
  const erp = await startNetSuiteSandbox({})
  const home = createTandemHome({
    crm,
    erp,
    flows: opts.flows,
    ...(opts.edit ? { edit: opts.edit } : {}),
    ...(opts.editConnector ? { editConnector: opts.editConnector } : {}),
    ...(opts.pollEvery ? { pollEvery: opts.pollEvery } : {}),
  })
  const vars = { ...home.env, LOG_LEVEL: 'silent', ...opts.env }
  const env = parseEnv(vars)
  const config = loadConfig({ dir: home.dir.path, env: vars, connectorTypes })
  const rt = await startRuntime({
    env,
    config,
    logger: createLogger('silent'),
    roles: opts.roles ?? { intake: false, workers: false },
  })
  return {
    crm,
    erp,
    home,
    rt,
    async close() {
      await rt.close()
      await crm.close()
      await erp.close()
      home.dir.remove()
    },
  }
}
