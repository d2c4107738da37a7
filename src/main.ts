#!/usr/bin/env node
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { Command, InvalidArgumentError } from 'commander'
import { parseEnv } from './config/env.ts'
import { generateJsonSchemas } from './config/json-schemas.ts'
import { loadConfig } from './config/load-config.ts'
import { connectorType, connectorTypes } from './connectors/registry.ts'
import { createApiToken, type Role, roles } from './engine/api-tokens.ts'
import { backfill } from './engine/backfill.ts'
import { openConnections } from './engine/connect.ts'
import { createFlows } from './engine/flows.ts'
import { previewRecord } from './engine/preview.ts'
import { openStore, reconcileWorkDir, startRuntime } from './engine/runtime.ts'
import { ConfigError, ConfigErrors, formatConfigError } from './errors.ts'
import { createLogger } from './lib/logger.ts'
import { runReconcile } from './reconcile/run-reconcile.ts'
import { serve } from './serve.ts'
import type { Store } from './store/store.ts'

const program = new Command()
  .name('tandem')
  .description('Keeps a CRM and an ERP in step: connectors, declarative mappings, retry queues, reconciliation.')
  .showHelpAfterError()

program
  .command('serve')
  .description('run the service: webhooks, polling and the admin API (embedded mode: workers and sandboxes too)')
  .option('--demo', 'generate CRM activity in the sandbox every few seconds, so sync is visible')
  .option('--workers', 'also run sync workers in this process (always on in embedded mode)')
  .action(async (opts: { demo?: boolean; workers?: boolean }) => {
    await serve({ role: 'serve', demo: opts.demo ?? false, workers: opts.workers ?? false })
  })

program
  .command('worker')
  .description('run sync workers only (scale mode: DATABASE_URL and REDIS_URL set); start as many as you like')
  .action(async () => {
    await serve({ role: 'worker', demo: false, workers: true })
  })

program
  .command('validate')
  .description(
    'check every file in connectors/ and mappings/, and field names against the systems; lists every problem',
  )
  .option('--offline', 'check the files only, without connecting to the systems (or their sandboxes)')
  .action(async (opts: { offline?: boolean }) => {
    const env = parseEnv()
    const config = loadConfig({ dir: resolve(env.TANDEM_CONFIG_DIR), env: process.env, connectorTypes })
    const waiting = [...config.connections.values()].filter((c) => c.config === null).map((c) => c.name)
    if (!opts.offline) {
      // Field names are checked against what the systems describe; sandboxes stand in where credentials are unset.
      const logger = createLogger(env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL, { role: 'validate' })
      const open = await openConnections({ config, env, logger, seed: false })
      try {
        await createFlows([...config.flows.values()], open.connections, logger)
      } finally {
        await open.close()
      }
    }
    process.stdout.write(
      `ok: ${config.connections.size} connection(s), ${config.flows.size} flow(s)` +
        (opts.offline ? ' (files only)' : '; field names checked against the systems') +
        (waiting.length ? `; ${waiting.join(', ')} use the local sandbox (credentials not set)` : '') +
        '\n',
    )
  })

program
  .command('preview')
  .description('print what syncing one record would write and its field diff against the target, writing nothing')
  .argument('<flow>', 'the flow, e.g. customers')
  .argument('<sourceId>', 'the source record id')
  .action(async (flowName: string, sourceId: string) => {
    const env = parseEnv()
    const config = loadConfig({ dir: resolve(env.TANDEM_CONFIG_DIR), env: process.env, connectorTypes })
    const logger = createLogger(env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL, { role: 'preview' })
    const open = await openConnections({ config, env, logger })
    const store = await openStore(env)
    try {
      const flows = await createFlows([...config.flows.values()], open.connections, logger)
      const flow = flows.get(flowName)
      if (!flow) throw new ConfigError(`no flow '${flowName}' (flows: ${[...flows.keys()].join(', ')})`)
      process.stdout.write(`${JSON.stringify(await previewRecord(flows, flow, sourceId, store), null, 2)}\n`)
    } finally {
      await store.close()
      await open.close()
    }
  })

program
  .command('reconcile')
  .description("compare a flow's records on both sides and report drift field by field; --repair enqueues syncs")
  .argument('<flow>', 'the flow, e.g. customers')
  .option('--repair', 'enqueue syncs for missing and mismatched records (orphans are only reported)')
  .option('--since <time>', 'compare only records changed since an ISO time, or "last" (since the last run)')
  .action(async (flowName: string, opts: { repair?: boolean; since?: string }) => {
    const env = parseEnv()
    const config = loadConfig({ dir: resolve(env.TANDEM_CONFIG_DIR), env: process.env, connectorTypes })
    const logger = createLogger(env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL, { role: 'reconcile' })
    const since =
      opts.since === undefined ? undefined : opts.since === 'last' ? ('last' as const) : Date.parse(opts.since)
    if (typeof since === 'number' && Number.isNaN(since))
      throw new ConfigError(`--since: '${opts.since}' is not an ISO time or "last"`)
    // Store, queue and connections, but no workers or polling: repairs are picked up by the running service.
    const rt = await startRuntime({ env, config, logger, roles: { intake: false, workers: false } })
    try {
      if (!rt.flows.has(flowName))
        throw new ConfigError(`no flow '${flowName}' (flows: ${[...rt.flows.keys()].join(', ')})`)
      const summary = await runReconcile({ ...rt, logger }, flowName, {
        repair: opts.repair ?? false,
        workDir: reconcileWorkDir(env),
        ...(since !== undefined ? { since } : {}),
        onProgress: (s) =>
          process.stderr.write(
            `\r${s.phase}: read ${s.read.source} source, ${s.read.target} target; compared ${s.compared}/${s.partitions} partitions   `,
          ),
      })
      process.stderr.write('\n')
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`)
    } finally {
      await rt.close()
    }
  })

program
  .command('backfill')
  .description('sync the records that already exist at the source, in bounded windows; resumable after a crash')
  .argument('<flow>', 'the flow, e.g. customers')
  .option('--since <time>', 'only records modified at or after this ISO time')
  .option('--until <time>', 'only records modified before this ISO time')
  .option(
    '--window <records>',
    'records handed over at a time (default 500); a bulk run into Salesforce needs at least its bulk threshold',
    parseWindow,
  )
  .action(async (flowName: string, opts: { since?: string; until?: string; window?: number }) => {
    const env = parseEnv()
    const config = loadConfig({ dir: resolve(env.TANDEM_CONFIG_DIR), env: process.env, connectorTypes })
    for (const [name, value] of Object.entries({ since: opts.since, until: opts.until })) {
      if (value !== undefined && Number.isNaN(Date.parse(value)))
        throw new ConfigError(`--${name}: '${value}' is not an ISO time`)
    }
    const logger = createLogger(env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL, { role: 'backfill' })
    // Intake only: the records go to the inbox and queue; the running service's workers sync them.
    const rt = await startRuntime({ env, config, logger, roles: { intake: false, workers: false } })
    try {
      const flow = rt.flows.get(flowName)
      if (!flow) throw new ConfigError(`no flow '${flowName}' (flows: ${[...rt.flows.keys()].join(', ')})`)
      const result = await backfill({ store: rt.store, ingest: rt.ingest, logger }, flow, {
        ...opts,
        onProgress: (p) =>
          process.stderr.write(
            `\r${p.flow}: read ${p.read}, queued ${p.enqueued}${p.resumedPast ? `, resumed past ${p.resumedPast}` : ''}   `,
          ),
      })
      process.stderr.write('\n')
      process.stdout.write(`${JSON.stringify(result)}\n`)
    } finally {
      await rt.close()
    }
  })

const tokens = program.command('tokens').description('admin API tokens: viewer < operator < admin')

tokens
  .command('create')
  .description('create a token and print it (the only time it is shown)')
  .requiredOption('--role <role>', `one of: ${roles.join(', ')}`, parseRole)
  .option('--name <name>', 'what the token is for, shown in the audit log', 'cli')
  .action(async (opts: { role: Role; name: string }) => {
    await withStore(async (store) => {
      const { token, id } = await createApiToken(store, opts.name, opts.role)
      process.stdout.write(`${token}\n`)
      process.stderr.write(`token ${id} (${opts.name}, ${opts.role}) created; it is not shown again\n`)
    })
  })

tokens
  .command('list')
  .description('list tokens (never their secrets)')
  .action(async () => {
    await withStore(async (store) => {
      for (const t of await store.tokens.list()) {
        const state = t.revoked_at ? 'revoked' : 'live'
        process.stdout.write(
          `${t.id}\t${t.name}\t${t.role}\t${state}\tcreated ${new Date(t.created_at).toISOString()}\n`,
        )
      }
    })
  })

tokens
  .command('revoke')
  .description('revoke a token by id')
  .argument('<id>', 'the token id from `tandem tokens list`')
  .action(async (id: string) => {
    await withStore(async (store) => {
      const done = await store.tokens.revoke(Number(id))
      process.stdout.write(done ? `token ${id} revoked\n` : `no live token ${id}\n`)
      if (!done) process.exitCode = 1
    })
  })

async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
  const store = await openStore(parseEnv())
  try {
    await fn(store)
  } finally {
    await store.close()
  }
}

function parseRole(value: string): Role {
  if (!(roles as readonly string[]).includes(value))
    throw new InvalidArgumentError(`a role is one of: ${roles.join(', ')}`)
  return value as Role
}

program
  .command('schemas')
  .description('write the JSON Schemas that give editors completion for connectors/*.yaml and mappings/*.yaml')
  .action(() => {
    const dir = resolve(parseEnv().TANDEM_CONFIG_DIR)
    for (const [path, text] of generateJsonSchemas(connectorTypes)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true })
      writeFileSync(join(dir, path), text)
      process.stdout.write(`wrote ${path}\n`)
    }
  })

program
  .command('sandbox')
  .description('run a system sandbox standalone; prints one JSON line with its URL and credentials')
  .argument('<system>', `one of: ${connectorTypes.map((t) => t.type).join(', ')}`)
  .option('--port <n>', 'port to listen on (0 picks a free one)', parsePort, 0)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--no-seed', 'start empty, without demo records')
  .action(async (system: string, opts: { port: number; host: string; seed: boolean }) => {
    const type = connectorType(system)
    if (!type)
      throw new ConfigError(`unknown system '${system}'; known: ${connectorTypes.map((t) => t.type).join(', ')}`)
    const sandbox = await type.startSandbox({ port: opts.port, host: opts.host, seed: opts.seed })
    process.stdout.write(`${JSON.stringify({ system: sandbox.system, url: sandbox.url, ...sandbox.credentials })}\n`)
    const stop = async () => {
      await sandbox.close()
      process.exit(0)
    }
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
  })

function parseWindow(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError('a window is 1–100000 records')
  return n
}

function parsePort(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('a port is 0–65535')
  return n
}

program.parseAsync().catch((err: unknown) => {
  if (err instanceof ConfigErrors) {
    process.stderr.write(`Configuration problems:\n${err.errors.map((e) => `  ${formatConfigError(e)}`).join('\n')}\n`)
  } else if (err instanceof ConfigError) {
    process.stderr.write(`Configuration problem: ${formatConfigError(err)}\n`)
  } else {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  }
  process.exit(1)
})
