/**
 * The queue boundary. Two drivers implement it (BullMQ on Redis for scale mode, a store-backed one for the
 * embedded mode) and one conformance suite holds them to the same behaviour.
 *
 * Jobs are keyed: at most one unfinished job per key. Adding a key that is waiting does nothing (bursts
 * coalesce); adding a key that is running schedules exactly one more run after it, with the newest data,
 * so a change that arrives mid-run is never lost and two runs of one key never overlap.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number
  /** Backoff before retry n is a random delay in [0, min(maxMs, baseMs · 2^(n−1))] (full jitter). */
  baseMs: number
  maxMs: number
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 8, baseMs: 1_000, maxMs: 5 * 60_000 }

/**
 * The policy a job retries by. One queue carries every flow's jobs, while retry policy belongs to a
 * connection (the system being written decides how patient to be), so a queue may pick the policy from
 * the job's data; without `retryFor` every job gets `retry`.
 */
export interface RetryChoice<T> {
  retry: RetryPolicy
  retryFor?: (data: T) => RetryPolicy
}

export function retryPolicyOf<T>(choice: RetryChoice<T>, data: T): RetryPolicy {
  return choice.retryFor?.(data) ?? choice.retry
}

export interface QueueJob<T> {
  /** The driver's id of this job instance. */
  id: string
  /** The dedupe key, e.g. `customers:001…`. */
  key: string
  data: T
  /** 1 for the first attempt. */
  attempt: number
  maxAttempts: number
}

/** Throwing fails the attempt: a transient error retries with backoff, any other TandemError kind parks the job. */
export type JobHandler<T> = (job: QueueJob<T>) => Promise<void>

export interface SerializedJobError {
  kind: string
  code: string
  message: string
}

export interface FailedJob<T> {
  id: string
  key: string
  data: T
  attempts: number
  error: SerializedJobError
  failedAt: number
}

export interface JobCounts {
  waiting: number
  delayed: number
  active: number
  failed: number
}

export interface JobWorker {
  /** Stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>
}

export interface NewJob<T> {
  key: string
  data: T
  delayMs?: number
}

export interface JobQueue<T> {
  readonly name: string
  add(key: string, data: T, opts?: { delayMs?: number }): Promise<void>
  /**
   * Adds several jobs in one round trip, each with `add`'s keyed semantics; for intake, where one commit
   * brings many records at once. Not atomic across jobs: a failure may leave some added, and adding again
   * is harmless because jobs are keyed.
   */
  addMany(jobs: readonly NewJob<T>[]): Promise<void>
  process(handler: JobHandler<T>, opts: { concurrency: number }): JobWorker
  counts(): Promise<JobCounts>
  failed(limit?: number): Promise<FailedJob<T>[]>
  close(): Promise<void>
}
