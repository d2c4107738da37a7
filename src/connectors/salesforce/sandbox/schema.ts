import { z } from 'zod'

/**
 * The org's schema as data, in the shape of describe results (`GET /sobjects/{Obj}/describe`), so objects
 * and custom fields can be loaded from a file of describes saved from a real org. Only what the sandbox
 * acts on is typed; every other describe property passes through untouched and is served back as is.
 */

/** Field types the sandbox validates on write. Other describe types (address, multipicklist…) are stored as sent. */
export type KnownFieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'picklist'
  | 'reference'
  | 'datetime'
  | 'date'
  | 'boolean'
  | 'double'
  | 'currency'
  | 'percent'
  | 'int'
  | 'phone'
  | 'url'
  | 'email'

export const picklistValueSchema = z.looseObject({
  value: z.string(),
  label: z.string().optional(),
  active: z.boolean().default(true),
  defaultValue: z.boolean().default(false),
})

export const fieldDescribeSchema = z
  .looseObject({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
    label: z.string().optional(),
    type: z.string(),
    length: z.number().int().min(0).default(0),
    nillable: z.boolean().default(true),
    createable: z.boolean().default(true),
    updateable: z.boolean().default(true),
    defaultedOnCreate: z.boolean().default(false),
    defaultValue: z.union([z.string(), z.number(), z.boolean()]).nullable().default(null),
    externalId: z.boolean().default(false),
    idLookup: z.boolean().default(false),
    unique: z.boolean().default(false),
    custom: z.boolean().optional(),
    nameField: z.boolean().default(false),
    restrictedPicklist: z.boolean().default(false),
    picklistValues: z.array(picklistValueSchema).default([]),
    referenceTo: z.array(z.string()).default([]),
    relationshipName: z.string().nullable().default(null),
    // Master-detail children go with their parent when it is deleted.
    cascadeDelete: z.boolean().default(false),
    calculated: z.boolean().default(false),
    autoNumber: z.boolean().default(false),
    /** Auto-number format such as `INV-{0000}`. */
    displayFormat: z.string().nullable().default(null),
  })
  .transform((f) => ({
    ...f,
    label: f.label ?? f.name.replace(/__c$/, '').replace(/_/g, ' '),
    custom: f.custom ?? f.name.endsWith('__c'),
    picklistValues: f.picklistValues.map((p) => ({ ...p, label: p.label ?? p.value })),
  }))

export const objectDescribeSchema = z
  .looseObject({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
    label: z.string().optional(),
    labelPlural: z.string().optional(),
    keyPrefix: z.string().regex(/^[a-zA-Z0-9]{3}$/),
    custom: z.boolean().optional(),
    fields: z.array(fieldDescribeSchema).min(1),
    childRelationships: z
      .array(
        z.looseObject({
          childSObject: z.string(),
          field: z.string(),
          relationshipName: z.string().nullable().default(null),
          cascadeDelete: z.boolean().default(false),
        }),
      )
      .default([]),
  })
  .transform((o) => ({
    ...o,
    label: o.label ?? o.name.replace(/__c$/, '').replace(/_/g, ' '),
    labelPlural: o.labelPlural ?? `${o.label ?? o.name}s`,
    custom: o.custom ?? o.name.endsWith('__c'),
  }))

export type FieldDescribe = z.output<typeof fieldDescribeSchema>
export type ObjectDescribe = z.output<typeof objectDescribeSchema>
export type FieldSpec = z.input<typeof fieldDescribeSchema>
export type ObjectSpec = z.input<typeof objectDescribeSchema>

/**
 * Reads describe-shaped objects (one describe or a list of them, e.g. a JSON file saved from
 * `GET /sobjects/Account/describe`); a malformed one throws with the path of the first problem.
 */
export function parseObjectDescribes(json: unknown): ObjectDescribe[] {
  return z.array(objectDescribeSchema).parse(Array.isArray(json) ? json : [json])
}

/** A field is required on create when it cannot be null, is createable and gets no default (booleans default to false). */
export function isRequired(f: FieldDescribe): boolean {
  return !f.nillable && f.createable && !f.defaultedOnCreate && f.type !== 'boolean'
}

/** The value a create gets when the body leaves the field out: the describe's default, else null (false for checkboxes). */
export function defaultValueOf(f: FieldDescribe): unknown {
  if (f.defaultValue !== null) return f.defaultValue
  const picked = f.picklistValues.find((p) => p.defaultValue)
  if (picked) return picked.value
  return f.type === 'boolean' ? false : null
}

/** Fields the sandbox can match a value on: external ids, idLookup fields and unique fields. */
export function isLookupField(f: FieldDescribe): boolean {
  return f.type !== 'id' && (f.externalId || f.idLookup || f.unique)
}

/** Case-insensitive field lookup, as the API matches names. */
export function findField(o: ObjectDescribe, name: string): FieldDescribe | undefined {
  const lower = name.toLowerCase()
  return o.fields.find((f) => f.name.toLowerCase() === lower)
}
