import { readFileSync } from 'node:fs'
import { z } from 'zod'
import type { FieldDef, RecordTypeDef } from './record-types/record-type.ts'

/**
 * An account's custom fields, so the sandbox mirrors it (SandboxOptions.schemaFile). The file is keyed by
 * record type, each value the JSON Schema the metadata catalog serves for it (`GET /record/v1/metadata-
 * catalog/customer` with `Accept: application/schema+json`), so an integrator saves their account's answers:
 *
 * ```json
 * {"customer": {"properties": {"custentity_tier": {"type": "string", "title": "Tier", "x-ns-custom-field": true}}},
 *  "salesOrder": {"properties": {"custbody_crm_id": {"type": "string"},
 *    "item": {"type": "object", "properties": {"items": {"type": "array", "items": {"properties":
 *      {"custcol_discount_pct": {"type": "number"}}}}}}}}}
 * ```
 *
 * Only custom fields are taken (`custentity`, `custbody`, `custitem`; `custcol` on sublist lines); the
 * standard fields are the simulator's own. A file naming a record type the sandbox does not serve, or a
 * standard field as custom, is refused at start with the path at fault.
 */

interface Property {
  type?: string | undefined
  format?: string | undefined
  title?: string | undefined
  maxLength?: number | undefined
  enum?: unknown[] | undefined
  properties?: Record<string, Property> | undefined
  items?: Property | undefined
}

const propertySchema: z.ZodType<Property> = z.lazy(() =>
  z.looseObject({
    type: z.string().optional(),
    format: z.string().optional(),
    title: z.string().optional(),
    maxLength: z.int().positive().optional(),
    enum: z.array(z.unknown()).optional(),
    properties: z.record(z.string(), propertySchema).optional(),
    items: propertySchema.optional(),
  }),
)

const schemaFileSchema = z.record(z.string(), z.looseObject({ properties: z.record(z.string(), propertySchema) }))

const customName = /^(custentity|custbody|custitem|custcol)[a-z0-9_]+$/

/** A JSON Schema property as a field of the simulator. */
function toField(name: string, p: Property): FieldDef {
  const base = { name, custom: true }
  if (p.type === 'boolean') return { ...base, kind: 'boolean' }
  if (p.type === 'integer') return { ...base, kind: 'integer' }
  if (p.type === 'number') return { ...base, kind: 'float' }
  if (p.type === 'object' && p.properties?.id) return { ...base, kind: 'ref' }
  if (p.type === 'string' && p.format === 'date-time') return { ...base, kind: 'datetime' }
  if (p.type === 'string' && p.format === 'date') return { ...base, kind: 'date' }
  if (p.type === 'string' && p.enum) {
    const values = Object.fromEntries(p.enum.map((v) => [String(v), String(v)]))
    return { ...base, kind: 'enum', enumValues: values }
  }
  if (p.type === 'string' || p.type === undefined) {
    return { ...base, kind: 'text', ...(p.maxLength ? { maxLength: p.maxLength } : {}) }
  }
  throw new Error(`unsupported type '${p.type}'`)
}

function customFields(props: Record<string, Property>, where: string, prefixes: readonly string[]): FieldDef[] {
  return Object.entries(props)
    .filter(([name]) => customName.test(name))
    .map(([name, p]) => {
      if (!prefixes.some((prefix) => name.startsWith(prefix))) {
        throw new Error(`${where}.${name}: a ${prefixes.join('/')} field is expected here`)
      }
      try {
        return toField(name, p)
      } catch (err) {
        throw new Error(`${where}.${name}: ${(err as Error).message}`)
      }
    })
}

/** Adds the file's custom fields to the record types; returns new definitions (the defaults stay untouched). */
export function applySchemaFile(path: string, types: readonly RecordTypeDef[]): RecordTypeDef[] {
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new Error(`schema file ${path}: ${(err as Error).message}`)
  }
  const parsed = schemaFileSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new Error(`schema file ${path}: ${issue.path.join('.')}: ${issue.message}`)
  }
  const out = [...types]
  for (const [typeName, schema] of Object.entries(parsed.data)) {
    const at = out.findIndex((t) => t.name.toLowerCase() === typeName.toLowerCase())
    if (at < 0) throw new Error(`schema file ${path}: ${typeName}: the sandbox does not serve this record type`)
    const def = out[at]!
    const prefix = def.customFieldPrefix
    if (!prefix) throw new Error(`schema file ${path}: ${typeName}: this record type has no custom fields`)
    const added = customFields(schema.properties, `${path}: ${typeName}`, [prefix])
    // `custcol` fields live on the transaction's item lines.
    const lineProps = schema.properties.item?.properties?.items?.items?.properties ?? {}
    const lineAdded = customFields(lineProps, `${path}: ${typeName}.item`, ['custcol'])
    const fields = def.fields.map((f) =>
      f.kind === 'sublist' && f.name === 'item' && lineAdded.length > 0
        ? { ...f, fields: [...(f.fields ?? []), ...lineAdded] }
        : f,
    )
    if (lineAdded.length > 0 && !def.fields.some((f) => f.name === 'item' && f.kind === 'sublist')) {
      throw new Error(`schema file ${path}: ${typeName}: custcol fields need an item sublist`)
    }
    out[at] = { ...def, fields: [...fields, ...added] }
  }
  return out
}
