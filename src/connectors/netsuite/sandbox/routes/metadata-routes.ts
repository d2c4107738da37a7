import { Hono } from 'hono'
import { nsJson, type SandboxEnv } from '../hono-env.ts'
import { SandboxApiError } from '../ns-error.ts'
import type { FieldDef, RecordTypeDef } from '../record-types/record-type.ts'
import type { SandboxState } from '../sandbox-state.ts'

/** Words of a camelCase field name as NetSuite titles them: `companyName` → `Company Name`. */
function title(name: string): string {
  const spaced = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
  return spaced.charAt(0).toUpperCase() + spaced.slice(1)
}

const refProperties = {
  id: { type: 'string', title: 'Internal identifier' },
  refName: { type: 'string', title: 'Reference Name' },
  externalId: { type: 'string', title: 'External identifier' },
}

const families = new Set(['item', 'entity', 'transaction'])

function property(field: FieldDef): Record<string, unknown> {
  const base = {
    title: title(field.name),
    nullable: true,
    'x-ns-filterable': field.column !== null && field.kind !== 'sublist' && field.kind !== 'subrecord',
    ...(field.custom ? { 'x-ns-custom-field': true } : {}),
    ...(field.readOnly ? { readOnly: true } : {}),
  }
  switch (field.kind) {
    case 'text':
      return { ...base, type: 'string', ...(field.maxLength ? { maxLength: field.maxLength } : {}) }
    case 'boolean':
      return { ...base, type: 'boolean' }
    case 'integer':
      return { ...base, type: 'integer', format: 'int64' }
    case 'float':
      return { ...base, type: 'number', format: 'double' }
    case 'datetime':
      return { ...base, type: 'string', format: 'date-time' }
    case 'date':
      return { ...base, type: 'string', format: 'date' }
    case 'enum':
      return {
        ...base,
        type: 'object',
        properties: { id: { type: 'string', enum: Object.keys(field.enumValues ?? {}) }, refName: { type: 'string' } },
      }
    case 'ref':
      // A reference names the record type it points to, so a client can follow it (`terms.refName`). A
      // family (`item` on order lines: inventory or non-inventory) has no one catalog entry to name.
      return {
        ...base,
        type: 'object',
        properties: refProperties,
        ...(field.refType && !families.has(field.refType)
          ? { $ref: `/services/rest/record/v1/metadata-catalog/${field.refType}` }
          : {}),
      }
    case 'subrecord':
      return { ...base, type: 'object', properties: propertiesOf(field.fields ?? []) }
    case 'sublist':
      // A sublist reads and writes as `{ items: [line] }` (reference §4).
      return {
        ...base,
        type: 'object',
        properties: {
          items: { type: 'array', items: { type: 'object', properties: propertiesOf(field.fields ?? []) } },
          totalResults: { type: 'integer', readOnly: true },
        },
      }
  }
}

function propertiesOf(fields: readonly FieldDef[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f.name, property(f)]))
}

/** A record type as JSON Schema (draft-06), the shape `Accept: application/schema+json` gets (reference §9). */
function recordSchema(def: RecordTypeDef): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    id: { title: 'Internal ID', type: 'string', readOnly: true, nullable: true, 'x-ns-filterable': true },
    // Every record reads back with its display name (customer-get.json), which references show too.
    refName: { title: 'Reference Name', type: 'string', readOnly: true, nullable: true },
  }
  for (const f of def.fields) properties[f.name] = property(f)
  return {
    type: 'object',
    properties,
    required: def.fields.filter((f) => f.requiredLabel).map((f) => f.name),
  }
}

/**
 * `/record/v1/metadata-catalog`: the record types this account serves and, per type, their fields as JSON
 * Schema. Integrators and the connector read it to check mappings against the account's real fields.
 */
export function metadataRoutes(state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>()
  app.get('/', (c) => {
    const select = c.req
      .query('select')
      ?.split(',')
      .map((s) => s.trim().toLowerCase())
    const types = state.store.types.all().filter((t) => !select || select.includes(t.name.toLowerCase()))
    const base = `${c.get('baseUrl')}/services/rest/record/v1/metadata-catalog`
    return nsJson(
      c,
      {
        items: types.map((t) => ({
          name: t.name,
          links: [
            { rel: 'canonical', href: `${base}/${t.name}`, mediaType: 'application/json' },
            { rel: 'alternate', href: `${base}/${t.name}`, mediaType: 'application/swagger+json' },
            { rel: 'alternate', href: `${base}/${t.name}`, mediaType: 'application/schema+json' },
            { rel: 'describes', href: `${base}/${t.name}` },
          ],
        })),
      },
      200,
      'collection',
    )
  })
  app.get('/:type', (c) => {
    const def = state.store.types.find(c.req.param('type'))
    if (!def) {
      throw new SandboxApiError(404, {
        detail: `Record type '${c.req.param('type')}' does not exist.`,
        'o:errorCode': 'NONEXISTENT_ID',
      })
    }
    // JSON Schema is what `Accept: application/schema+json` asks for, and what this simulator answers.
    return c.json(recordSchema(def), 200, { 'content-type': 'application/schema+json; charset=UTF-8' })
  })
  return app
}
