import type { Expr, SelectQuery } from './ast.ts'
import {
  createExpressionCompiler,
  type ExpressionCompiler,
  type RowSet,
  type Source,
  type ValueFn,
} from './compile-expression.ts'
import { parseSuiteQl } from './parser.ts'
import { SuiteQlError } from './suiteql-error.ts'
import type { TableCatalog } from './tables.ts'
import { compareValues, type EvalContext, type SqlValue } from './values.ts'

/**
 * Runs a parsed SELECT over in-memory tables: filter, sort (Oracle's NULLS LAST ascending, FIRST
 * descending), project, DISTINCT, then NetSuite's 100,000-row cap (reference §5).
 */

export const suiteQlRowCap = 100_000

export interface QueryOutput {
  /** Output rows as ordered [key, value] pairs; keys lower-case. */
  rows: [string, SqlValue][][]
  /** Rows matched, capped. */
  total: number
}

export interface ExecuteOptions {
  params?: readonly unknown[]
  ctx: EvalContext
  rowCap?: number
}

export function executeSuiteQl(sql: string, catalog: TableCatalog, opts: ExecuteOptions): QueryOutput {
  const query = parseSuiteQl(sql)
  const params = opts.params ?? []
  if (params.length !== query.paramCount) {
    throw new SuiteQlError(`Invalid number of parameters: the query has ${query.paramCount}, ${params.length} given.`)
  }
  return run(query, catalog, params.map(toParam), opts.ctx, opts.rowCap ?? suiteQlRowCap)
}

function toParam(value: unknown): SqlValue {
  if (value === null || value === undefined || value === '') return null
  if (typeof value === 'boolean') return value ? 'T' : 'F'
  if (typeof value === 'number' || typeof value === 'string') return value
  throw new SuiteQlError('Invalid parameter value: parameters are strings or numbers.')
}

function run(
  query: SelectQuery,
  catalog: TableCatalog,
  params: SqlValue[],
  ctx: EvalContext,
  cap: number,
): QueryOutput {
  const sources: Source[] = query.from.map((ref) => {
    const table = catalog.table(ref.table)
    if (!table) throw new SuiteQlError(`Invalid search type: ${ref.table}.`, ref.pos)
    return { alias: ref.alias ?? ref.table, table }
  })
  const compiler = createExpressionCompiler(sources, params, ctx)
  const { value, predicate, resolve, identifiers } = compiler

  // Projection: `*` expands to the table's columns; keys are aliases, column names or exprN.
  const projection: { key: string; fn: ValueFn }[] = []
  let unnamed = 0
  for (const item of query.columns) {
    if (item.kind === 'star') {
      const chosen = item.qualifier ? sources.filter((s) => s.alias === item.qualifier) : sources
      if (chosen.length === 0) {
        throw new SuiteQlError(
          `Unknown identifier '${item.qualifier}'. Available identifiers are: ${identifiers}.`,
          item.pos,
        )
      }
      for (const s of chosen) {
        for (const c of s.table.columns()) projection.push({ key: c.name, fn: (rs) => rs[s.alias]?.[c.name] ?? null })
      }
      continue
    }
    const key = item.alias?.toLowerCase() ?? (item.expr.kind === 'column' ? item.expr.name : `expr${++unnamed}`)
    projection.push({ key, fn: value(item.expr) })
  }

  const where = query.where ? predicate(query.where) : () => true
  const order = query.orderBy.map((o) => {
    const e = o.expr
    let fn: ValueFn
    if (e.kind === 'literal' && typeof e.value === 'number') {
      const target = projection[e.value - 1]
      if (!target || !Number.isInteger(e.value))
        throw new SuiteQlError('ORDER BY item must be the number of a SELECT-list expression.', e.pos)
      fn = target.fn
    } else if (e.kind === 'column' && !e.qualifier && !resolve(e) && projection.some((p) => p.key === e.name)) {
      fn = projection.find((p) => p.key === e.name)!.fn
    } else {
      fn = value(e)
    }
    return { fn, descending: o.descending, nullsFirst: o.nullsFirst }
  })

  const matched: { rs: RowSet; keys: SqlValue[] }[] = []
  for (const rs of joinedRows(query, sources, compiler)) {
    if (where(rs) === true) matched.push({ rs, keys: order.map((o) => o.fn(rs)) })
  }
  if (order.length > 0) {
    matched.sort((x, y) => {
      for (const [i, o] of order.entries()) {
        const a = x.keys[i] ?? null
        const b = y.keys[i] ?? null
        if (a === null || b === null) {
          if (a === b) continue
          return (a === null) === o.nullsFirst ? -1 : 1
        }
        const c = compareValues(a, b, ctx)!
        if (c !== 0) return o.descending ? -c : c
      }
      return 0
    })
  }

  let rows = matched.map(({ rs }) => projection.map((p): [string, SqlValue] => [p.key, p.fn(rs)]))
  if (query.distinct) {
    const seen = new Set<string>()
    rows = rows.filter((r) => {
      const key = JSON.stringify(r.map(([, v]) => (v instanceof Date ? v.getTime() : v)))
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
  }
  const capped = rows.slice(0, cap)
  return { rows: capped, total: capped.length }
}

/** A join key as a map key: numbers and their text form meet, as Oracle's implicit conversion makes them. */
function joinKey(v: SqlValue): string | null {
  if (v === null) return null
  return v instanceof Date ? `d${v.getTime()}` : String(v)
}

/**
 * The FROM clause's row sets. An `ON a.x = b.y` whose one side is the joined table's column and whose
 * other side names only earlier tables is a hash join (ids join 10,000-row tables in one pass); any other
 * condition is tested row by row. LEFT joins keep unmatched rows with the joined columns null.
 */
function* joinedRows(query: SelectQuery, sources: readonly Source[], compiler: ExpressionCompiler): Generator<RowSet> {
  let sets: RowSet[] | undefined
  for (const [i, ref] of query.from.entries()) {
    const source = sources[i]!
    const rows = [...source.table.rows()]
    if (!ref.join || !sets) {
      sets = rows.map((row) => ({ [source.alias]: row }))
      continue
    }
    const { kind, on } = ref.join
    const hash = hashSide(on, source, compiler)
    const next: RowSet[] = []
    if (hash) {
      const index = new Map<string, typeof rows>()
      for (const row of rows) {
        const key = joinKey(hash.inner({ [source.alias]: row }))
        if (key !== null) index.set(key, [...(index.get(key) ?? []), row])
      }
      for (const rs of sets) {
        const key = joinKey(hash.outer(rs))
        const hits = key === null ? [] : (index.get(key) ?? [])
        for (const row of hits) next.push({ ...rs, [source.alias]: row })
        if (hits.length === 0 && kind === 'left') next.push({ ...rs, [source.alias]: {} })
      }
    } else {
      const test = compiler.predicate(on)
      for (const rs of sets) {
        let hit = false
        for (const row of rows) {
          const joined = { ...rs, [source.alias]: row }
          if (test(joined) === true) {
            next.push(joined)
            hit = true
          }
        }
        if (!hit && kind === 'left') next.push({ ...rs, [source.alias]: {} })
      }
    }
    sets = next
  }
  yield* sets ?? []
}

function mentions(expr: Expr, alias: string, compiler: ExpressionCompiler): boolean {
  if (expr.kind === 'column') return compiler.resolve(expr)?.source.alias === alias
  return Object.values(expr).some(
    (v) =>
      (typeof v === 'object' && v !== null && 'kind' in v && mentions(v as Expr, alias, compiler)) ||
      (Array.isArray(v) &&
        v.some((x) => typeof x === 'object' && x !== null && 'kind' in x && mentions(x, alias, compiler))),
  )
}

function hashSide(
  on: Expr,
  source: Source,
  compiler: ExpressionCompiler,
): { inner: ValueFn; outer: ValueFn } | undefined {
  if (on.kind !== 'compare' || on.op !== '=') return undefined
  const sides = [on.left, on.right]
  const inner = sides.find((e) => e.kind === 'column' && compiler.resolve(e)?.source.alias === source.alias)
  const outer = sides.find((e) => e !== inner)
  if (!inner || !outer || mentions(outer, source.alias, compiler)) return undefined
  return { inner: compiler.value(inner), outer: compiler.value(outer) }
}
