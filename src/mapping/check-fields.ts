import { closest as closestMatch, distance } from 'fastest-levenshtein'
import type { FieldSchema, ObjectSchema } from '../connectors/types.ts'
import { compileExpression } from './expression.ts'
import type { FieldRule } from './field-rule-schema.ts'
import type { MappingProblem } from './mapping-error.ts'
import type { MappingConfig } from './mapping-schema.ts'

/** Looks an object up in a connection's schema; undefined when the system has no such object. */
export type DescribeObject = (object: string) => Promise<ObjectSchema | undefined>

export interface SchemaSources {
  source: DescribeObject
  target: DescribeObject
}

/** ` (did you mean Name?)` for a near miss: a case slip, a typo of a few letters, or a part of the name. */
function closest(name: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return ''
  const lower = name.toLowerCase()
  const byLower = new Map(candidates.map((c) => [c.toLowerCase(), c]))
  const near = closestMatch(lower, [...byLower.keys()])
  const typo = distance(lower, near) <= Math.max(2, Math.floor(name.length / 3))
  const part = candidates.find((c) => c.toLowerCase().includes(lower) || lower.includes(c.toLowerCase()))
  const hit = typo ? byLower.get(near) : part
  return hit ? ` (did you mean ${hit}?)` : ''
}

/**
 * Walks a dotted source path through the schema: each segment but the last is a relationship (`Account` of
 * `AccountId`), the last a field. Returns the problem, if any, in words the integrator can act on.
 */
async function checkPath(path: string, schema: ObjectSchema, describe: DescribeObject): Promise<string | undefined> {
  const parts = path.split('.')
  let current = schema
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1
    if (last) {
      if (part in current.fields) return undefined
      return `${current.name} has no field ${part}${closest(part, Object.keys(current.fields))}`
    }
    // NetSuite style: a reference reads back as `{ id, refName }`, a sublist as `{ items: [line] }`.
    const own = current.fields[part]
    if (own?.type === 'reference' && !own.relationshipName) {
      const sub = parts[i + 1]
      return sub && ['id', 'refName', 'externalId'].includes(sub) && i + 1 === parts.length - 1
        ? undefined
        : `${current.name}.${part} is a reference: read ${part}.id or ${part}.refName`
    }
    if (own?.type === 'sublist') {
      if (parts[i + 1] !== 'items') return `${current.name}.${part} is a sublist: read ${part}.items`
      const line = parts[i + 2]
      if (line === undefined || !own.lineFields || line in own.lineFields) return undefined
      return `${current.name}.${part} lines have no field ${line}${closest(line, Object.keys(own.lineFields))}`
    }
    const ref = Object.values(current.fields).find((f) => f.relationshipName === part)
    const target = ref?.referenceTo?.[0]
    if (!ref || !target) {
      const names = Object.values(current.fields).flatMap((f) => (f.relationshipName ? [f.relationshipName] : []))
      return `${current.name} has no relationship ${part}${closest(part, names)}`
    }
    const parent = await describe(target)
    if (!parent) return `${current.name}.${part} points to ${target}, which the connection does not describe`
    current = parent
  }
  return undefined
}

function readsOf(rule: FieldRule): { path: (string | number)[]; paths: string[] }[] {
  if (rule.from !== undefined) return [{ path: ['from'], paths: [rule.from] }]
  if (rule.concat !== undefined) return rule.concat.from.map((p, i) => ({ path: ['concat', 'from', i], paths: [p] }))
  if (rule.expr !== undefined) {
    const compiled = compileExpression(rule.expr)
    return compiled.ok ? [{ path: ['expr'], paths: compiled.expression.reads }] : []
  }
  if (rule.lookup !== undefined) {
    return Object.entries(rule.lookup.where).flatMap(([k, v]) =>
      typeof v === 'object' ? [{ path: ['lookup', 'where', k, 'from'], paths: [v.from] }] : [],
    )
  }
  return []
}

function writtenValues(rule: FieldRule): { path: (string | number)[]; value: unknown }[] {
  if ('value' in rule && rule.from === undefined && rule.expr === undefined && rule.concat === undefined) {
    return [{ path: ['value'], value: rule.value }]
  }
  const out = Object.entries(rule.map ?? {}).map(([k, v]) => ({ path: ['map', k] as (string | number)[], value: v }))
  if (rule.otherwise && typeof rule.otherwise === 'object')
    out.push({ path: ['otherwise', 'value'], value: rule.otherwise.value })
  return out
}

function checkTargetField(
  name: string,
  field: FieldSchema | undefined,
  rule: FieldRule,
  at: (string | number)[],
  object: ObjectSchema | { name: string; fields: Readonly<Record<string, FieldSchema>> },
  problems: MappingProblem[],
): void {
  if (!field) {
    problems.push({
      path: at,
      message: `${object.name} has no field ${name}${closest(name, Object.keys(object.fields))}`,
    })
    return
  }
  if (field.readOnly) problems.push({ path: at, message: `${object.name}.${name} is read-only in the target` })
  if (field.type === 'picklist' && field.picklistValues && field.picklistValues.length > 0) {
    for (const { path, value } of writtenValues(rule)) {
      if (value === null || value === undefined) continue
      // NetSuite writes an enum as `{ id }`; Salesforce a picklist as its value.
      const shown = typeof value === 'object' && value !== null && 'id' in value ? (value as { id: unknown }).id : value
      if (!field.picklistValues.includes(String(shown))) {
        const allowed = field.picklistValues.slice(0, 12).join(', ')
        problems.push({
          path: [...at, ...path],
          message: `${JSON.stringify(value)} is not a value of ${object.name}.${name} (${allowed})`,
        })
      }
    }
  }
}

/**
 * Checks a mapping's field names against both connections' object schemas: every source path resolves,
 * every target field exists and is writable, constants and value-map results are allowed picklist values,
 * the match key is an external-id field. Each problem carries its path in the mapping file.
 */
export async function checkMappingFields(config: MappingConfig, schemas: SchemaSources): Promise<MappingProblem[]> {
  const problems: MappingProblem[] = []
  const source = await schemas.source(config.source.object)
  const target = await schemas.target(config.target.object)
  if (!source)
    problems.push({
      path: ['source', 'object'],
      message: `the source connection has no object ${config.source.object}`,
    })
  if (!target)
    problems.push({
      path: ['target', 'object'],
      message: `the target connection has no object ${config.target.object}`,
    })
  if (!source || !target) return problems

  const keyName = config.target.externalId
  const key = keyName === undefined ? undefined : target.fields[keyName]
  if (keyName === undefined) {
    // Updates through another flow's link need no match key.
  } else if (!key) {
    problems.push({
      path: ['target', 'externalId'],
      message: `${target.name} has no field ${config.target.externalId}`,
    })
  } else if (!key.externalId) {
    problems.push({
      path: ['target', 'externalId'],
      message: `${target.name}.${config.target.externalId} is not an external-id field, so upserts cannot match on it`,
    })
  }

  const checkReads = async (rule: FieldRule, at: (string | number)[], schema: ObjectSchema) => {
    for (const { path, paths } of readsOf(rule)) {
      for (const p of paths) {
        const problem = await checkPath(p, schema, schemas.source)
        if (problem) problems.push({ path: [...at, ...path], message: problem })
      }
    }
  }

  for (const [name, rule] of Object.entries(config.fields)) {
    checkTargetField(name, target.fields[name], rule, ['fields', name], target, problems)
    await checkReads(rule, ['fields', name], source)
  }

  for (const [name, line] of Object.entries(config.lines ?? {})) {
    const sublist = target.fields[name]
    if (sublist?.type !== 'sublist') {
      problems.push({ path: ['lines', name], message: `${target.name} has no sublist ${name}` })
      continue
    }
    const child = source.children?.[line.from]
    const childSchema = child ? await schemas.source(child.object) : undefined
    if (!childSchema) {
      const known = Object.keys(source.children ?? {})
      problems.push({
        path: ['lines', name, 'from'],
        message: `${source.name} has no child list ${line.from}${closest(line.from, known)}`,
      })
    }
    const lineObject = { name: `${target.name}.${name}`, fields: sublist.lineFields ?? {} }
    for (const [field, rule] of Object.entries(line.fields)) {
      if (sublist.lineFields)
        checkTargetField(field, sublist.lineFields[field], rule, ['lines', name, 'fields', field], lineObject, problems)
      if (childSchema) await checkReads(rule, ['lines', name, 'fields', field], childSchema)
    }
  }

  if (config.onDelete !== 'ignore') {
    for (const name of Object.keys(config.onDelete.deactivate)) {
      if (!(name in target.fields)) {
        problems.push({
          path: ['onDelete', 'deactivate', name],
          message: `${target.name} has no field ${name}${closest(name, Object.keys(target.fields))}`,
        })
      }
    }
  }

  const { statusValues, ...writeBack } = config.writeBack ?? { statusValues: undefined }
  for (const [kind, name] of Object.entries(writeBack)) {
    const field = source.fields[name]
    if (!field) {
      problems.push({
        path: ['writeBack', kind],
        message: `${source.name} has no field ${name}${closest(name, Object.keys(source.fields))}`,
      })
    } else if (field.readOnly) {
      problems.push({ path: ['writeBack', kind], message: `${source.name}.${name} is read-only` })
    } else if (kind === 'status' && statusValues && field.picklistValues && field.picklistValues.length > 0) {
      for (const value of Object.values(statusValues)) {
        if (!field.picklistValues.includes(value)) {
          const allowed = field.picklistValues.join(', ')
          problems.push({
            path: ['writeBack', 'statusValues'],
            message: `"${value}" is not a value of ${source.name}.${name} (${allowed})`,
          })
        }
      }
    }
  }

  for (const [i, k] of (config.link?.keys ?? []).entries()) {
    const problem = await checkPath(k.source, source, schemas.source)
    if (problem) problems.push({ path: ['link', 'keys', i, 'source'], message: problem })
    if (!(k.target in target.fields))
      problems.push({ path: ['link', 'keys', i, 'target'], message: `${target.name} has no field ${k.target}` })
  }
  return problems
}
