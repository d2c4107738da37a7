import fc from 'fast-check'
import type { FieldSchema, ObjectSchema } from '../../src/connectors/types.ts'

/** Text as people type it: Vietnamese letters, spaces at the ends, emoji, empty. */
const humanText = (max: number) =>
  fc.oneof(
    fc.string({ maxLength: Math.min(max, 80) }),
    fc.constantFrom('', '  ', 'Công ty TNHH Sao Mai', 'Đại Việt JSC', 'Nguyễn Văn An', '😀 emoji', 'O’Brien & Co.'),
    fc.string({ unit: 'grapheme', maxLength: Math.min(max, 40) }),
  )

const isoInstant = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString())

/** A value a system could return for the field, per its describe: the field's type, length and picklist. */
export function fieldValue(field: FieldSchema): fc.Arbitrary<unknown> {
  const nullable = <T>(a: fc.Arbitrary<T>) => (field.nillable ? fc.option(a, { nil: null }) : a)
  switch (field.type) {
    case 'id':
    case 'reference':
      return nullable(fc.stringMatching(/^[a-zA-Z0-9]{15,18}$/))
    case 'boolean':
      return fc.boolean()
    case 'int':
      return nullable(fc.integer({ min: -1_000_000, max: 1_000_000 }))
    case 'double':
    case 'currency':
    case 'percent':
      return nullable(fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }))
    case 'date':
      return nullable(isoInstant.map((t) => t.slice(0, 10)))
    case 'datetime':
      return nullable(isoInstant)
    case 'picklist':
      return field.picklistValues && field.picklistValues.length > 0
        ? nullable(fc.constantFrom(...field.picklistValues))
        : nullable(humanText(40))
    case 'email':
      return nullable(fc.emailAddress())
    case 'phone':
      return nullable(
        fc.oneof(
          fc.constantFrom('0912 345 678', '+1 415-555-2671', '(028) 3822 1234', 'n/a'),
          fc.string({ maxLength: 20 }),
        ),
      )
    case 'url':
      return nullable(fc.webUrl())
    default:
      return nullable(humanText(field.length ?? 255))
  }
}

export type Describe = (object: string) => Promise<ObjectSchema | undefined>

/**
 * A record of `schema` holding the paths a mapping reads, nested through relationships (`Account.Name`) and
 * with child lists of rows, every value valid for its field's describe.
 */
export async function recordArbitrary(
  schema: ObjectSchema,
  paths: readonly string[],
  lists: readonly { path: string; fields: readonly string[] }[],
  describe: Describe,
): Promise<fc.Arbitrary<Record<string, unknown>>> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {}
  const nested = new Map<string, string[]>()
  for (const path of paths) {
    const [head, ...rest] = path.split('.')
    if (!head) continue
    if (rest.length === 0) {
      const field = schema.fields[head]
      if (field) shape[head] = fieldValue(field)
    } else nested.set(head, [...(nested.get(head) ?? []), rest.join('.')])
  }
  for (const [relationship, subPaths] of nested) {
    const ref = Object.values(schema.fields).find((f) => f.relationshipName === relationship)
    const parent = ref?.referenceTo?.[0] ? await describe(ref.referenceTo[0]) : undefined
    if (!parent) continue
    shape[relationship] = fc.option(await recordArbitrary(parent, subPaths, [], describe), { nil: null })
  }
  for (const list of lists) {
    const child = schema.children?.[list.path]
    const childSchema = child ? await describe(child.object) : undefined
    if (!childSchema) continue
    const row = await recordArbitrary(childSchema, list.fields, [], describe)
    shape[list.path] = fc
      .array(row, { maxLength: 5 })
      .map((records) => ({ totalSize: records.length, done: true, records }))
  }
  return fc.record(shape)
}
