/**
 * The SOQL subset the sandbox understands, as a syntax tree. Every name keeps its offset in the query
 * text, so semantic errors (INVALID_FIELD, INVALID_TYPE) point at the column the way Salesforce does.
 */
export interface Query {
  select: SelectItem[]
  /** `SELECT COUNT() FROM …`: only `totalSize` is returned. */
  count: boolean
  from: { name: string; pos: number }
  where: Condition | null
  orderBy: OrderItem[]
  limit: number | null
  offset: number | null
}

/** A field path such as `Name` or `Owner.Name` (relationship hops, then the field). */
export interface FieldRef {
  path: string[]
  pos: number
}

export type SelectItem = ({ kind: 'field' } & FieldRef) | { kind: 'subquery'; query: Query; pos: number }

export interface OrderItem extends FieldRef {
  direction: 'asc' | 'desc'
  nulls: 'first' | 'last'
}

export type Condition =
  | { kind: 'and'; items: Condition[] }
  | { kind: 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | ({ kind: 'compare'; op: CompareOp; value: Literal } & FieldRef)
  | ({ kind: 'in'; negated: boolean; values: Literal[] } & FieldRef)

export type CompareOp = '=' | '!=' | '<' | '>' | '<=' | '>=' | 'like'

export type Literal =
  /** `value` has escapes resolved; `pattern` keeps `\%` and `\_`, which LIKE reads as literal characters. */
  | { kind: 'string'; value: string; pattern: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'datetime'; ms: number }
  | { kind: 'date'; value: string }
  | { kind: 'dateLiteral'; name: string; n: number | null }
