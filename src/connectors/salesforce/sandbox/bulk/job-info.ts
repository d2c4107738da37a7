import { formatDatetime } from '../datetime.ts'
import type { BulkJob } from './jobs.ts'

/** JobInfo as Bulk API 2.0 answers create, close and get (Bulk API 2.0 guide, "Get Job Info"). */
export function jobInfo(job: BulkJob, detailed: boolean): Record<string, unknown> {
  const ingest = job.kind === 'ingest'
  const base: Record<string, unknown> = {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: formatDatetime(job.createdDate),
    systemModstamp: formatDatetime(job.systemModstamp),
    state: job.state,
    ...(ingest && job.externalIdFieldName ? { externalIdFieldName: job.externalIdFieldName } : {}),
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: Number(job.apiVersion),
    ...(ingest && !detailed ? { contentUrl: `services/data/v${job.apiVersion}/jobs/ingest/${job.id}/batches` } : {}),
    lineEnding: job.lineEnding,
    columnDelimiter: job.columnDelimiter,
  }
  if (!detailed) return base
  if (ingest) {
    const processed = job.outcome ? job.outcome.successful.length + job.outcome.failed.length : 0
    return {
      ...base,
      jobType: 'V2Ingest',
      ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
      numberRecordsProcessed: processed,
      numberRecordsFailed: job.outcome?.failed.length ?? 0,
      retries: 0,
      totalProcessingTime: job.processingMs,
      apiActiveProcessingTime: job.processingMs,
      apexProcessingTime: 0,
    }
  }
  return {
    ...base,
    jobType: 'V2Query',
    ...(job.errorMessage ? { errorMessage: job.errorMessage } : {}),
    numberRecordsProcessed: job.rows?.length ?? 0,
    retries: 0,
    totalProcessingTime: job.processingMs,
    isPkChunkingSupported: true,
  }
}
