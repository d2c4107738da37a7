import { z } from 'zod'
import { durationSchema } from './duration.ts'
import { fieldRuleSchema, lineRuleSchema } from './field-rule-schema.ts'

const endpointSchema = z.strictObject({
  connection: z.string().min(1).describe('Name of a file in connectors/, without .yaml'),
  object: z.string().min(1).describe("The connector's object type, e.g. Account or customer"),
})

/** How a key is compared when linking pre-existing records before a flow's first sync. */
export const linkNormaliseSchema = z
  .enum(['exact', 'email', 'tax-id', 'company-name'])
  .describe(
    'exact; email (case-folded); tax-id (digits and letters only); company-name (case, spacing, diacritics and legal forms such as Công ty TNHH, JSC, Co., Ltd folded)',
  )

export const mappingSchema = z
  .strictObject({
    flow: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/, 'a flow name is lower-case letters, digits and dashes')
      .describe('The flow name; must match the file name'),
    description: z.string().optional(),
    source: endpointSchema.extend({
      when: z
        .string()
        .min(1)
        .optional()
        .describe("JSONata condition on the source record, e.g. StageName = 'Closed Won'; others are skipped"),
    }),
    target: endpointSchema.extend({
      externalId: z
        .string()
        .min(1)
        .optional()
        .describe('Target field that holds the source record id: the upsert match key, set automatically'),
      updateThrough: z
        .string()
        .min(1)
        .optional()
        .describe(
          'Instead of upserting: update the record another flow linked to this one (customer-balance updates the Account the customers flow linked); never creates',
        ),
    }),
    triggers: z
      .strictObject({
        webhook: z.boolean().default(true).describe('Accept change events from the source connection'),
        poll: z
          .strictObject({
            every: durationSchema.describe('How often to ask the source for changes'),
            overlap: durationSchema.default(60).describe('How far before the cursor each poll re-reads'),
          })
          .optional(),
      })
      .default({ webhook: true }),
    fields: z
      .record(z.string().min(1), fieldRuleSchema)
      .refine((f) => Object.keys(f).length > 0, 'a mapping needs at least one field'),
    lines: z
      .record(z.string().min(1), lineRuleSchema)
      .optional()
      .describe('Target sublists built from source lists, keyed by the target sublist name'),
    onDelete: z
      .union([
        z.literal('ignore'),
        z.strictObject({
          deactivate: z
            .record(z.string().min(1), z.unknown())
            .refine((f) => Object.keys(f).length > 0, 'name the fields that mark the target inactive')
            .describe('Fields written onto the target record, e.g. { isInactive: true }'),
        }),
      ])
      .default('ignore')
      .describe('When the source record is deleted: leave the target as it is, or mark it inactive'),
    cascade: z
      .array(
        z.strictObject({
          flow: z.string().min(1).describe('The flow whose record to sync as well'),
          from: z.string().min(1).describe('Source path holding that record’s id, e.g. entity.id'),
        }),
      )
      .optional()
      .describe(
        'After a record of this flow syncs, sync a related record of another flow too: an invoice or payment changes its customer’s balance without changing the customer',
      ),
    writeBack: z
      .strictObject({
        targetId: z.string().min(1).optional().describe('Source field that receives the target record id'),
        status: z.string().min(1).optional().describe('Source field that receives the sync status (statusValues)'),
        error: z.string().min(1).optional().describe('Source field that receives the last error, cleared on success'),
        syncedAt: z.string().min(1).optional().describe('Source field that receives the time of the last write'),
        statusValues: z
          .strictObject({ synced: z.string().min(1), failed: z.string().min(1) })
          .default({ synced: 'Synced', failed: 'Failed' })
          .describe('What the status field shows, e.g. the values of its picklist'),
      })
      .optional()
      .describe('Write the sync outcome back onto the source record, where its users look (e.g. the CRM Account)'),
    reconcile: z
      .strictObject({
        schedule: z
          .string()
          .min(1)
          .describe('Cron expression (5 or 6 fields), e.g. "0 3 * * *" for 03:00 every day, in the server time zone'),
        repair: z.boolean().default(false).describe('Also enqueue syncs for what is missing or different'),
        incremental: z.boolean().default(true).describe('Compare only records changed since the last run'),
      })
      .optional()
      .describe('Run a reconciliation of this flow on a schedule'),
    link: z
      .strictObject({
        keys: z
          .array(
            z.strictObject({
              source: z.string().min(1).describe('Source field path'),
              target: z.string().min(1).describe('Target field'),
              normalise: linkNormaliseSchema.default('exact'),
            }),
          )
          .min(1)
          .describe('Tried in order; the first key giving exactly one candidate links the pair'),
      })
      .optional()
      .describe('Before the first sync, link records that already exist on both sides instead of duplicating them'),
  })
  .superRefine((m, ctx) => {
    if ((m.target.externalId === undefined) === (m.target.updateThrough === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['target'],
        message: 'the target takes one of: externalId (upsert), updateThrough (update)',
      })
    }
    if (m.link && m.target.externalId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['link'],
        message: 'linking writes the source id into target.externalId; it needs one',
      })
    }
    if (m.target.externalId !== undefined && m.target.externalId in m.fields) {
      ctx.addIssue({
        code: 'custom',
        path: ['fields', m.target.externalId],
        message: `${m.target.externalId} is the match key and is set to the source id automatically; remove this rule`,
      })
    }
    for (const name of Object.keys(m.lines ?? {})) {
      if (name in m.fields) {
        ctx.addIssue({ code: 'custom', path: ['lines', name], message: `${name} is also written by fields.${name}` })
      }
    }
  })

export type MappingConfig = z.output<typeof mappingSchema>
export type { FieldRule, LineRule, RefRule } from './field-rule-schema.ts'
