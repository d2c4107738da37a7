import { z } from 'zod'
import { PermanentError } from '../../errors.ts'
import type { FieldSchema, ObjectSchema } from '../types.ts'
import type { NetSuiteClient } from './client.ts'

/** One property of the metadata catalog's JSON Schema (reference §9); unknown keywords are ignored. */
interface JsonSchemaProperty {
  type?: string
  $ref?: string
  format?: string
  title?: string
  maxLength?: number
  nullable?: boolean
  readOnly?: boolean
  enum?: unknown[]
  properties?: Record<string, JsonSchemaProperty>
  items?: JsonSchemaProperty
}

const propertySchema: z.ZodType<JsonSchemaProperty> = z.lazy(() =>
  z.looseObject({
    type: z.string().optional(),
    $ref: z.string().optional(),
    format: z.string().optional(),
    title: z.string().optional(),
    maxLength: z.number().optional(),
    nullable: z.boolean().optional(),
    readOnly: z.boolean().optional(),
    enum: z.array(z.unknown()).optional(),
    properties: z.record(z.string(), propertySchema).optional(),
    items: propertySchema.optional(),
  }),
)

const recordSchemaSchema = z.looseObject({
  properties: z.record(z.string(), propertySchema),
  required: z.array(z.string()).optional(),
})

/** A sublist is `{ items: [line] }` (reference §4), so its schema is an object whose `items` is an array. */
function sublistLine(p: JsonSchemaProperty): JsonSchemaProperty | undefined {
  const items = p.properties?.items
  return items?.type === 'array' ? items.items : undefined
}

function toField(name: string, p: JsonSchemaProperty, required: boolean): FieldSchema {
  const base = {
    name,
    ...(p.title ? { label: p.title } : {}),
    nillable: p.nullable !== false,
    required,
    readOnly: p.readOnly === true || name === 'id',
    // The external ID is NetSuite's upsert key (`PUT …/eid:<value>`).
    externalId: name === 'externalId',
  }
  const line = p.type === 'object' ? sublistLine(p) : undefined
  if (line?.properties) {
    const lineFields = Object.fromEntries(
      Object.entries(line.properties).map(([n, lp]) => [n, toField(n, lp, false)] as const),
    )
    return { ...base, type: 'sublist', lineFields }
  }
  // An enum reads `{ id, refName }` like a reference, but its ids are a closed list (`orderStatus`, `priceLevel`).
  const enumIds = p.type === 'object' ? p.properties?.id?.enum : undefined
  if (enumIds) return { ...base, type: 'picklist', picklistValues: enumIds.map(String) }
  // A reference to a record type may name it: `"$ref": "/services/rest/record/v1/metadata-catalog/subsidiary"`.
  const target = p.$ref ? /metadata-catalog\/([A-Za-z0-9_]+)\/?$/.exec(p.$ref)?.[1] : undefined
  if (target) return { ...base, type: 'reference', referenceTo: [target] }
  if (p.type === 'object' && p.properties?.id) return { ...base, type: 'reference' }
  if (p.type === 'boolean') return { ...base, type: 'boolean' }
  if (p.type === 'integer') return { ...base, type: 'int' }
  if (p.type === 'number') return { ...base, type: 'double' }
  if (p.type === 'string' && p.format === 'date-time') return { ...base, type: 'datetime' }
  if (p.type === 'string' && p.format === 'date') return { ...base, type: 'date' }
  if (p.type === 'string' && p.enum) return { ...base, type: 'picklist', picklistValues: p.enum.map(String) }
  if (p.type === 'string') return { ...base, type: 'string', ...(p.maxLength ? { length: p.maxLength } : {}) }
  return { ...base, type: 'other' }
}

/**
 * A record type's fields from the metadata catalog (`Accept: application/schema+json`), account-specific
 * custom fields included, normalised for mapping checks.
 */
export async function describeRecord(client: NetSuiteClient, type: string): Promise<ObjectSchema> {
  const res = await client.request({
    method: 'GET',
    path: `/record/v1/metadata-catalog/${type}`,
    headers: { accept: 'application/schema+json' },
  })
  const parsed = recordSchemaSchema.safeParse(res.body)
  if (!parsed.success) {
    throw new PermanentError('NS_UNEXPECTED_RESPONSE', `the metadata catalog answered ${type} without a JSON Schema`, {
      remote: { status: res.status },
    })
  }
  const schema = parsed.data
  const required = new Set(schema.required ?? [])
  const fields = Object.fromEntries(
    Object.entries(schema.properties).map(([name, p]) => [name, toField(name, p, required.has(name))] as const),
  )
  return { name: type, fields }
}
