import { parseNetSuiteWebhook } from '../connectors/netsuite/webhook.ts'
import type { TokenCheck } from '../connectors/salesforce/outbound-message.ts'
import { parseSalesforceWebhook } from '../connectors/salesforce/webhook.ts'
import type { InboundWebhook } from '../connectors/types.ts'
import { type EdgeBindings, type EdgeConnection, readSecret } from './edge-settings.ts'

const encoder = new TextEncoder()

/**
 * A constant-time check of a presented token without node:crypto: both values are MACed under a one-off
 * key and `crypto.subtle.verify` compares the MACs, so the time taken says nothing about a common prefix.
 */
export function webTokenCheck(expected: string): TokenCheck {
  return {
    async equals(presented: string): Promise<boolean> {
      const key = await crypto.subtle.importKey(
        'raw',
        crypto.getRandomValues(new Uint8Array(32)),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['sign', 'verify'],
      )
      const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(expected))
      return crypto.subtle.verify('HMAC', key, mac, encoder.encode(presented))
    },
  }
}

/**
 * Verifies and normalises one webhook for a connection, with the very parse functions the core's
 * connectors use (signature check, zod body schema, echo filter, event ids), so a request gets the same
 * answer at the edge as at the core. Throws the same TandemErrors (WEBHOOK_UNAUTHORIZED, WEBHOOK_INVALID_BODY).
 */
export function parseAtEdge(
  req: Request,
  name: string,
  connection: EdgeConnection,
  env: EdgeBindings,
): Promise<InboundWebhook> {
  const where = `TANDEM_CONNECTIONS.${name}`
  switch (connection.type) {
    case 'salesforce': {
      const webhook = connection.webhook
      const om = connection.outboundMessages
      return parseSalesforceWebhook(req, {
        secrets: webhook
          ? [
              readSecret(env, webhook.secret, `${where}.webhook.secret`),
              ...(webhook.previousSecret
                ? [readSecret(env, webhook.previousSecret, `${where}.webhook.previousSecret`)]
                : []),
            ]
          : [],
        outboundMessages: om && {
          organizationId: om.organizationId,
          token: om.token ? webTokenCheck(readSecret(env, om.token, `${where}.outboundMessages.token`)) : undefined,
        },
      })
    }
    case 'netsuite':
      // Without a secret every webhook is refused, as at the core: an unsigned notice could be anyone's.
      return parseNetSuiteWebhook(
        req,
        connection.webhook ? [readSecret(env, connection.webhook.secret, `${where}.webhook.secret`)] : [],
      )
  }
}
