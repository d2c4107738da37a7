import type { Queue } from '@cloudflare/workers-types/index.ts'
import { z } from 'zod'
import { ConfigError } from '../errors.ts'
import { connectionNameSchema, type EdgeDelivery, issuePath } from '../lib/forwarded-batch.ts'

/**
 * What the Worker is given by wrangler.toml: the queue binding, plain vars and secrets. Secrets are only
 * ever named in vars (`webhook.secret: "CRM_WEBHOOK_SECRET"`) and read from the environment at the point
 * of use, so the file never holds a value and a config error can name the variable without showing it.
 */
export interface EdgeBindings {
  /** Producer binding of the ingress queue (`[[queues.producers]]`). */
  INGRESS: Queue<EdgeDelivery>
  /** The core's base URL; batches go to `<url>/ingest/edge`. */
  TANDEM_CORE_URL?: unknown
  /** Which connections the edge takes webhooks for, in the shape of connectors/<name>.yaml (see below). */
  TANDEM_CONNECTIONS?: unknown
  FORWARD_RETRY_BASE_SECONDS?: unknown
  FORWARD_RETRY_MAX_SECONDS?: unknown
  /** Secrets (`wrangler secret put`): TANDEM_EDGE_SECRET and the ones the connections name. */
  [secret: string]: unknown
}

const secretName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,127}$/, 'the name of a Worker secret in UPPER_SNAKE_CASE, not its value')

// The same blocks as in connectors/<name>.yaml, with secret names where the file has ${NAME}.
const salesforceEdgeSchema = z.strictObject({
  type: z.literal('salesforce'),
  webhook: z.strictObject({ secret: secretName, previousSecret: secretName.optional() }).optional(),
  outboundMessages: z
    .strictObject({
      organizationId: z
        .string()
        .regex(/^00D[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$/, 'an org id (00D…, 15 or 18 characters)'),
      token: secretName.optional(),
    })
    .optional(),
})

const netsuiteEdgeSchema = z.strictObject({
  type: z.literal('netsuite'),
  webhook: z.strictObject({ secret: secretName }).optional(),
})

export const edgeConnectionSchema = z.discriminatedUnion('type', [salesforceEdgeSchema, netsuiteEdgeSchema])
export type EdgeConnection = z.infer<typeof edgeConnectionSchema>

/** Cloudflare Queues accept retry delays of up to 12 hours. */
const delaySeconds = z.coerce.number().int().min(1).max(43_200)

export const edgeSettingsSchema = z
  .object({
    TANDEM_CORE_URL: z
      .url({ protocol: /^https?$/, error: 'the core service URL, such as https://tandem.example.com' })
      .transform((url) => url.replace(/\/+$/, '')),
    TANDEM_CONNECTIONS: z.preprocess(
      // A var set from the dashboard or .dev.vars arrives as a string; one from wrangler.toml as JSON.
      (value) => {
        if (typeof value !== 'string') return value
        try {
          return JSON.parse(value)
        } catch {
          return value
        }
      },
      z.record(connectionNameSchema, edgeConnectionSchema),
    ),
    /** First wait before a failed forward is retried; it doubles per attempt up to the max. */
    FORWARD_RETRY_BASE_SECONDS: delaySeconds.default(5),
    FORWARD_RETRY_MAX_SECONDS: delaySeconds.default(300),
  })
  .refine((s) => s.FORWARD_RETRY_MAX_SECONDS >= s.FORWARD_RETRY_BASE_SECONDS, {
    path: ['FORWARD_RETRY_MAX_SECONDS'],
    message: 'must be at least FORWARD_RETRY_BASE_SECONDS',
  })

export type EdgeSettings = z.output<typeof edgeSettingsSchema>

const code = 'EDGE_CONFIG_INVALID'

// One parse per isolate: workerd hands every request of an isolate the same env object.
const parsed = new WeakMap<object, EdgeSettings | ConfigError>()

/** The Worker's settings, or a ConfigError naming the first bad var (values are never quoted). */
export function edgeSettings(env: EdgeBindings): EdgeSettings {
  let settings = parsed.get(env)
  if (!settings) {
    const result = edgeSettingsSchema.safeParse(env)
    if (result.success) settings = result.data
    else {
      const issue = result.error.issues[0]
      settings = new ConfigError(`${issuePath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`, {}, { code })
    }
    parsed.set(env, settings)
  }
  if (settings instanceof ConfigError) throw settings
  return settings
}

/**
 * The value of a secret a var names. Missing is a configuration error that says how to set it; the
 * message carries the secret's name only.
 */
export function readSecret(env: EdgeBindings, name: string, where: string): string {
  const value = env[name]
  if (typeof value === 'string' && value !== '') return value
  throw new ConfigError(`${where} names ${name}, which is not set: wrangler secret put ${name}`, {}, { code })
}
