import { z } from 'zod'
import { transformStepSchema } from './transform-schema.ts'

/** What a field's source value comes from: exactly one of these per rule. */
export const ruleSources = ['from', 'value', 'expr', 'concat', 'lookup'] as const

export const refSchema = z.union([
  z.string().min(1).describe('The flow whose cross-reference maps this source id to a target id'),
  z.strictObject({
    flow: z.string().min(1).describe('The flow whose cross-reference maps this source id to a target id'),
    missing: z
      .enum(['sync-first', 'wait', 'null'])
      .default('sync-first')
      .describe('When the referenced record is not synced yet: sync it first, wait and retry, or write null'),
  }),
])

/**
 * One target field. The value is read (`from` a source path, a constant `value`, a JSONata `expr`, or a
 * `concat` of paths), replaced by `default` when empty, passed through the `transform` steps, looked up in
 * `map`, and finally resolved through the cross-reference when `ref` names a flow.
 */
export const fieldRuleSchema = z
  .strictObject({
    from: z.string().min(1).optional().describe('Source field path, e.g. Name or Account.Name'),
    value: z.unknown().optional().describe('A constant written as is; null writes null'),
    expr: z.string().min(1).optional().describe('A JSONata expression over the source record, compiled at load'),
    concat: z
      .strictObject({
        from: z.array(z.string().min(1)).min(2).describe('Source paths; empty values are skipped'),
        separator: z.string().default(' '),
      })
      .optional()
      .describe('Join several source values'),
    lookup: z
      .strictObject({
        object: z.string().min(1).describe('A small reference object on the target: Pricebook2, subsidiary, term'),
        where: z
          .record(
            z.string().min(1),
            z.union([
              z.string(),
              z.number(),
              z.boolean(),
              z.strictObject({ from: z.string().min(1).describe('Source path whose value the field must have') }),
            ]),
          )
          .refine((w) => Object.keys(w).length > 0, 'lookup needs at least one condition')
          .describe('Field values the record must have: constants ({ IsStandard: true }) or { from: Owner.Email }'),
        field: z.string().min(1).default('id').describe('What to take from the record found; default its id'),
        missing: z
          .enum(['fail', 'null'])
          .default('fail')
          .describe('When no record matches: fail the record (default) or write null (an optional sales rep)'),
      })
      .optional()
      .describe('A value from a target record found by its fields (the standard price book’s id), cached'),
    default: z.unknown().optional().describe('Used when the value is null, missing or blank'),
    transform: z.array(transformStepSchema).optional().describe('Steps applied in order'),
    map: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Value map: source value → target value (after the transform steps)'),
    otherwise: z
      .union([z.enum(['fail', 'keep']), z.strictObject({ value: z.unknown() })])
      .optional()
      .describe('An unmapped value: fail (the default, a clear error), keep it as is, or write { value: … }'),
    ref: refSchema.optional(),
  })
  .superRefine((rule, ctx) => {
    const sources = ruleSources.filter((k) => k in rule)
    if (sources.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          sources.length === 0
            ? 'a field rule needs one of: from, value, expr, concat, lookup'
            : `a field rule takes one of from, value, expr, concat, lookup, not ${sources.join(' and ')}`,
      })
      return
    }
    const constant = 'value' in rule
    for (const key of ['default', 'transform', 'map', 'ref'] as const) {
      if (constant && key in rule) {
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} does not apply to a constant value` })
      }
    }
    if ('otherwise' in rule && !('map' in rule)) {
      ctx.addIssue({ code: 'custom', path: ['otherwise'], message: 'otherwise only applies with map' })
    }
    if ('lookup' in rule && ('ref' in rule || 'map' in rule)) {
      ctx.addIssue({
        code: 'custom',
        path: ['lookup'],
        message: 'a lookup already gives the target value; drop ref and map',
      })
    }
    if ('ref' in rule && 'concat' in rule) {
      ctx.addIssue({ code: 'custom', path: ['ref'], message: 'a reference needs one source id, not a concat' })
    }
  })

export type FieldRule = z.output<typeof fieldRuleSchema>
export type RefRule = z.output<typeof refSchema>

/** A target sublist built from a source list (Opportunity line items → salesOrder `item` lines). */
export const lineRuleSchema = z.strictObject({
  from: z.string().min(1).describe('Source list path, e.g. OpportunityLineItems'),
  when: z.string().min(1).optional().describe('JSONata condition on a line; lines where it is false are left out'),
  fields: z
    .record(z.string().min(1), fieldRuleSchema)
    .refine((f) => Object.keys(f).length > 0, 'a line needs at least one field'),
})

export type LineRule = z.output<typeof lineRuleSchema>
