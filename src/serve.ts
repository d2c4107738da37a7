import type { Server as HttpServer, ServerResponse } from 'node:http'
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

type Handler = (req: Request) => Response | Promise<Response>

/** A listening HTTP server whose handler is set once the engine is up, and which drains before it closes. */
export interface HttpFront {
  /** The bound port (PORT=0 picks one). */
  port: number
  /** Routes requests to `handler` from now on. */
  use(handler: Handler): void
  /**
   * Stops intake and waits for what was already taken in: from now on every request is answered 503 with
   * `Connection: close` (a webhook sender retries, a load balancer moves on); requests already being handled
   * run to their answer, so a webhook answered 202 is in the inbox before the store closes; live event
   * streams are ended (the dashboard reconnects). Resolves once the listener and every connection are closed.
   */
  drain(): Promise<void>
}

const starting = () => Response.json({ status: 'starting' }, { status: 503, headers: { 'retry-after': '1' } })

const shuttingDown = () =>
  Response.json(
    { error: { code: 'SHUTTING_DOWN', message: 'Tandem is shutting down; retry in a moment' } },
    { status: 503, headers: { 'retry-after': '5', connection: 'close' } },
  )

const isEventStream = (type: string | null) => type?.startsWith('text/event-stream') ?? false

/**
 * Binds the port before the engine starts: the service knows its own URL (sandboxes post their change
 * notifications to it) and a port clash fails at once. Until the engine is up every request gets 503,
 * which is what /readyz means.
 */
export async function bindHttp(port: number, host: string): Promise<HttpFront> {
  let handler: Handler = starting
  let closing = false
  // Responses of requests the handler took, until they are fully written (or their client went away).
  const inFlight = new Set<ServerResponse>()
  // Those of them that are event streams: they end only when the client leaves.
  const streams = new Set<ServerResponse>()
  let drained: (() => void) | undefined
  const fetch = async (req: Request, env: { outgoing: unknown }): Promise<Response> => {
    if (closing) return shuttingDown()
    const outgoing = env.outgoing as ServerResponse
    inFlight.add(outgoing)
    outgoing.once('close', () => {
      inFlight.delete(outgoing)
      if (inFlight.size === 0) drained?.()
    })
    const response = await handler(req)
    if (isEventStream(response.headers.get('content-type'))) {
      // A stream opened while closing would never end: refuse it like any new request.
      if (closing) {
        await response.body?.cancel()
        return shuttingDown()
      }
      streams.add(outgoing)
      outgoing.once('close', () => streams.delete(outgoing))
    }
    return response
  }
  const server = await new Promise<HttpServer>((ready, fail) => {
    const s = listen({ fetch, port, hostname: host }, () => ready(s as HttpServer)) as HttpServer
    s.once('error', (err: NodeJS.ErrnoException) =>
      fail(
        err.code === 'EADDRINUSE'
          ? new ConfigError(`port ${port} on ${host} is in use; set PORT to a free port (0 picks one)`)
          : err,
      ),
    )
  })
  const address = server.address()
  return {
    port: typeof address === 'object' && address ? address.port : port,
    use(next) {
      handler = next
    },
    async drain() {
      closing = true
      for (const res of streams) res.destroy()
      if (inFlight.size > 0) await new Promise<void>((done) => (drained = done))
      await new Promise<void>((done) => {
        server.close(() => done())
        // Keep-alive connections between requests would hold the close open until they time out.
        server.closeIdleConnections()
      })
    },
  }
}

/** Starts a Tandem process in the given role and keeps it running until SIGTERM/SIGINT. */
export async function serve(opts: ServeOptions): Promise<void> {
  const env = parseEnv()
  const logger = createLogger(env.LOG_LEVEL, { role: opts.role })
  const config = loadConfig({ dir: resolve(env.TANDEM_CONFIG_DIR), env: process.env, connectorTypes })
  const mode = modeOf(env)
  const embedded = mode === 'embedded'
  const roles = { intake: opts.role === 'serve', workers: opts.role === 'worker' || embedded || opts.workers }

  // Run in this order at shutdown, each after the one before has finished.
  const closers: { step: string; close: () => Promise<void> }[] = []
  const lines: string[] = []
  let runtime: Runtime
  if (opts.role === 'serve') {
    const front = await bindHttp(env.PORT, env.HOST)
    const url = env.TANDEM_PUBLIC_URL ?? `http://${env.HOST}:${front.port}`
    runtime = await startRuntime({ env, config, logger, roles, serviceUrl: url }).catch(async (err) => {
      await front.drain()
      throw err
    })
    const app = createApp(runtime, logger)
    front.use((req) => app.fetch(req))
    // Stop intake first, so nothing is accepted that the closing runtime could not store.
    closers.push(
      { step: 'draining HTTP requests', close: () => front.drain() },
      { step: 'closing the engine (running jobs finish first)', close: () => runtime.close() },
    )
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
      if (demo) closers.unshift({ step: 'stopping the demo activity', close: () => demo.stop() })
    }
  } else {
    runtime = await startRuntime({ env, config, logger, roles })
    closers.push({ step: 'closing the engine (running jobs finish first)', close: () => runtime.close() })
    lines.push(`Tandem worker (${mode} mode) processing jobs`)
    if (env.TANDEM_METRICS_PORT !== undefined) {
      const metricsApp = new Hono()
      getMetrics(metricsApp, runtime)
      const front = await bindHttp(env.TANDEM_METRICS_PORT, env.HOST)
      front.use((req) => metricsApp.fetch(req))
      closers.unshift({ step: 'closing the metrics endpoint', close: () => front.drain() })
      lines.push(`  metrics:   http://${env.HOST}:${front.port}/metrics`)
    }
  }
  for (const [name, sandbox] of runtime.sandboxes) lines.push(`  sandbox ${name}: ${sandbox.system} at ${sandbox.url}`)
  process.stdout.write(`${lines.join('\n')}\n`)

  const graceMs = env.TANDEM_SHUTDOWN_GRACE_MS
  let stopping: string | undefined
  const stop = async (signal: string) => {
    if (stopping) {
      // A second signal (Ctrl-C pressed again): the operator does not want to wait.
      logger.warn({ signal, step: stopping }, 'second signal during shutdown; exiting now')
      process.exit(1)
    }
    stopping = 'starting'
    const started = Date.now()
    logger.info({ signal, graceMs }, 'shutting down')
    // Past the grace period, exit rather than be killed mid-write by the orchestrator. Nothing accepted is
    // lost either way: events are in the inbox, and a job left running returns to the queue when its lease
    // lapses (BullMQ: stalled-job check; embedded: lease expiry) and runs again.
    setTimeout(() => {
      logger.warn({ graceMs, step: stopping }, 'shutdown grace period exceeded; exiting now')
      process.exit(1)
    }, graceMs)
    for (const { step, close } of closers) {
      stopping = step
      await close().catch((err) => logger.error({ err, step }, 'error while shutting down'))
    }
    logger.info({ ms: Date.now() - started }, 'shut down')
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}
