import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { generateJsonSchemas } from '../../../src/config/json-schemas.ts'
import { connectorTypes } from '../../../src/connectors/registry.ts'

const root = new URL('../../../', import.meta.url)

describe('committed JSON Schemas', () => {
  // Editors complete against the committed files; they must match the zod schemas that validate.
  for (const [path, text] of generateJsonSchemas(connectorTypes)) {
    it(`${path} is up to date (run \`npx tandem schemas\` to refresh)`, () => {
      expect(readFileSync(new URL(path, root), 'utf8')).toBe(text)
    })
  }
})
