import { z } from 'zod'

/**
 * Tandem's inbound change-event format for Salesforce: the `data` of a Change Data Capture message as
 * CometD delivers it on `/data/<Object>ChangeEvent` (Change Data Capture Developer Guide, "Change Event
 * Message Structure"), batched under `events`. The header names the records; body fields may come along
 * and are ignored, because Tandem always re-reads the record. Zod only, so the edge Worker validates
 * with this same schema.
 */
export const changeEventHeaderSchema = z.looseObject({
  entityName: z.string().min(1),
  recordIds: z.array(z.string().min(1)),
  changeType: z.string().min(1),
  changeOrigin: z.string().optional(),
  transactionKey: z.string().min(1).optional(),
  sequenceNumber: z.number().int().optional(),
  commitTimestamp: z.number().optional(),
  commitNumber: z.number().optional(),
  commitUser: z.string().optional(),
  changedFields: z.array(z.string()).optional(),
})

export const changeEventSchema = z
  .looseObject({
    schema: z.string().optional(),
    payload: z.looseObject({ ChangeEventHeader: changeEventHeaderSchema }),
    event: z.looseObject({ replayId: z.union([z.number().int(), z.string().min(1)]) }).optional(),
  })
  // GAP_OVERFLOW stands for too many changes to list; every other change names its records.
  .refine(
    (e) =>
      e.payload.ChangeEventHeader.recordIds.length > 0 || e.payload.ChangeEventHeader.changeType === 'GAP_OVERFLOW',
    { message: 'recordIds is empty', path: ['payload', 'ChangeEventHeader', 'recordIds'] },
  )
  // Redeliveries are recognised by the event's identity: the transaction key and sequence, or the replay id.
  .refine(
    (e) =>
      (e.payload.ChangeEventHeader.transactionKey !== undefined &&
        e.payload.ChangeEventHeader.sequenceNumber !== undefined) ||
      e.event !== undefined,
    { message: 'needs transactionKey and sequenceNumber, or event.replayId', path: ['payload', 'ChangeEventHeader'] },
  )

export const changeEventBatchSchema = z.strictObject({
  events: z.array(changeEventSchema).min(1).max(1_000),
})

export type ChangeEventMessage = z.infer<typeof changeEventSchema>
export type ChangeEventBatch = z.infer<typeof changeEventBatchSchema>
