import { SfApiError } from '../api-error.ts'
import { formatDatetime } from '../datetime.ts'
import { normalizeId } from '../ids.ts'
import type { Org, StoredRecord } from '../org.ts'
import { type FieldDescribe, findField, type ObjectDescribe } from '../schema.ts'
import type { Condition, FieldRef, OrderItem, Query } from './ast.ts'
import { compareScalars, matchesOperand, operandFor } from './operands.ts'
import { pointAt } from './tokenize.ts'

export interface QueryResult {
  totalSize: number
  records: Record<string, unknown>[]
}

export interface EvaluateOptions {
  /** API version of the request, for `attributes.url`. */
  version: string
  /** queryAll: recycled records too. */
  includeDeleted: boolean
  /** The org's clock, for date literals. */
  now: number
}

/** A field path resolved against the schema: each relationship hop, then the field. */
interface Resolved {
  hops: { object: ObjectDescribe; field: FieldDescribe }[]
}

type Matcher = (record: StoredRecord) => boolean

const relationshipHelp =
  "If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names."

/** A query resolved against the schema, ready to run over records of its object. */
interface Plan {
  object: ObjectDescribe
  selected: Resolved[]
  children: ChildPlan[]
  matches: Matcher
  order: (OrderItem & { resolved: Resolved })[]
  query: Query
}

/** A child subquery: the relationship it reads and its own plan over the child object. */
interface ChildPlan {
  relationshipName: string
  field: string
  plan: Plan
  /** Live children by parent id, built on first use so a query without parents costs nothing. */
  byParent?: Map<string, StoredRecord[]>
}

/**
 * Runs a parsed query against the org. Names and literal types are checked first (INVALID_TYPE,
 * INVALID_FIELD with the caret Salesforce prints), then rows are filtered, ordered, cut and shaped like
 * the REST API's records (parent relationships nested with their own `attributes`, or null; child
 * subqueries as `{ totalSize, done, records }`, or null when there are none).
 */
export function evaluate(org: Org, soql: string, q: Query, opts: EvaluateOptions): QueryResult {
  const object = org.findObject(q.from.name)
  if (!object) {
    throw new SfApiError(
      400,
      'INVALID_TYPE',
      pointAt(
        soql,
        q.from.pos,
        `sObject type '${q.from.name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
      ),
    )
  }
  const plan = planQuery(org, soql, q, object, opts)
  const candidates = q.where ? idCandidates(q.where, object) : null
  const source = candidates
    ? candidates.map((id) => org.find(object.name, id)).filter((r): r is StoredRecord => r !== undefined)
    : org.records(object.name)
  const cut = run(org, plan, source, opts)
  if (q.count) return { totalSize: cut.length, records: [] }
  return { totalSize: cut.length, records: cut.map((r) => shape(org, plan, r, opts)) }
}

function planQuery(org: Org, soql: string, q: Query, object: ObjectDescribe, opts: EvaluateOptions): Plan {
  const resolve = (ref: FieldRef): Resolved => resolvePath(org, object, ref, soql)
  const selected: Resolved[] = []
  const children: ChildPlan[] = []
  for (const item of q.select) {
    if (item.kind === 'field') {
      selected.push(resolve(item))
      continue
    }
    const name = item.query.from.name.toLowerCase()
    const rel = org.childRelationships(object.name).find((c) => c.relationshipName?.toLowerCase() === name)
    const child = rel ? org.findObject(rel.childSObject) : undefined
    if (!rel?.relationshipName || !child) {
      throw new SfApiError(
        400,
        'INVALID_TYPE',
        pointAt(
          soql,
          item.query.from.pos,
          `Didn't understand relationship '${item.query.from.name}' in FROM part of query call. ${relationshipHelp}`,
        ),
      )
    }
    children.push({
      relationshipName: rel.relationshipName,
      field: rel.field,
      plan: planQuery(org, soql, item.query, child, opts),
    })
  }
  return {
    object,
    selected,
    children,
    query: q,
    order: q.orderBy.map((o) => ({ ...o, resolved: resolve(o) })),
    matches: q.where ? compile(q.where, { org, soql, now: opts.now, resolve }) : () => true,
  }
}

/** Filters, orders and cuts (OFFSET, LIMIT) records by a plan. */
function run(org: Org, plan: Plan, source: Iterable<StoredRecord>, opts: EvaluateOptions): StoredRecord[] {
  const rows: StoredRecord[] = []
  for (const r of source) {
    if (r.IsDeleted && !opts.includeDeleted) continue
    if (plan.matches(r)) rows.push(r)
  }
  if (plan.order.length > 0) {
    rows.sort((a, b) => {
      for (const o of plan.order) {
        const va = valueAt(org, a, o.resolved)
        const vb = valueAt(org, b, o.resolved)
        // NULLS FIRST/LAST places nulls whatever the direction; only non-null values flip with DESC.
        let c: number
        if (va === null || vb === null) c = va === vb ? 0 : (va === null) === (o.nulls === 'first') ? -1 : 1
        else c = compareValues(o.resolved, va, vb) * (o.direction === 'asc' ? 1 : -1)
        if (c !== 0) return c
      }
      return 0
    })
  }
  const start = plan.query.offset ?? 0
  return rows.slice(start, plan.query.limit === null ? undefined : start + plan.query.limit)
}

/** Ids sort as the case-sensitive strings they are (creation order); other text case-insensitively. */
function compareValues(res: Resolved, a: unknown, b: unknown): number {
  const type = res.hops.at(-1)?.field.type
  if ((type === 'id' || type === 'reference') && typeof a === 'string' && typeof b === 'string') {
    return a < b ? -1 : a > b ? 1 : 0
  }
  return compareScalars(a, b)
}

function resolvePath(org: Org, root: ObjectDescribe, ref: FieldRef, soql: string): Resolved {
  const hops: Resolved['hops'] = []
  let object = root
  // A leading segment naming the queried object itself is allowed (`Account.Name` FROM Account).
  const path =
    ref.path.length > 1 && ref.path[0]?.toLowerCase() === root.name.toLowerCase() ? ref.path.slice(1) : ref.path
  path.forEach((segment, idx) => {
    if (idx < path.length - 1) {
      const rel = object.fields.find((f) => f.relationshipName?.toLowerCase() === segment.toLowerCase())
      const target = rel?.referenceTo[0] ? org.findObject(rel.referenceTo[0]) : undefined
      if (!rel || !target) {
        throw new SfApiError(
          400,
          'INVALID_FIELD',
          pointAt(soql, ref.pos, `Didn't understand relationship '${segment}' in field path. ${relationshipHelp}`),
        )
      }
      hops.push({ object, field: rel })
      object = target
      return
    }
    const f = findField(object, segment)
    if (!f) {
      throw new SfApiError(
        400,
        'INVALID_FIELD',
        pointAt(
          soql,
          ref.pos,
          `No such column '${segment}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
        ),
      )
    }
    hops.push({ object, field: f })
  })
  return { hops }
}

/** The parent record a relationship field points at (recycled parents still resolve, as in SOQL). */
function parentOf(org: Org, record: StoredRecord | undefined, field: FieldDescribe): StoredRecord | undefined {
  const id = record?.[field.name]
  const target = field.referenceTo[0]
  return typeof id === 'string' && target && org.findObject(target) ? org.find(target, id) : undefined
}

function valueAt(org: Org, record: StoredRecord, res: Resolved): unknown {
  let current: StoredRecord | undefined = record
  for (const hop of res.hops.slice(0, -1)) current = parentOf(org, current, hop.field)
  const last = res.hops.at(-1)
  return (last && current?.[last.field.name]) ?? null
}

function compile(
  c: Condition,
  ctx: { org: Org; soql: string; now: number; resolve: (ref: FieldRef) => Resolved },
): Matcher {
  switch (c.kind) {
    case 'and': {
      const items = c.items.map((i) => compile(i, ctx))
      return (r) => items.every((m) => m(r))
    }
    case 'or': {
      const items = c.items.map((i) => compile(i, ctx))
      return (r) => items.some((m) => m(r))
    }
    case 'not': {
      const inner = compile(c.item, ctx)
      return (r) => !inner(r)
    }
    case 'in': {
      const res = ctx.resolve(c)
      const field = res.hops.at(-1)!.field
      const operands = c.values.map((v) => operandFor(field, v, '=', { soql: ctx.soql, pos: c.pos, now: ctx.now }))
      return (r) => {
        const actual = valueAt(ctx.org, r, res)
        return operands.some((o) => matchesOperand(actual, '=', o)) !== c.negated
      }
    }
    case 'compare': {
      const res = ctx.resolve(c)
      const operand = operandFor(res.hops.at(-1)!.field, c.value, c.op, { soql: ctx.soql, pos: c.pos, now: ctx.now })
      return (r) => matchesOperand(valueAt(ctx.org, r, res), c.op, operand)
    }
  }
}

/**
 * When the filter pins the record's own Id (`Id = …`, `Id IN (…)`, or either inside a top-level AND),
 * the ids to look at, so a read by id does not scan the object. Null when every record must be tested.
 */
function idCandidates(c: Condition, object: ObjectDescribe): string[] | null {
  const isOwnId = (path: string[]) => {
    const p = path.length === 2 && path[0]?.toLowerCase() === object.name.toLowerCase() ? path.slice(1) : path
    return p.length === 1 && p[0]?.toLowerCase() === 'id'
  }
  const ids = (values: { kind: string; value?: unknown }[]) =>
    values
      .map((v) => (v.kind === 'string' ? normalizeId(String(v.value)) : null))
      .filter((id): id is string => id !== null)
  if (c.kind === 'compare' && c.op === '=' && isOwnId(c.path)) return ids([c.value])
  if (c.kind === 'in' && !c.negated && isOwnId(c.path)) return [...new Set(ids(c.values))]
  if (c.kind === 'and') {
    for (const item of c.items) {
      const found = idCandidates(item, object)
      if (found) return found
    }
  }
  return null
}

function formatValue(field: FieldDescribe, value: unknown): unknown {
  if (value === null || value === undefined) return null
  return field.type === 'datetime' && typeof value === 'number' ? formatDatetime(value) : value
}

/** A record as the query returns it: selected fields only, parents nested under their relationship name. */
function shape(org: Org, plan: Plan, record: StoredRecord, opts: EvaluateOptions): Record<string, unknown> {
  const { version } = opts
  const attributes = (o: string, id: string) => ({ type: o, url: `/services/data/v${version}/sobjects/${o}/${id}` })
  const out: Record<string, unknown> = { attributes: attributes(plan.object.name, record.Id) }
  for (const { hops } of plan.selected) {
    let target: Record<string, unknown> | null = out
    let current: StoredRecord | undefined = record
    for (const hop of hops.slice(0, -1)) {
      const relName = hop.field.relationshipName as string
      current = parentOf(org, current, hop.field)
      if (!current || !target) {
        if (target && !(relName in target)) target[relName] = null
        target = null
        break
      }
      const existing: unknown = target[relName]
      const node: Record<string, unknown> =
        existing && typeof existing === 'object'
          ? (existing as Record<string, unknown>)
          : { attributes: attributes(hop.field.referenceTo[0] as string, current.Id) }
      target[relName] = node
      target = node
    }
    const last = hops.at(-1)!.field
    if (target && current) target[last.name] = formatValue(last, current[last.name])
  }
  for (const child of plan.children) {
    if (!child.byParent) {
      child.byParent = new Map()
      for (const r of org.records(child.plan.object.name)) {
        const parentId = r[child.field]
        if (typeof parentId !== 'string') continue
        const list = child.byParent.get(parentId)
        if (list) list.push(r)
        else child.byParent.set(parentId, [r])
      }
    }
    const rows = run(org, child.plan, child.byParent.get(record.Id) ?? [], opts)
    out[child.relationshipName] =
      rows.length === 0
        ? null
        : { totalSize: rows.length, done: true, records: rows.map((r) => shape(org, child.plan, r, opts)) }
  }
  return out
}
