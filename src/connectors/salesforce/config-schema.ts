import { z } from 'zod'
import { secretSchema } from '../../lib/secret.ts'

/** OAuth 2.0 username-password flow (Salesforce Help, "OAuth 2.0 Username-Password Flow for Special Scenarios"). */
export const passwordAuthSchema = z.strictObject({
  method: z.literal('password'),
  clientId: z.string().min(1).describe('Consumer key of the connected app'),
  clientSecret: secretSchema.describe('Consumer secret of the connected app'),
  username: z.string().min(1),
  password: secretSchema.describe('Password, followed by the security token where the org requires one'),
})

/** OAuth 2.0 client credentials flow: runs as the connected app's Run-As user; needs a My Domain login URL. */
export const clientCredentialsAuthSchema = z.strictObject({
  method: z.literal('client_credentials'),
  clientId: z.string().min(1).describe('Consumer key of the connected app'),
  clientSecret: secretSchema.describe('Consumer secret of the connected app'),
})

/**
 * OAuth 2.0 JWT bearer flow, recommended for servers (Salesforce Help, "OAuth 2.0 JWT Bearer Flow for
 * Server-to-Server Integration"): Tandem signs a short-lived RS256 assertion with its private key; the
 * connected app holds the matching certificate and the user is pre-authorised. No secret travels.
 */
export const jwtAuthSchema = z.strictObject({
  method: z.literal('jwt'),
  clientId: z.string().min(1).describe("Consumer key of the connected app (the assertion's iss)"),
  username: z.string().min(1).describe("The user Tandem acts as (the assertion's sub)"),
  privateKey: secretSchema.describe('PEM private key (PKCS#8) whose certificate is uploaded to the connected app'),
  audience: z
    .url()
    .optional()
    .describe("The assertion's aud: https://login.salesforce.com, https://test.salesforce.com; default the login URL"),
})

/** How Tandem logs in, by `method`. */
export const salesforceAuthSchema = z.discriminatedUnion('method', [
  jwtAuthSchema,
  passwordAuthSchema,
  clientCredentialsAuthSchema,
])

export const salesforceLimitsSchema = z.strictObject({
  maxBatch: z
    .number()
    .int()
    .min(1)
    .max(200)
    .default(200)
    .describe('Rows per sObject Collections call (Salesforce accepts at most 200)'),
  maxConcurrent: z.number().int().min(1).max(100).default(10).describe('Requests in flight at once'),
})

/** When a batch is big enough that one Bulk API 2.0 job beats many sObject Collections calls. */
export const salesforceBulkSchema = z.strictObject({
  threshold: z
    .number()
    .int()
    .min(1)
    .default(2_000)
    .describe('Upserts of at least this many rows go through one Bulk API 2.0 ingest job'),
  pollMs: z.number().int().min(10).default(2_000).describe('How often a Bulk API 2.0 job is checked'),
  timeoutMs: z
    .number()
    .int()
    .min(1_000)
    .default(10 * 60_000)
    .describe('A job not finished by then fails transiently'),
})

/**
 * Inbound Outbound Messages (SOAP). Salesforce cannot sign them, so a notification is accepted only from
 * the configured org, and, when a token is set, only on the endpoint URL that carries it (`?token=…`).
 */
export const outboundMessagesSchema = z.strictObject({
  organizationId: z
    .string()
    .regex(/^00D[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$/, 'an org id (00D…, 15 or 18 characters)')
    .describe('The org whose notifications are accepted'),
  token: secretSchema.optional().describe('Shared value expected in the endpoint URL as ?token=…'),
})

/** A Salesforce connection file (`connectors/<name>.yaml`, `type: salesforce`), after `${NAME}` resolution. */
export const salesforceConfigSchema = z.strictObject({
  type: z.literal('salesforce'),
  loginUrl: z
    .url({ protocol: /^https?$/, error: 'a login URL such as https://login.salesforce.com' })
    .transform((url) => url.replace(/\/+$/, ''))
    .describe('login.salesforce.com, test.salesforce.com, a My Domain, a proxy or a sandbox'),
  apiVersion: z
    .string()
    .regex(/^\d{2,3}\.0$/, 'an API version such as 62.0')
    // sObject Collections upsert, which every write uses, arrived in 46.0.
    .refine((v) => Number(v) >= 46, 'Tandem needs API version 46.0 or later')
    .default('62.0'),
  auth: salesforceAuthSchema,
  webhook: z
    .strictObject({
      secret: secretSchema.describe('HMAC key of the signed change events sent to /webhooks/<connection>'),
      previousSecret: secretSchema.optional().describe('Also accepted while a new secret is rolled out'),
    })
    .optional(),
  outboundMessages: outboundMessagesSchema.optional(),
  limits: salesforceLimitsSchema.default({ maxBatch: 200, maxConcurrent: 10 }),
  bulk: salesforceBulkSchema.default({ threshold: 2_000, pollMs: 2_000, timeoutMs: 10 * 60_000 }),
})

export type SalesforceConfig = z.output<typeof salesforceConfigSchema>
