import type { Redis } from 'ioredis'
import { type Env, modeOf } from '../config/env.ts'
import { completeWithSandbox, type TandemConfig } from '../config/load-config.ts'
import type { Connection, RunningSandbox } from '../connectors/types.ts'
import { ConfigError, ConfigErrors } from '../errors.ts'
import type { Logger } from '../lib/logger.ts'
import type { Metrics } from '../lib/metrics.ts'
import { createThrottle, deferredThrottle, measuredThrottle } from './throttle/create-throttle.ts'

export interface OpenConnections {
  connections: Map<string, Connection>
  /** Sandboxes started for `sandbox: auto` connections, by connection name. */
  sandboxes: Map<string, RunningSandbox>
  close(): Promise<void>
}

/**
 * Creates every configured connection, first starting a local sandbox for each `sandbox: auto` connection
 * that has no credentials. Sandboxes send their change notifications to `serviceUrl`'s webhooks when given.
 */
export async function openConnections(opts: {
  config: TandemConfig
  env: Env
  logger: Logger
  serviceUrl?: string
  seed?: boolean
  /** Shares each connection's request ceilings across processes (scale mode). */
  shared?: { redis: Redis; prefix: string }
  metrics?: Metrics
}): Promise<OpenConnections> {
  const { config, logger } = opts
  const connections = new Map<string, Connection>()
  const sandboxes = new Map<string, RunningSandbox>()
  const close = async () => {
    for (const c of connections.values()) await c.close().catch((err) => logger.warn({ err }, 'closing a connection'))
    await Promise.all([...sandboxes.values()].map((s) => s.close()))
  }
  try {
    await startSandboxes(opts, sandboxes)
    for (const conn of config.connections.values()) {
      const settings = conn.config ?? completeWithSandbox(conn, sandboxes.get(conn.name)!)
      const throttle = deferredThrottle()
      const metrics = opts.metrics
      const labels = { connection: conn.name }
      const created = await conn.type.create(settings, {
        name: conn.name,
        logger: logger.child({ connection: conn.name }),
        throttle: metrics
          ? measuredThrottle(throttle, {
              waited: (s) => metrics.throttleWaitSeconds.observe(labels, s),
              finished: (ok) => metrics.remoteCalls.inc({ ...labels, outcome: ok ? 'ok' : 'error' }),
            })
          : throttle,
        ...(conn.retry.reads ? { readRetry: conn.retry.reads } : {}),
      })
      const shared = opts.shared && { redis: opts.shared.redis, key: `${opts.shared.prefix}:throttle:${conn.name}` }
      throttle.bind(createThrottle(created.limits, shared))
      connections.set(conn.name, created)
    }
  } catch (err) {
    await close()
    throw err
  }
  return { connections, sandboxes, close }
}

/**
 * Connections marked `sandbox: auto` that have no credentials get a local sandbox, seeded with demo data.
 * Only in embedded mode: processes of a scale deployment could not share an in-process sandbox's state.
 */
async function startSandboxes(
  opts: { config: TandemConfig; env: Env; logger: Logger; serviceUrl?: string; seed?: boolean },
  started: Map<string, RunningSandbox>,
): Promise<void> {
  const waiting = [...opts.config.connections.values()].filter((c) => c.config === null)
  if (waiting.length > 0 && modeOf(opts.env) === 'scale') {
    throw new ConfigErrors(
      waiting.map(
        (c) =>
          new ConfigError(
            `credentials not set (${c.missing.map((m) => m.name).join(', ')}); sandbox: auto only applies in embedded mode. ` +
              `Run \`tandem sandbox ${c.type.type}\` and set the variables it prints, or give real credentials.`,
            { file: c.file },
          ),
      ),
    )
  }
  for (const conn of waiting) {
    const sandbox = await conn.type.startSandbox({
      seed: opts.seed ?? true,
      ...(conn.schemaFile ? { schemaFile: conn.schemaFile } : {}),
      ...(opts.serviceUrl ? { notifyUrl: `${opts.serviceUrl}/webhooks/${conn.name}` } : {}),
    })
    started.set(conn.name, sandbox)
    opts.logger.info({ connection: conn.name, system: sandbox.system, url: sandbox.url }, 'started sandbox')
  }
}
