import type { ColumnDelimiter } from './bulk-csv.ts'
import type { IngestOperation, IngestOutcome } from './ingest.ts'

export type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted'

interface JobBase {
  id: string
  object: string
  state: JobState
  apiVersion: string
  createdById: string
  createdDate: number
  systemModstamp: number
  columnDelimiter: ColumnDelimiter
  lineEnding: 'LF' | 'CRLF'
  /** The `Sforce-Call-Options` client of the call that created the job, for its change events. */
  client: string | null
  errorMessage?: string
  processingMs: number
}

export interface IngestJob extends JobBase {
  kind: 'ingest'
  operation: IngestOperation
  externalIdFieldName?: string
  csv?: string
  outcome?: IngestOutcome
}

export interface QueryJob extends JobBase {
  kind: 'query'
  operation: 'query' | 'queryAll'
  query: string
  columns?: string[]
  rows?: string[][]
}

export type BulkJob = IngestJob | QueryJob

/**
 * Bulk API 2.0 jobs of one sandbox. Work runs on timers after the client closes the job, so a poll can
 * see it UploadComplete or InProgress before JobComplete, as on the platform; `close()` cancels the rest.
 */
export class BulkJobs {
  readonly #jobs = new Map<string, BulkJob>()
  readonly #timers = new Set<ReturnType<typeof setTimeout>>()

  add(job: BulkJob): BulkJob {
    this.#jobs.set(job.id, job)
    return job
  }

  get(id: string, kind: BulkJob['kind']): BulkJob | undefined {
    const job = this.#jobs.get(id)
    return job?.kind === kind ? job : undefined
  }

  delete(id: string): void {
    this.#jobs.delete(id)
  }

  list(kind: BulkJob['kind']): BulkJob[] {
    return [...this.#jobs.values()].filter((j) => j.kind === kind)
  }

  /** Runs `step` on a later tick (unless the sandbox closes first). */
  later(step: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      step()
    }, 0)
    this.#timers.add(timer)
  }

  close(): void {
    for (const t of this.#timers) clearTimeout(t)
    this.#timers.clear()
  }
}
