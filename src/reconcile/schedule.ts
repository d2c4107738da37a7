import { Cron } from 'croner'
import type { Logger } from '../lib/logger.ts'
import { type ReconcileDeps, runReconcile } from './run-reconcile.ts'

/**
 * Runs each flow's scheduled reconciliation (`reconcile.schedule` in its mapping file). A run still going
 * when the next is due is not started twice (croner's protect).
 */
export function startReconcileSchedules(deps: ReconcileDeps, workDir: string, logger: Logger): { stop(): void } {
  const jobs: Cron[] = []
  for (const flow of deps.flows.values()) {
    const cfg = flow.config.reconcile
    if (!cfg) continue
    jobs.push(
      new Cron(cfg.schedule, { protect: true, name: `reconcile:${flow.name}` }, async () => {
        await runReconcile(deps, flow.name, {
          repair: cfg.repair,
          workDir,
          ...(cfg.incremental ? { since: 'last' as const } : {}),
        }).catch((err) => logger.error({ err, flow: flow.name }, 'scheduled reconciliation failed'))
      }),
    )
  }
  return {
    stop() {
      for (const job of jobs) job.stop()
    },
  }
}
