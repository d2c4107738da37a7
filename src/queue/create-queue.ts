import type { JobRepo } from '../store/repos/job-repo.ts'
import { createBullmqQueue } from './bullmq-queue.ts'
import type { JobQueue, RetryChoice } from './job-queue.ts'
import { createLocalQueue } from './local-queue.ts'

export type QueueDriverOptions =
  | { driver: 'bullmq'; redisUrl: string; prefix: string }
  | { driver: 'local'; jobs: JobRepo; pollMs?: number }

export interface QueueOptions<T> extends RetryChoice<T> {
  name: string
  leaseMs?: number
  onError?: (err: unknown, during: string) => void
}

/** BullMQ when Redis is configured (scale mode), else the store-backed local queue (embedded mode). */
export function createQueue<T>(driver: QueueDriverOptions, opts: QueueOptions<T>): JobQueue<T> {
  return driver.driver === 'bullmq'
    ? createBullmqQueue<T>({ ...opts, redisUrl: driver.redisUrl, prefix: driver.prefix })
    : createLocalQueue<T>(driver.jobs, { ...opts, ...(driver.pollMs ? { pollMs: driver.pollMs } : {}) })
}
