import { z } from 'zod'
import { ConfigError, ConfigErrors } from '../errors.ts'
import { Secret } from '../lib/secret.ts'

const intSchema = (min: number, max: number) => z.coerce.number().int().min(min).max(max)

/**
 * Process settings, read from the environment once at start (connection credentials are not here: they
 * are referenced from connectors/*.yaml as ${NAME}). The mode follows from what is set: DATABASE_URL and
 * REDIS_URL select PostgreSQL and BullMQ (scale mode); without them everything is embedded.
 */
export const envSchema = z
  .object({
    PORT: intSchema(0, 65_535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    /** `tandem worker` serves /metrics on this port when set (0 picks one), for Prometheus to scrape workers too. */
    TANDEM_METRICS_PORT: intSchema(0, 65_535).optional(),
    /** Public URL of the service, when it differs from http://HOST:PORT (behind a proxy). */
    TANDEM_PUBLIC_URL: z.url().optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// URL')
      .optional(),
    /** Where the embedded store and other local state live. */
    TANDEM_HOME: z.string().min(1).default('.tandem'),
    /** Folder with connectors/ and mappings/. */
    TANDEM_CONFIG_DIR: z.string().min(1).default('.'),
    /** Redis key prefix: deployments (and test runs) sharing one Redis keep apart. */
    TANDEM_QUEUE_PREFIX: z.string().min(1).default('tandem'),
    /** Jobs a worker process runs at once; a bulk backfill runs thousands (they wait on the connections' throttles). */
    TANDEM_WORKER_CONCURRENCY: intSchema(1, 10_000).default(8),
    /** How long a running job's claim lasts without renewal before another worker takes it over. */
    TANDEM_JOB_LEASE_MS: intSchema(200, 3_600_000).default(30_000),
    TANDEM_JOB_ATTEMPTS: intSchema(1, 100).default(8),
    TANDEM_RETRY_BASE_MS: intSchema(1, 3_600_000).default(1_000),
    TANDEM_RETRY_MAX_MS: intSchema(1, 86_400_000).default(300_000),
    /** Inbox rows older than this with no job are re-enqueued by the sweeper. */
    TANDEM_SWEEP_GRACE_MS: intSchema(100, 86_400_000).default(10_000),
    TANDEM_SWEEP_EVERY_MS: intSchema(50, 3_600_000).default(5_000),
    /** How long an upsert waits for others to share its batch call (Salesforce Collections: 200 rows). */
    TANDEM_BATCH_LINGER_MS: intSchema(0, 10_000).default(20),
    /** A connection failing with outages for this long (and at least TANDEM_CIRCUIT_MIN_FAILURES times) pauses its flows. */
    TANDEM_CIRCUIT_OPEN_AFTER_MS: intSchema(0, 86_400_000).default(60_000),
    TANDEM_CIRCUIT_MIN_FAILURES: intSchema(1, 100_000).default(5),
    /** First wait before probing an open circuit; it doubles per failed probe up to the max. */
    TANDEM_CIRCUIT_PROBE_MS: intSchema(10, 3_600_000).default(5_000),
    TANDEM_CIRCUIT_PROBE_MAX_MS: intSchema(10, 86_400_000).default(300_000),
    /**
     * On SIGTERM/SIGINT the process stops intake, lets running jobs finish and closes queues and store; past
     * this it exits at once (code 1) and its unfinished jobs run again once their lease lapses. The default
     * fits inside the 30 s a container orchestrator waits before it kills.
     */
    TANDEM_SHUTDOWN_GRACE_MS: intSchema(100, 3_600_000).default(25_000),
    /**
     * An admin bearer token for automation (deploy scripts, tests), accepted besides stored tokens. Never
     * printed or stored; prefer `tandem tokens create` for people.
     */
    TANDEM_ADMIN_TOKEN: z.string().min(24, 'use at least 24 characters').optional(),
    /**
     * The key the edge Worker (src/edge/, wrangler.toml) signs forwarded webhook batches with; the same value
     * is set on the Worker with `wrangler secret put TANDEM_EDGE_SECRET`. Unset: POST /ingest/edge refuses all.
     */
    TANDEM_EDGE_SECRET: z
      .string()
      .min(32, 'use at least 32 characters')
      .transform((value) => new Secret(value, 'TANDEM_EDGE_SECRET'))
      .optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((env) => !env.REDIS_URL || env.DATABASE_URL, {
    path: ['REDIS_URL'],
    message: 'REDIS_URL needs DATABASE_URL too: every process must share the store as well as the queue',
  })

export type Env = z.output<typeof envSchema>

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  // Empty strings mean "unset", as in a shell `FOO= tandem serve`.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''))
  const result = envSchema.safeParse(cleaned)
  if (result.success) return result.data
  throw new ConfigErrors(
    result.error.issues.map((i) => new ConfigError(`${i.message}`, { path: `environment ${String(i.path[0])}` })),
  )
}

/** Embedded: one process on a SQLite file. Scale: any number of processes sharing PostgreSQL (and Redis). */
export type Mode = 'embedded' | 'scale'

export function modeOf(env: Env): Mode {
  return env.DATABASE_URL ? 'scale' : 'embedded'
}
