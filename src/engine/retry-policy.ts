import type { TandemConfig } from '../config/load-config.ts'
import type { RetryPolicy } from '../queue/job-queue.ts'

/**
 * Each flow's job-level retry policy: its target connection's `retry:` block over the deployment's
 * defaults. The target decides because a sync job's retries exist for its write; a source that fails a
 * read is retried in-call first (`retry.reads`) and only then costs a job attempt.
 */
export function retryPolicies(config: TandemConfig, defaults: RetryPolicy): Map<string, RetryPolicy> {
  const byFlow = new Map<string, RetryPolicy>()
  for (const [name, flow] of config.flows) {
    const own = config.connections.get(flow.mapping.target.connection)?.retry ?? {}
    byFlow.set(name, {
      attempts: own.attempts ?? defaults.attempts,
      baseMs: own.baseMs ?? defaults.baseMs,
      maxMs: own.maxMs ?? defaults.maxMs,
    })
  }
  return byFlow
}
