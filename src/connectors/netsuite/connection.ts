import type { Connection, ConnectorContext, ObjectApi } from '../types.ts'
import { NetSuiteClient, type NetSuiteClientOptions } from './client.ts'
import { type NetSuiteConfig, resolveBaseUrl } from './config-schema.ts'
import { createObjectApi } from './object-api.ts'
import { parseNetSuiteWebhook } from './webhook.ts'

/** Overrides for tests: shorter in-call retries, shorter timeouts. */
export type NetSuiteConnectionOptions = Pick<NetSuiteClientOptions, 'retry' | 'timeoutMs'>

/** A live connection to one NetSuite account. */
export function createNetSuiteConnection(
  config: NetSuiteConfig,
  ctx: Pick<ConnectorContext, 'logger' | 'throttle' | 'readRetry'>,
  opts: NetSuiteConnectionOptions = {},
): Connection {
  const baseUrl = resolveBaseUrl(config)
  const client = new NetSuiteClient({
    accountId: config.accountId,
    baseUrl,
    auth: config.auth,
    maxConcurrent: config.limits.maxConcurrent,
    ...(ctx.throttle ? { throttle: ctx.throttle } : {}),
    ...(ctx.readRetry ? { retry: ctx.readRetry } : {}),
    ...opts,
  })
  const objects = new Map<string, ObjectApi>()
  const webhookSecret = config.webhook?.secret
  ctx.logger.debug({ baseUrl, accountId: config.accountId, limits: config.limits }, 'netsuite connection ready')
  return {
    limits: { maxBatch: config.limits.maxBatch, maxConcurrent: config.limits.maxConcurrent },
    // SuiteQL and the account keep calendar dates in the account's zone; mapped dates default to it.
    timeZone: config.timeZone,
    // A reference is written as `{ id }`; NetSuite reads it back as `{ id, refName }`.
    referenceValue: (id) => ({ id }),
    object(name) {
      let api = objects.get(name)
      if (!api) {
        api = createObjectApi(client, name, config.timeZone)
        objects.set(name, api)
      }
      return api
    },
    // Without a configured secret every webhook is refused: an unsigned notice could be anyone's.
    parseWebhook: (req) => parseNetSuiteWebhook(req, webhookSecret ? [webhookSecret.reveal()] : []),
    close: () => client.close(),
  }
}
