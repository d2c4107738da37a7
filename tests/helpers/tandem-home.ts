import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { NetSuiteSandbox } from '../../src/connectors/netsuite/sandbox/server.ts'
import type { SalesforceSandbox } from '../../src/connectors/salesforce/sandbox/server.ts'
import { createTempDir, type TestDir } from './databases.ts'

const repoRoot = new URL('../../', import.meta.url).pathname

export interface TandemHome {
  dir: TestDir
  /** Environment for a Tandem process (or runtime) using this home and the given sandboxes. */
  env: Record<string, string>
}

/**
 * A deployment folder for tests: the shipped connectors/ (with their schema files) and the chosen shipped
 * mappings, polls shortened so polling is observable, wired to running sandboxes through the same
 * environment variables an integrator sets.
 */
export function createTandemHome(opts: {
  crm: SalesforceSandbox
  erp: NetSuiteSandbox
  flows: readonly string[]
  /** Poll interval written into every mapping (default 1s). */
  pollEvery?: string
  /** Replaces text in a mapping file, by flow. */
  edit?: Record<string, (yaml: string) => string>
  /** Replaces text in a connection file, by connection name (`crm`, `erp`). */
  editConnector?: Record<string, (yaml: string) => string>
}): TandemHome {
  const dir = createTempDir('tandem-home-')
  mkdirSync(join(dir.path, 'connectors'))
  mkdirSync(join(dir.path, 'mappings'))
  for (const f of readdirSync(join(repoRoot, 'connectors'))) {
    if (/\.json$/.test(f)) copyFileSync(join(repoRoot, 'connectors', f), join(dir.path, 'connectors', f))
    const name = f.replace(/\.ya?ml$/, '')
    if (name === f) continue
    const yaml = readFileSync(join(repoRoot, 'connectors', f), 'utf8')
    writeFileSync(join(dir.path, 'connectors', f), opts.editConnector?.[name]?.(yaml) ?? yaml)
  }
  for (const flow of opts.flows) {
    let yaml = readFileSync(join(repoRoot, 'mappings', `${flow}.yaml`), 'utf8').replace(
      /poll: \{ every: [^,]+, overlap: [^}]+\}/,
      `poll: { every: ${opts.pollEvery ?? '1s'}, overlap: 5s }`,
    )
    yaml = opts.edit?.[flow]?.(yaml) ?? yaml
    writeFileSync(join(dir.path, 'mappings', `${flow}.yaml`), yaml)
  }
  const c = opts.crm.credentials
  const e = opts.erp.credentials
  return {
    dir,
    env: {
      TANDEM_HOME: join(dir.path, '.tandem'),
      TANDEM_CONFIG_DIR: dir.path,
      SALESFORCE_LOGIN_URL: opts.crm.url,
      SALESFORCE_CLIENT_ID: c.clientId!,
      SALESFORCE_CLIENT_SECRET: c.clientSecret!,
      SALESFORCE_USERNAME: c.username!,
      SALESFORCE_PASSWORD: c.password!,
      CRM_WEBHOOK_SECRET: c.webhookSecret!,
      NETSUITE_ACCOUNT_ID: e.accountId!,
      NETSUITE_BASE_URL: opts.erp.url,
      NETSUITE_CONSUMER_KEY: e.consumerKey!,
      NETSUITE_CONSUMER_SECRET: e.consumerSecret!,
      NETSUITE_TOKEN_ID: e.tokenId!,
      NETSUITE_TOKEN_SECRET: e.tokenSecret!,
      ERP_WEBHOOK_SECRET: e.webhookSecret!,
      ...(e.timeZone ? { NETSUITE_TIME_ZONE: e.timeZone } : {}),
    },
  }
}
