import type { Connection, ConnectorType } from '../types.ts'
import { createSalesforceClient } from './client.ts'
import { type SalesforceConfig, salesforceConfigSchema } from './config-schema.ts'
import { createSalesforceObject } from './object-api.ts'
import { startSalesforceSandbox } from './sandbox/server.ts'
import { parseSalesforceWebhook } from './webhook.ts'

/**
 * Salesforce, and anything speaking its REST API, through jsforce: SOQL reads and SystemModstamp polling
 * (deletes included), sObject Collections and Bulk API 2.0 upserts by external id, and inbound Outbound
 * Messages (SOAP) and signed change events in the shape of CDC messages.
 */
export const salesforce: ConnectorType<SalesforceConfig> = {
  type: 'salesforce',
  configSchema: salesforceConfigSchema,

  async create(config, ctx): Promise<Connection> {
    const client = createSalesforceClient(config, ctx.logger, ctx.throttle)
    const secrets = [config.webhook?.secret, config.webhook?.previousSecret]
      .filter((s) => s !== undefined)
      .map((s) => s.reveal())
    const objects = new Map<string, ReturnType<typeof createSalesforceObject>>()
    return {
      limits: {
        maxBatch: config.limits.maxBatch,
        maxConcurrent: config.limits.maxConcurrent,
        // Enough concurrent upserts (a bulk backfill) make one batch big enough for a Bulk API 2.0 job.
        maxGather: Math.max(config.limits.maxBatch, config.bulk.threshold),
      },
      object(name) {
        let api = objects.get(name)
        if (!api) {
          api = createSalesforceObject(client, name, {
            maxBatch: config.limits.maxBatch,
            bulkThreshold: config.bulk.threshold,
            ...(ctx.readRetry ? { retry: ctx.readRetry } : {}),
          })
          objects.set(name, api)
        }
        return api
      },
      usage: () => client.usage(),
      parseWebhook: (req) => parseSalesforceWebhook(req, { secrets, outboundMessages: config.outboundMessages }),
      close: () => client.close(),
    }
  },

  startSandbox: (opts) => startSalesforceSandbox(opts),

  // The file's settings pointed at the sandbox: its URL, its integration user, its webhook secret.
  sandboxConfig(settings, sandbox) {
    const c = sandbox.credentials
    return {
      ...settings,
      loginUrl: sandbox.url,
      auth: {
        method: 'password',
        clientId: c.clientId,
        clientSecret: c.clientSecret,
        username: c.username,
        password: c.password,
      },
      webhook: { secret: c.webhookSecret },
      ...(c.organizationId ? { outboundMessages: { organizationId: c.organizationId } } : {}),
    }
  },
}
