/**
 * The parsed form of a SuiteQL SELECT. Identifiers are lower-case (SuiteQL folds unquoted names).
 * `from` is a list of table references so that issue 3/9's JOINs add entries instead of a new shape.
 */

export type CompareOp = '=' | '<>' | '<' | '>' | '<=' | '>='

export type Expr =
  | { kind: 'literal'; value: string | number | null; pos: number }
  | { kind: 'param'; index: number; pos: number }
  | { kind: 'column'; qualifier?: string; name: string; pos: number }
  | { kind: 'call'; name: string; args: Expr[]; star: boolean; pos: number }
  | { kind: 'negate'; operand: Expr; pos: number }
  | { kind: 'arith'; op: '+' | '-' | '*' | '/' | '||'; left: Expr; right: Expr; pos: number }
  | { kind: 'compare'; op: CompareOp; left: Expr; right: Expr; pos: number }
  | { kind: 'logical'; op: 'and' | 'or'; left: Expr; right: Expr; pos: number }
  | { kind: 'not'; operand: Expr; pos: number }
  | { kind: 'in'; operand: Expr; list: Expr[]; negated: boolean; pos: number }
  | { kind: 'between'; operand: Expr; low: Expr; high: Expr; negated: boolean; pos: number }
  | { kind: 'isNull'; operand: Expr; negated: boolean; pos: number }
  | { kind: 'like'; operand: Expr; pattern: Expr; negated: boolean; pos: number }

export type SelectItem =
  | { kind: 'expr'; expr: Expr; alias?: string }
  | { kind: 'star'; qualifier?: string; pos: number }

export interface TableRef {
  table: string
  alias?: string
  pos: number
  /** Every table after the first is joined: `[INNER] JOIN t ON …` or `LEFT [OUTER] JOIN t ON …`. */
  join?: { kind: 'inner' | 'left'; on: Expr }
}

export interface OrderItem {
  expr: Expr
  descending: boolean
  /** Oracle's default: NULLS LAST ascending, NULLS FIRST descending. */
  nullsFirst: boolean
}

export interface SelectQuery {
  distinct: boolean
  columns: SelectItem[]
  from: TableRef[]
  where?: Expr
  orderBy: OrderItem[]
  /** How many `?` binds the query has. */
  paramCount: number
}
