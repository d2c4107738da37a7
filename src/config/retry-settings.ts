import { z } from 'zod'

const ms = (max: number) => z.number().int().min(1).max(max)

/**
 * A connection's `retry:` block. How patient to be is a property of the remote system (a NetSuite account
 * that locks records under workflows needs more attempts than a Salesforce org), so it lives in the
 * connection file; every key falls back to the deployment-wide TANDEM_JOB_ATTEMPTS / TANDEM_RETRY_* values.
 *
 * Two levels, as DESIGN.md's pipeline promises: a record sync that fails transiently is retried by the
 * queue (it survives restarts; writes are only ever retried this way), and an idempotent read may also be
 * retried inside the call for a short blip, so one dropped connection does not cost a whole job attempt.
 */
export const retrySettingsSchema = z
  .strictObject({
    attempts: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('Attempts per record sync writing to this connection, the first included'),
    baseMs: ms(3_600_000)
      .optional()
      .describe('Backoff before retry n is random in [0, min(maxMs, baseMs·2^(n−1))] (full jitter)'),
    maxMs: ms(86_400_000).optional().describe('Cap of the backoff; a longer Retry-After from the system still wins'),
    reads: z
      .strictObject({
        retries: z.number().int().min(0).max(10).default(3).describe('Retries of one idempotent read'),
        maxMs: ms(60_000)
          .default(2_000)
          .describe('Longest wait between read retries; a longer Retry-After goes back to the queue instead'),
      })
      .optional()
      .describe('In-call retries of idempotent reads (GET, query) after a transient failure'),
  })
  .refine((r) => r.baseMs === undefined || r.maxMs === undefined || r.baseMs <= r.maxMs, {
    path: ['baseMs'],
    message: 'baseMs must not exceed maxMs',
  })

export type RetrySettings = z.output<typeof retrySettingsSchema>

/** The file's key, wrapped so validation errors carry the path from the document's root. */
export const retryKeySchema = z.object({ retry: retrySettingsSchema.default({}) })
