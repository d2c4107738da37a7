import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'

/**
 * The service's Prometheus metrics, on a registry of its own (several runtimes in one test process must not
 * collide in prom-client's global one). Labels are flows and connections only: never record ids.
 */
export function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'tandem_process_' })
  return {
    registry,
    jobs: new Counter({
      name: 'tandem_sync_jobs_total',
      help: 'Sync jobs finished, by flow and outcome (written, unchanged, skipped, retrying, failed)',
      labelNames: ['flow', 'outcome'] as const,
      registers: [registry],
    }),
    syncSeconds: new Histogram({
      name: 'tandem_sync_duration_seconds',
      help: 'Time to sync one record: read, map, write, record',
      labelNames: ['flow'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    remoteCalls: new Counter({
      name: 'tandem_remote_requests_total',
      help: 'Requests to a connected system, by connection and outcome (ok, error)',
      labelNames: ['connection', 'outcome'] as const,
      registers: [registry],
    }),
    throttleWaitSeconds: new Histogram({
      name: 'tandem_throttle_wait_seconds',
      help: 'Time a request waited for its connection’s throttle',
      labelNames: ['connection'] as const,
      buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'tandem_queue_jobs',
      help: 'Jobs in the sync queue, by state',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    deadLetters: new Gauge({
      name: 'tandem_dead_letters_open',
      help: 'Open dead letters, by flow',
      labelNames: ['flow'] as const,
      registers: [registry],
    }),
  }
}

export type Metrics = ReturnType<typeof createMetrics>
