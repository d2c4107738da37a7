import { z } from 'zod'
import type { FieldSchema, ObjectSchema } from '../types.ts'

/**
 * The parts of an sObject describe (`GET /sobjects/{Obj}/describe`, REST API "sObject Describe") that
 * Tandem reads, validated at the boundary; everything else in the describe is ignored.
 */
const describeFieldSchema = z.looseObject({
  name: z.string().min(1),
  label: z.string().optional(),
  type: z.string(),
  length: z.number().optional(),
  nillable: z.boolean().default(true),
  createable: z.boolean().default(true),
  updateable: z.boolean().default(true),
  defaultedOnCreate: z.boolean().default(false),
  calculated: z.boolean().default(false),
  autoNumber: z.boolean().default(false),
  externalId: z.boolean().default(false),
  idLookup: z.boolean().default(false),
  picklistValues: z
    .array(z.looseObject({ value: z.string(), active: z.boolean().default(true) }))
    .nullish()
    .transform((v) => v ?? []),
  referenceTo: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
  relationshipName: z.string().nullish(),
})

export const sobjectDescribeSchema = z.looseObject({
  name: z.string().min(1),
  label: z.string().optional(),
  fields: z.array(describeFieldSchema),
  childRelationships: z
    .array(
      z.looseObject({
        childSObject: z.string(),
        field: z.string(),
        relationshipName: z.string().nullish(),
      }),
    )
    .nullish()
    .transform((v) => v ?? []),
})

export type SObjectDescribe = z.output<typeof sobjectDescribeSchema>
type DescribeField = SObjectDescribe['fields'][number]

/** Salesforce field types onto the boundary's normalised ones. */
const typeMap: Record<string, FieldSchema['type']> = {
  id: 'id',
  string: 'string',
  encryptedstring: 'string',
  combobox: 'picklist',
  textarea: 'textarea',
  email: 'email',
  phone: 'phone',
  url: 'url',
  picklist: 'picklist',
  multipicklist: 'multipicklist',
  boolean: 'boolean',
  int: 'int',
  long: 'int',
  double: 'double',
  currency: 'currency',
  percent: 'percent',
  date: 'date',
  datetime: 'datetime',
  reference: 'reference',
  address: 'address',
}

function toFieldSchema(f: DescribeField): FieldSchema {
  const type = typeMap[f.type] ?? 'other'
  const readOnly = (!f.createable && !f.updateable) || f.calculated || f.autoNumber
  const out: FieldSchema = {
    name: f.name,
    type,
    nillable: f.nillable,
    // Booleans are never null in Salesforce: not nillable, yet they default to false.
    required: !f.nillable && f.createable && !f.defaultedOnCreate && type !== 'boolean',
    readOnly,
    // Upsert matches on External ID fields and on standard fields flagged idLookup (reference §3).
    externalId: f.externalId || f.idLookup,
  }
  if (f.label !== undefined) out.label = f.label
  if (
    f.length !== undefined &&
    f.length > 0 &&
    ['string', 'textarea', 'email', 'phone', 'url', 'picklist'].includes(type)
  ) {
    out.length = f.length
  }
  const values = f.picklistValues.filter((p) => p.active).map((p) => p.value)
  if (values.length > 0) out.picklistValues = values
  if (f.referenceTo.length > 0) out.referenceTo = f.referenceTo
  if (f.relationshipName) out.relationshipName = f.relationshipName
  return out
}

/** A describe normalised for the connector boundary: fields by API name, child relationships by name. */
export function toObjectSchema(d: SObjectDescribe): ObjectSchema {
  const children: Record<string, { object: string; field: string }> = {}
  for (const c of d.childRelationships) {
    if (c.relationshipName) children[c.relationshipName] = { object: c.childSObject, field: c.field }
  }
  return {
    name: d.name,
    ...(d.label !== undefined ? { label: d.label } : {}),
    fields: Object.fromEntries(d.fields.map((f) => [f.name, toFieldSchema(f)])),
    children,
  }
}
