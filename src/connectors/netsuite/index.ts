import type { ConnectorType } from '../types.ts'
import { type NetSuiteConfig, netsuiteConfigSchema } from './config-schema.ts'
import { createNetSuiteConnection } from './connection.ts'
import { startNetSuiteSandbox } from './sandbox/server.ts'

/**
 * The NetSuite connector: REST web services over undici, authenticated by OAuth 2.0 client credentials
 * (M2M, JWT assertion) or TBA (OAuth 1.0a, HMAC-SHA256) signed by our code; SuiteQL polling, upsert by
 * external ID, User Event webhooks, and a local simulator.
 */
export const netsuite: ConnectorType<NetSuiteConfig> = {
  type: 'netsuite',
  configSchema: netsuiteConfigSchema,
  create: async (config, ctx) => createNetSuiteConnection(config, ctx),
  startSandbox: (opts) => startNetSuiteSandbox(opts),
  /**
   * The file's settings pointed at a running sandbox: its account, URL, credentials, time zone (SuiteQL
   * dates are local to it) and webhook secret. A file that asks for `auth.method: m2m` gets the sandbox's
   * M2M integration (client ID, certificate ID, private key); any other gets TBA. Secrets stay plain
   * strings; the schema wraps them.
   */
  sandboxConfig(fileConfig, sandbox) {
    const c = sandbox.credentials
    const webhook = typeof fileConfig.webhook === 'object' && fileConfig.webhook !== null ? fileConfig.webhook : {}
    const asked = typeof fileConfig.auth === 'object' && fileConfig.auth !== null ? fileConfig.auth : {}
    const wantsM2m = (asked as { method?: unknown }).method === 'm2m' && c.clientId && c.certificateId && c.privateKey
    return {
      ...fileConfig,
      type: 'netsuite',
      accountId: c.accountId,
      baseUrl: sandbox.url,
      ...(c.timeZone ? { timeZone: c.timeZone } : {}),
      auth: wantsM2m
        ? { method: 'm2m', clientId: c.clientId, certificateId: c.certificateId, privateKey: c.privateKey }
        : {
            method: 'tba',
            consumerKey: c.consumerKey,
            consumerSecret: c.consumerSecret,
            tokenId: c.tokenId,
            tokenSecret: c.tokenSecret,
          },
      webhook: { ...webhook, secret: c.webhookSecret },
    }
  },
}
