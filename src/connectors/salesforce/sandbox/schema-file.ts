import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { ConfigError } from '../../../errors.ts'
import { auditFields, idField } from './objects/field-specs.ts'
import { type FieldSpec, type ObjectDescribe, objectDescribeSchema } from './schema.ts'

/** A file of describes: one describe, a list of them, or `{ "sobjects": [...] }`. Each needs a name. */
const namedSchema = z.looseObject({ name: z.string().min(1), fields: z.array(z.unknown()).optional() })
const fileSchema = z.union([
  z.looseObject({ sobjects: z.array(namedSchema) }).transform((f) => f.sobjects),
  z.array(namedSchema),
  namedSchema.transform((o) => [o]),
])

/**
 * Adds the objects and fields of a schema file (describes saved from a real org, or written by hand in
 * that shape) to a base schema. An object the base has gets the file's fields added or replaced by name;
 * a new object needs a key prefix (custom objects get one when the file has none) and gets the system
 * fields every object has when the file leaves them out.
 */
export function mergeSchemas(base: readonly ObjectDescribe[], json: unknown, file = 'schema file'): ObjectDescribe[] {
  const parsed = fileSchema.safeParse(json)
  if (!parsed.success) throw located(file, parsed.error)
  const out = new Map(base.map((o) => [o.name.toLowerCase(), o]))
  let nextPrefix = 0
  parsed.data.forEach((raw, index) => {
    const known = out.get(raw.name.toLowerCase())
    const fields = (raw.fields ?? []) as FieldSpec[]
    const merged = known
      ? {
          ...known,
          ...raw,
          name: known.name,
          keyPrefix: (raw.keyPrefix as string | undefined) ?? known.keyPrefix,
          fields: [...known.fields.filter((f) => !fields.some((g) => g.name === f.name)), ...fields],
          childRelationships: [...known.childRelationships, ...((raw.childRelationships as unknown[]) ?? [])],
        }
      : {
          ...raw,
          keyPrefix: (raw.keyPrefix as string | undefined) ?? customPrefix(nextPrefix++),
          fields: withSystemFields(fields),
        }
    const checked = objectDescribeSchema.safeParse(merged)
    if (!checked.success) throw located(file, checked.error, index)
    out.set(checked.data.name.toLowerCase(), checked.data)
  })
  return [...out.values()]
}

/** Reads a schema file and merges it into `base`; any problem names the file and the path in it. */
export function loadSchemaFile(path: string, base: readonly ObjectDescribe[]): ObjectDescribe[] {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new ConfigError(`cannot read the schema file: ${(err as Error).message}`, { file: path })
  }
  return mergeSchemas(base, json, path)
}

/** Custom object ids start with `a` followed by two base-36 characters (`a0A`…). */
function customPrefix(n: number): string {
  return `a${(36 * 10 + n).toString(36).toUpperCase().padStart(2, '0').slice(-2)}`
}

function withSystemFields(fields: FieldSpec[]): FieldSpec[] {
  const has = (name: string) => fields.some((f) => f.name === name)
  return [...(has('Id') ? [] : [idField]), ...fields, ...auditFields.filter((f) => !has(f.name))]
}

function located(file: string, error: z.ZodError, index?: number): ConfigError {
  const issue = error.issues[0]
  const path = [...(index === undefined ? [] : [index]), ...(issue?.path ?? [])].map(String).join('.')
  return new ConfigError(issue?.message ?? 'invalid describe', { file, path })
}
