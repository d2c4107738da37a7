import { DelayedError, Queue, UnrecoverableError, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { backoffDelay, isRetryable, serializeError } from './backoff.ts'
import {
  type FailedJob,
  type JobQueue,
  type QueueJob,
  type RetryChoice,
  retryPolicyOf,
  type SerializedJobError,
} from './job-queue.ts'
import { postponeDelay } from './postpone.ts'

export interface BullmqQueueOptions<T> extends RetryChoice<T> {
  name: string
  redisUrl: string
  /** Key prefix; every test run and every deployment sharing a Redis uses its own. */
  prefix: string
  /** BullMQ's lock duration: a job whose worker stops renewing it for this long is stalled and re-run. */
  leaseMs?: number
  onError?: (err: unknown, during: string) => void
}

interface Envelope<T> {
  key: string
  data: T
}

/** Error thrown to BullMQ: carries our serialised error as its message and the remote's Retry-After. */
class JobAttemptError extends Error {
  constructor(err: unknown) {
    super(JSON.stringify(serializeError(err)), { cause: err })
  }
}

/**
 * The scale-mode driver. BullMQ's deduplication with `keepLastIfActive` gives exactly the keyed semantics
 * of JobQueue: one unfinished job per key, one follow-up run when added while active.
 */
/** Failed jobs BullMQ keeps in Redis (newest first); older ones are dropped as new ones fail. */
const failedJobsKept = 10_000

export function createBullmqQueue<T>(opts: BullmqQueueOptions<T>): JobQueue<T> {
  const leaseMs = opts.leaseMs ?? 30_000
  const onError = opts.onError ?? (() => {})
  // Workers block on Redis; BullMQ requires maxRetriesPerRequest: null on their connections.
  const connection = new Redis(opts.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false })
  connection.on('error', (err) => onError(err, 'redis connection'))
  const queue = new Queue<Envelope<T>>(opts.name, { connection, prefix: opts.prefix })
  queue.on('error', (err) => onError(err, 'queue'))
  const workers = new Set<Worker>()
  const jobOptions = (key: string, data: T, delayMs = 0) => ({
    deduplication: { id: key, keepLastIfActive: true },
    delay: delayMs,
    attempts: retryPolicyOf(opts, data).attempts,
    backoff: { type: 'tandem' },
    removeOnComplete: true,
    // A parked record lives on as a dead letter in the store; Redis keeps only the newest failed jobs, for
    // inspection, so a long outage cannot fill it.
    removeOnFail: { count: failedJobsKept },
  })

  return {
    name: opts.name,

    async add(key, data, addOpts = {}) {
      await queue.add(opts.name, { key, data }, jobOptions(key, data, addOpts.delayMs))
    },

    async addMany(jobs) {
      if (jobs.length === 0) return
      // One pipeline for all of them: a single write and round trip instead of one per job.
      await queue.addBulk(
        jobs.map((j) => ({
          name: opts.name,
          data: { key: j.key, data: j.data },
          opts: jobOptions(j.key, j.data, j.delayMs),
        })),
      )
    },

    process(handler, { concurrency }) {
      const worker = new Worker<Envelope<T>>(
        opts.name,
        async (job, token) => {
          const queued: QueueJob<T> = {
            id: job.id ?? '',
            key: job.data.key,
            data: job.data.data,
            attempt: job.attemptsMade + 1,
            maxAttempts: job.opts.attempts ?? retryPolicyOf(opts, job.data.data).attempts,
          }
          try {
            await handler(queued)
          } catch (err) {
            const postponeMs = postponeDelay(err)
            if (postponeMs !== undefined) {
              // Back to the delayed set without spending an attempt; DelayedError tells the worker so.
              await job.moveToDelayed(Date.now() + postponeMs, token)
              throw new DelayedError()
            }
            if (!isRetryable(err)) throw new UnrecoverableError(JSON.stringify(serializeError(err)))
            throw new JobAttemptError(err)
          }
        },
        {
          connection: connection.duplicate(),
          prefix: opts.prefix,
          concurrency,
          lockDuration: leaseMs,
          stalledInterval: leaseMs,
          // A job stalls when its worker dies; that is the process's fault, not the job's, so allow as many
          // stalls as attempts before giving up on a job that keeps killing its worker.
          maxStalledCount: opts.retry.attempts,
          settings: {
            backoffStrategy: (attemptsMade, _type, err, job) =>
              backoffDelay(
                attemptsMade,
                job ? retryPolicyOf(opts, (job.data as Envelope<T>).data) : opts.retry,
                err instanceof JobAttemptError ? err.cause : err,
              ),
          },
        },
      )
      worker.on('error', (err) => onError(err, 'worker'))
      workers.add(worker)
      return {
        close: async () => {
          workers.delete(worker)
          await worker.close()
        },
      }
    },

    async counts() {
      const c = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'failed')
      return {
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        delayed: c.delayed ?? 0,
        active: c.active ?? 0,
        failed: c.failed ?? 0,
      }
    },

    async failed(limit = 100): Promise<FailedJob<T>[]> {
      const jobs = await queue.getFailed(0, limit - 1)
      return jobs.map((job) => ({
        id: job.id ?? '',
        key: job.data.key,
        data: job.data.data,
        attempts: job.attemptsMade,
        error: parseFailedReason(job.failedReason),
        failedAt: job.finishedOn ?? job.timestamp,
      }))
    },

    async close() {
      await Promise.all([...workers].map((w) => w.close()))
      workers.clear()
      await queue.close()
      await connection.quit().catch(() => connection.disconnect())
    },
  }
}

function parseFailedReason(reason: string | undefined): SerializedJobError {
  try {
    const parsed = JSON.parse(reason ?? '') as Partial<SerializedJobError>
    if (typeof parsed.code === 'string' && typeof parsed.message === 'string') {
      return { kind: parsed.kind ?? 'transient', code: parsed.code, message: parsed.message }
    }
  } catch {
    // Not ours: BullMQ's own reasons, e.g. "job stalled more than allowable limit".
  }
  return { kind: 'transient', code: 'QUEUE_FAILURE', message: reason ?? 'unknown' }
}
