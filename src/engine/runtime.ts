import { join } from 'node:path'
import { Redis } from 'ioredis'
import type { Env } from '../config/env.ts'
import type { TandemConfig } from '../config/load-config.ts'
import type { Connection, RunningSandbox } from '../connectors/types.ts'
import type { Logger } from '../lib/logger.ts'
import { createMetrics, type Metrics } from '../lib/metrics.ts'
import { createQueue, type QueueDriverOptions } from '../queue/create-queue.ts'
import type { JobQueue, JobWorker } from '../queue/job-queue.ts'
import { startReconcileSchedules } from '../reconcile/schedule.ts'
import { createStore, type Store } from '../store/store.ts'
import { createCircuitBreakers } from './circuit-breaker.ts'
import { openConnections } from './connect.ts'
import { createPauseCheck } from './flow-pauses.ts'
import { createFlows, type Flow, type SyncJobData } from './flows.ts'
import { startInboxSweeper } from './inbox-sweeper.ts'
import { createIngest, type Ingest } from './ingest.ts'
import { linkExisting, linkingDone } from './initial-link.ts'
import { startPollers } from './poller.ts'
import { retryPolicies } from './retry-policy.ts'
import { createSyncHandler } from './sync-worker.ts'

export interface RuntimeRoles {
  /** Webhook intake, polling and the inbox sweeper (`tandem serve`). */
  intake: boolean
  /** Sync workers taking jobs off the queue (`tandem worker`, and `serve` in embedded mode). */
  workers: boolean
}

export interface Runtime {
  env: Env
  /** The configuration the engine was built from (for checking a changed mapping against the rest). */
  config: TandemConfig
  store: Store
  queue: JobQueue<SyncJobData>
  connections: Map<string, Connection>
  flows: Map<string, Flow>
  ingest: Ingest
  metrics: Metrics
  /** Asks for a sync of one record of a flow, durably through the inbox. */
  requestSync(flow: string, recordId: string, reason: string): Promise<void>
  /** Sandboxes started for `sandbox: auto` connections, by connection name. */
  sandboxes: Map<string, RunningSandbox>
  close(): Promise<void>
}

/** Builds the engine from a loaded configuration and starts the parts its roles call for. */
export async function startRuntime(opts: {
  env: Env
  config: TandemConfig
  logger: Logger
  roles: RuntimeRoles
  /** This service's own URL: sandboxes send their change notifications to its webhooks. */
  serviceUrl?: string
}): Promise<Runtime> {
  const { env, config, logger, roles } = opts
  const closers: (() => Promise<void>)[] = []
  // Once: in the reverse order of opening, so what uses the store and queue stops before they close.
  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= (async () => {
      for (const fn of [...closers].reverse()) {
        await fn().catch((err) => logger.error({ err }, 'error while shutting down'))
      }
    })())
  const metrics = createMetrics()
  try {
    // Scale mode: the connections' request ceilings are shared by every process through Redis.
    let shared: { redis: Redis; prefix: string } | undefined
    if (env.REDIS_URL) {
      const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null })
      closers.push(async () => void (await redis.quit()))
      shared = { redis, prefix: env.TANDEM_QUEUE_PREFIX }
    }
    const open = await openConnections({
      config,
      env,
      logger,
      ...(opts.serviceUrl ? { serviceUrl: opts.serviceUrl } : {}),
      ...(shared ? { shared } : {}),
      metrics,
    })
    closers.push(() => open.close())
    const { connections, sandboxes } = open

    const store = await openStore(env)
    closers.push(() => store.close())

    const driver: QueueDriverOptions = env.REDIS_URL
      ? { driver: 'bullmq', redisUrl: env.REDIS_URL, prefix: env.TANDEM_QUEUE_PREFIX }
      : { driver: 'local', jobs: store.jobs }
    const retry = {
      attempts: env.TANDEM_JOB_ATTEMPTS,
      baseMs: env.TANDEM_RETRY_BASE_MS,
      maxMs: env.TANDEM_RETRY_MAX_MS,
    }
    const retryByFlow = retryPolicies(config, retry)
    const queue = createQueue<SyncJobData>(driver, {
      name: 'sync',
      retry,
      retryFor: (data) => retryByFlow.get(data.flow) ?? retry,
      leaseMs: env.TANDEM_JOB_LEASE_MS,
      onError: (err, during) => logger.warn({ err, during }, 'queue error'),
    })
    closers.push(() => queue.close())

    const flows = await createFlows([...config.flows.values()], connections, logger, {
      batchLingerMs: env.TANDEM_BATCH_LINGER_MS,
    })
    const ingest = createIngest({ store, queue, flows, logger })
    // Closed after intake and workers (the last to accept events), before the queue and store: the marks
    // ingest writes after answering must not meet a closed store.
    closers.push(() => ingest.settled())
    // A dependency (an order's customer) is synced through the inbox like any change, so it survives a crash.
    const requestSync = async (flow: string, recordId: string, reason: string) => {
      const dep = flows.get(flow)
      if (!dep) return
      await ingest.accept(
        dep.source.connection,
        [
          {
            object: dep.config.source.object,
            recordId,
            changeType: 'unknown',
            eventId: `dependency:${reason}:${Date.now()}`,
          },
        ],
        { via: 'poll', flow },
      )
    }

    let worker: JobWorker | undefined
    if (roles.workers) {
      const circuits = createCircuitBreakers(
        store,
        {
          minFailures: env.TANDEM_CIRCUIT_MIN_FAILURES,
          openAfterMs: env.TANDEM_CIRCUIT_OPEN_AFTER_MS,
          firstProbeMs: env.TANDEM_CIRCUIT_PROBE_MS,
          maxProbeMs: env.TANDEM_CIRCUIT_PROBE_MAX_MS,
        },
        logger,
      )
      worker = queue.process(
        createSyncHandler({
          store,
          flows,
          logger,
          requestSync,
          circuits,
          metrics,
          isPaused: createPauseCheck(store),
        }),
        {
          concurrency: env.TANDEM_WORKER_CONCURRENCY,
        },
      )
      // Stop taking jobs and let running ones finish before the queue and store close.
      closers.push(() => worker!.close())
    }
    if (roles.intake) {
      // Linking reads both systems whole; it runs beside intake, and syncs of its flows wait for it.
      for (const flow of flows.values()) {
        if (await linkingDone(flow, store)) continue
        void linkExisting(flow, store, logger).catch((err) => {
          // A shutdown closes the store under a linking still reading: that is an interruption, not a fault.
          if (closing)
            logger.info({ flow: flow.name }, 'initial linking stopped by the shutdown; it runs again at the next start')
          else logger.error({ err, flow: flow.name }, 'initial linking failed; it runs again at the next start')
        })
      }
      const pollers = startPollers(flows.values(), { store, ingest, logger })
      const sweeper = startInboxSweeper(
        { store, ingest, logger },
        {
          everyMs: env.TANDEM_SWEEP_EVERY_MS,
          graceMs: env.TANDEM_SWEEP_GRACE_MS,
          staleMs: Math.max(120_000, env.TANDEM_JOB_LEASE_MS * 4),
        },
      )
      const schedules = startReconcileSchedules({ flows, store, logger, requestSync }, reconcileWorkDir(env), logger)
      closers.push(
        () => pollers.stop(),
        () => sweeper.stop(),
        async () => schedules.stop(),
      )
    }

    return { env, config, store, queue, connections, flows, ingest, requestSync, sandboxes, metrics, close }
  } catch (err) {
    await close()
    throw err
  }
}

/** Where reconciliations spill their partitions: under the service's local state. */
export function reconcileWorkDir(env: Env): string {
  return join(env.TANDEM_HOME, 'tmp')
}

/** The store the environment selects: PostgreSQL with DATABASE_URL, else the embedded SQLite file. */
export function openStore(env: Env): Promise<Store> {
  return createStore({
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    sqliteFile: join(env.TANDEM_HOME, 'tandem.db'),
  })
}
