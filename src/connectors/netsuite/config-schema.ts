import { z } from 'zod'
import { secretSchema } from '../../lib/secret.ts'

/**
 * A NetSuite connection file (connectors/<name>.yaml) after `${NAME}` references are resolved; the loader
 * has already taken `sandbox:` out. Secrets become `Secret`s, which never print.
 */

/**
 * The account ID as NetSuite shows it: `1234567`, `1234567_SB1`, `1234567_RP`, `TSTDRV1234567`. It is the
 * OAuth realm, which must be upper-case (a lower-case realm is refused, reference §1), so it is
 * upper-cased here rather than left to fail at the first request.
 */
export const accountIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9]+(?:_[A-Za-z0-9]+)?$/, 'an account ID looks like 1234567, 1234567_SB1 or TSTDRV1234567')
  .describe('NetSuite account ID, e.g. 1234567 or 1234567_SB1 (Setup > Company > Company Information)')
  .transform((id) => id.toUpperCase())

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name })
    return true
  } catch {
    return false
  }
}

/** Token-Based Authentication: OAuth 1.0a with HMAC-SHA256 (reference §2). */
export const tbaAuthSchema = z.strictObject({
  method: z.literal('tba'),
  consumerKey: secretSchema,
  consumerSecret: secretSchema,
  tokenId: secretSchema,
  tokenSecret: secretSchema,
})

/** The JWT assertion algorithms NetSuite accepts for client credentials (RS256 is not among them). */
export const m2mAlgorithms = ['PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const

/**
 * OAuth 2.0 client credentials, machine to machine (reference §3): a JWT assertion signed with the
 * private key whose certificate an admin uploaded in the M2M setup, exchanged for an hour's bearer token.
 * Preferred: from 2027.1 NetSuite accepts no new TBA integrations.
 */
export const m2mAuthSchema = z.strictObject({
  method: z.literal('m2m'),
  /** The integration record's client ID: the assertion's `iss`. */
  clientId: secretSchema,
  /** The certificate ID NetSuite showed on upload: the assertion's `kid`. */
  certificateId: z.string().min(1).describe('Certificate ID from Setup > Integration > OAuth 2.0 Client Credentials'),
  /** PKCS#8 PEM of an RSA (3072/4096) or EC (P-256/384/521) key. */
  privateKey: secretSchema,
  /** Default: PS256 for an RSA key, ES256/ES384/ES512 by the EC key's curve. */
  algorithm: z.enum(m2mAlgorithms).optional(),
  scope: z
    .array(z.enum(['rest_webservices', 'restlets', 'suite_analytics']))
    .min(1)
    .default(['rest_webservices']),
})

/** How the connection authenticates, keyed by `method`: `m2m` (preferred) or `tba`. */
export const netsuiteAuthSchema = z.discriminatedUnion('method', [m2mAuthSchema, tbaAuthSchema])

export const netsuiteLimitsSchema = z.strictObject({
  /** Rows one upsert call may carry; each row is its own request (NetSuite has no synchronous batch). */
  maxBatch: z.int().min(1).max(1000).default(1),
  /** Requests in flight at once; NetSuite's default account limit is 5 (reference §7). */
  maxConcurrent: z.int().min(1).max(100).default(5),
})

export const netsuiteConfigSchema = z.strictObject({
  type: z.literal('netsuite'),
  accountId: accountIdSchema,
  /**
   * Where the REST API is; default `https://<account id lower-cased, _ → ->.suitetalk.api.netsuite.com`.
   * An empty value (from `${NETSUITE_BASE_URL:-}`) means the default.
   */
  baseUrl: z
    .union([z.url({ protocol: /^https?$/ }), z.literal('')])
    .optional()
    .describe('REST base URL; default https://<account>.suitetalk.api.netsuite.com'),
  /** The account's time zone: SuiteQL shows and parses dates in it (reference §5). */
  timeZone: z
    .string()
    .refine(isTimeZone, 'not a time zone name (e.g. America/Los_Angeles)')
    .default('America/Los_Angeles'),
  auth: netsuiteAuthSchema,
  /** HMAC secret of the User Event script's posts to /webhooks/<connection>. */
  webhook: z
    .strictObject({ secret: secretSchema })
    .optional()
    .describe("HMAC secret of the User Event script's signed posts to /webhooks/<connection>"),
  limits: netsuiteLimitsSchema
    .default({ maxBatch: 1, maxConcurrent: 5 })
    .describe("Keep maxConcurrent at or below the account's concurrency limit (5 on standard tiers)"),
})

export type NetSuiteConfig = z.infer<typeof netsuiteConfigSchema>
export type NetSuiteAuth = z.infer<typeof netsuiteAuthSchema>
export type M2mAuth = z.infer<typeof m2mAuthSchema>

/** The REST host for an account: lower-case, `_` → `-` (reference §1). */
export function defaultBaseUrl(accountId: string): string {
  return `https://${accountId.toLowerCase().replaceAll('_', '-')}.suitetalk.api.netsuite.com`
}

/** The configured base URL without a trailing slash, or the account's default one. */
export function resolveBaseUrl(config: Pick<NetSuiteConfig, 'accountId' | 'baseUrl'>): string {
  return (config.baseUrl || defaultBaseUrl(config.accountId)).replace(/\/+$/, '')
}
