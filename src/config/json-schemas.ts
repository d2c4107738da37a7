import { z } from 'zod'
import type { ConnectorType } from '../connectors/types.ts'
import { mappingSchema } from '../mapping/mapping-schema.ts'
import { retrySettingsSchema } from './retry-settings.ts'

/**
 * JSON Schemas for editor completion of the YAML files (`# yaml-language-server: $schema=…`), generated
 * from the same zod schemas that validate them, so the two cannot disagree. Keyed by path under the
 * config folder. A test fails when the committed files are stale; `tandem schemas` rewrites them.
 */
export function generateJsonSchemas(types: readonly ConnectorType[]): Map<string, string> {
  const out = new Map<string, string>()
  out.set('mappings/schema/mapping.schema.json', render(z.toJSONSchema(mappingSchema, { io: 'input' })))
  for (const type of types) {
    const schema = z.toJSONSchema(type.configSchema, { io: 'input', unrepresentable: 'any' }) as {
      properties?: Record<string, unknown>
    }
    // `sandbox` and `retry` are read by the loader itself, before the connector's schema sees the file.
    schema.properties = {
      sandbox: {
        enum: ['auto', 'never'],
        default: 'never',
        description: 'auto: run the local sandbox when the referenced credentials are not set (embedded mode)',
      },
      retry: retryJsonSchema,
      ...schema.properties,
    }
    out.set(`connectors/schema/${type.type}.schema.json`, render(schema))
  }
  return out
}

const { $schema: _, ...retryJsonSchema } = z.toJSONSchema(retrySettingsSchema, { io: 'input' }) as Record<
  string,
  unknown
>

function render(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`
}
