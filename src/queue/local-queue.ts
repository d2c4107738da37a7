import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { hostname } from 'node:os'
import type { JobRepo, JobRow } from '../store/repos/job-repo.ts'
import { backoffDelay, isRetryable, serializeError } from './backoff.ts'
import {
  type FailedJob,
  type JobCounts,
  type JobHandler,
  type JobQueue,
  type JobWorker,
  type NewJob,
  type QueueJob,
  type RetryChoice,
  retryPolicyOf,
  type SerializedJobError,
} from './job-queue.ts'
import { postponeDelay } from './postpone.ts'

export interface LocalQueueOptions<T> extends RetryChoice<T> {
  name: string
  /** A running job's claim; renewed while it runs, taken over by another worker once it lapses. */
  leaseMs?: number
  /** How often an idle worker looks for jobs added by other processes. */
  pollMs?: number
  /** Store errors met in the background (claiming, renewing leases); the worker carries on. */
  onError?: (err: unknown, during: string) => void
}

/**
 * The embedded driver: jobs live in the store (SQLite or PostgreSQL), so they survive restarts with the
 * data they belong to. A job's lease is renewed while it runs; if its process dies the lease lapses and
 * any worker picks the job up again.
 */
export function createLocalQueue<T>(repo: JobRepo, opts: LocalQueueOptions<T>): JobQueue<T> {
  const leaseMs = opts.leaseMs ?? 30_000
  const pollMs = opts.pollMs ?? 250
  const onError = opts.onError ?? (() => {})
  // In-process wake-ups, so a job added here starts without waiting for the next poll.
  const added = new EventEmitter()
  const workers = new Set<JobWorker>()

  const addMany = async (jobs: readonly NewJob<T>[]): Promise<void> => {
    if (jobs.length === 0) return
    const now = Date.now()
    await repo.addMany(
      opts.name,
      jobs.map((j) => ({
        key: j.key,
        data: JSON.stringify(j.data),
        runAt: now + (j.delayMs ?? 0),
        maxAttempts: retryPolicyOf(opts, j.data).attempts,
      })),
      now,
    )
    added.emit('added')
  }

  return {
    name: opts.name,

    add: (key, data, addOpts = {}) => addMany([{ key, data, ...addOpts }]),

    addMany,

    process(handler, { concurrency }) {
      const worker = runWorker(repo, handler, { ...opts, leaseMs, pollMs, onError, concurrency, added })
      workers.add(worker)
      return {
        close: async () => {
          workers.delete(worker)
          await worker.close()
        },
      }
    },

    counts: (): Promise<JobCounts> => repo.counts(opts.name),

    async failed(limit = 100): Promise<FailedJob<T>[]> {
      const rows = await repo.listFailed(opts.name, limit)
      return rows.map((row) => ({
        id: String(row.id),
        key: row.key,
        data: JSON.parse(row.data) as T,
        attempts: row.attempts_made,
        error: parseError(row.last_error),
        failedAt: row.updated_at,
      }))
    },

    async close() {
      await Promise.all([...workers].map((w) => w.close()))
      workers.clear()
    },
  }
}

interface WorkerOptions<T> extends Required<Omit<LocalQueueOptions<T>, 'retryFor'>>, RetryChoice<T> {
  concurrency: number
  added: EventEmitter
}

function runWorker<T>(repo: JobRepo, handler: JobHandler<T>, opts: WorkerOptions<T>): JobWorker {
  const workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`
  const running = new Map<number, Promise<void>>()
  let stopping = false
  let wake: (() => void) | null = null
  const onAdded = () => wake?.()
  opts.added.on('added', onAdded)

  const renew = setInterval(
    () => {
      repo
        .extendLease([...running.keys()], workerId, Date.now() + opts.leaseMs)
        .catch((err) => opts.onError(err, 'renewing leases'))
    },
    Math.max(50, Math.floor(opts.leaseMs / 3)),
  )

  async function runOne(row: JobRow): Promise<void> {
    const job: QueueJob<T> = {
      id: String(row.id),
      key: row.key,
      data: JSON.parse(row.data) as T,
      attempt: row.attempts_made,
      maxAttempts: row.max_attempts,
    }
    try {
      await handler(job)
      await repo.complete(row.id, workerId)
    } catch (err) {
      const postponeMs = postponeDelay(err)
      if (postponeMs !== undefined) {
        await repo.postpone(row.id, workerId, Date.now() + postponeMs)
        return
      }
      const error = JSON.stringify(serializeError(err))
      if (isRetryable(err) && job.attempt < job.maxAttempts) {
        await repo.retry(
          row.id,
          workerId,
          Date.now() + backoffDelay(job.attempt, retryPolicyOf(opts, job.data), err),
          error,
        )
      } else {
        await repo.fail(row.id, workerId, error)
      }
    }
  }

  async function idle(): Promise<void> {
    const next = await repo.nextRunAt(opts.name).catch((err) => {
      opts.onError(err, 'looking for due jobs')
      return null
    })
    const untilNext = next === null ? opts.pollMs : Math.max(0, Math.min(opts.pollMs, next - Date.now()))
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, untilNext)
      function done() {
        clearTimeout(timer)
        wake = null
        resolve()
      }
      wake = done
    })
  }

  const loop = (async () => {
    while (!stopping) {
      const free = opts.concurrency - running.size
      let claimed: JobRow[] = []
      if (free > 0) {
        claimed = await repo.claim(opts.name, workerId, free, opts.leaseMs).catch((err) => {
          opts.onError(err, 'claiming jobs')
          return []
        })
        for (const row of claimed) {
          const p = runOne(row)
            .catch((err) => opts.onError(err, `recording the outcome of job ${row.id}`))
            .finally(() => {
              running.delete(row.id)
              wake?.()
            })
          running.set(row.id, p)
        }
      }
      if (claimed.length === 0 || running.size >= opts.concurrency) await idle()
    }
  })()

  return {
    async close() {
      stopping = true
      wake?.()
      await loop
      await Promise.all(running.values())
      clearInterval(renew)
      opts.added.off('added', onAdded)
    },
  }
}

function parseError(raw: string | null): SerializedJobError {
  if (!raw) return { kind: 'transient', code: 'UNKNOWN', message: 'no error recorded' }
  return JSON.parse(raw) as SerializedJobError
}
