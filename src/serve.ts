import { resolve } from 'node:path'
import { serve as listen } from '@hono/node-server'
import { Hono } from 'hono'
import { modeOf, parseEnv } from './config/env.ts'
import { loadConfig } from './config/load-config.ts'
import { connectorTypes } from './connectors/registry.ts'
import { startDemoActivity } from './demo/crm-activity.ts'
import { startupAdminToken } from './engine/api-tokens.ts'
import { type Runtime, startRuntime } from './engine/runtime.ts'
import { ConfigError } from './errors.ts'
import { createApp } from './http/app.ts'
import { getMetrics } from './http/routes/get-metrics.ts'
import { createLogger } from './lib/logger.ts'

export interface ServeOptions {
  role: 'serve' | 'worker'
  demo: boolean
  workers: boolean
}

type Server = ReturnType<typeof listen>

/**
 * Binds the port before the engine starts: the service knows its own URL (sandboxes post their change
 * notifications to it) and a port clash fails at once. Until the engine is up every request gets 503,
 * which is what /readyz means.
 */
async function bind(
  port: number,
  host: string,
  handler: (req: Request) => Response | Promise<Response>,
): Promise<Server> {
  return new Promise<Server>((ready, fail) => {
    const s = listen({ fetch: handler, port, hostname: host }, () => ready(s))
    s.once('error', (err: NodeJS.ErrnoException) =>
      fail(
        err.code === 'EADDRINUSE'
          ? new ConfigError(`port ${port} on ${host} is in use; set PORT to a free port (0 picks one)`)
          : err,
      ),
    )
  })
}

const starting = () => Response.json({ status: 'starting' }, { status: 503, headers: { 'retry-after': '1' } })

/** Starts a Tandem process in the given role and keeps it running until SIGTERM/SIGINT. */
export async function serve(opts: ServeOptions): Promise<void> {
  const env = parseEnv()
  const logger = createLogger(env.LOG_LEVEL, { role: opts.role })
  const config = loadConfig({ dir: resolve(env.TANDEM_CONFIG_DIR), env: process.env, connectorTypes })
  const mode = modeOf(env)
  const embedded = mode === 'embedded'
  const roles = { intake: opts.role === 'serve', workers: opts.role === 'worker' || embedded || opts.workers }

  const closers: (() => Promise<void>)[] = []
  const lines: string[] = []
  let runtime: Runtime
  if (opts.role === 'serve') {
    let handler: (req: Request) => Response | Promise<Response> = starting
    const server = await bind(env.PORT, env.HOST, (req) => handler(req))
    const address = server.address()
    const port = typeof address === 'object' && address ? address.port : env.PORT
    const url = env.TANDEM_PUBLIC_URL ?? `http://${env.HOST}:${port}`
    const closeServer = () => new Promise<void>((done) => server.close(() => done()))
    runtime = await startRuntime({ env, config, logger, roles, serviceUrl: url }).catch(async (err) => {
      await closeServer()
      throw err
    })
    const app = createApp(runtime, logger)
    handler = (req) => app.fetch(req)
    // Stop intake first, so nothing is accepted that the closing runtime could not store.
    closers.push(closeServer, () => runtime.close())
    lines.push(
      `Tandem (${mode} mode) listening on ${url}`,
      `  flows:     ${url}/api/v1/flows`,
      `  API docs:  ${url}/api/docs`,
      `  health:    ${url}/readyz`,
    )
    // Embedded: print a fresh admin token so the API can be tried at once. Shown once, never logged.
    if (embedded) lines.push(`  admin token (shown once): ${await startupAdminToken(runtime.store)}`)
    if (opts.demo) {
      const demo = startDemoActivity(runtime, { logger })
      if (demo) closers.unshift(() => demo.stop())
    }
  } else {
    runtime = await startRuntime({ env, config, logger, roles })
    closers.push(() => runtime.close())
    lines.push(`Tandem worker (${mode} mode) processing jobs`)
    if (env.TANDEM_METRICS_PORT !== undefined) {
      const metricsApp = new Hono()
      getMetrics(metricsApp, runtime)
      const server = await bind(env.TANDEM_METRICS_PORT, env.HOST, (req) => metricsApp.fetch(req))
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : env.TANDEM_METRICS_PORT
      closers.unshift(() => new Promise<void>((done) => server.close(() => done())))
      lines.push(`  metrics:   http://${env.HOST}:${port}/metrics`)
    }
  }
  for (const [name, sandbox] of runtime.sandboxes) lines.push(`  sandbox ${name}: ${sandbox.system} at ${sandbox.url}`)
  process.stdout.write(`${lines.join('\n')}\n`)

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    for (const fn of closers) await fn().catch((err) => logger.error({ err }, 'error while shutting down'))
    process.exit(0)
  }
  process.once('SIGTERM', () => void stop('SIGTERM'))
  process.once('SIGINT', () => void stop('SIGINT'))
}
