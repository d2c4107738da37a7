import type { Logger } from '../lib/logger.ts'
import { valuesMatch } from '../mapping/compare-values.ts'
import type { SourceData } from '../mapping/source-path.ts'
import type { Flow } from './flows.ts'

export type SyncOutcome = { status: 'synced'; targetId: string; wrote: boolean } | { status: 'failed'; message: string }

/** Salesforce text fields hold 255 characters; an error longer than that is cut, never refused. */
const maxErrorLength = 255

/**
 * Writes the outcome of a sync onto the source record (the ERP id, "synced" or "failed", the last error)
 * where the people using the source system look. Skipped when the record already shows it, so the change
 * notification this write causes ends in a no-op rather than a loop. A failed write-back is logged, never
 * turned into a failed sync: the target holds the data either way.
 */
export async function writeBack(
  flow: Flow,
  recordId: string,
  current: SourceData,
  outcome: SyncOutcome,
  logger: Logger,
) {
  const fields = flow.config.writeBack
  if (!fields) return
  const row: Record<string, unknown> = {}
  if (outcome.status === 'synced') {
    if (fields.targetId) row[fields.targetId] = outcome.targetId
    if (fields.status) row[fields.status] = fields.statusValues.synced
    if (fields.error) row[fields.error] = null
  } else {
    if (fields.status) row[fields.status] = fields.statusValues.failed
    if (fields.error) row[fields.error] = outcome.message.slice(0, maxErrorLength)
  }
  const changed = Object.entries(row).some(([k, v]) => !valuesMatch(v, current[k]))
  if (!changed) return
  // The time of the last write only moves with a write; stamping it on every no-op would itself loop.
  if (fields.syncedAt && outcome.status === 'synced' && outcome.wrote) row[fields.syncedAt] = new Date().toISOString()
  try {
    const result = await flow.source.update.call({ id: recordId, ...row })
    if (result && !result.ok) logger.warn({ flow: flow.name, recordId, code: result.error.code }, 'write-back refused')
  } catch (err) {
    logger.warn({ flow: flow.name, recordId, err }, 'write-back failed')
  }
}
