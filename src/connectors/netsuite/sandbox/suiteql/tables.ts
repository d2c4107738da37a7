import type { SqlValue } from './values.ts'

/**
 * What a SuiteQL table offers the evaluator: typed columns and rows keyed by lower-case column name.
 * Tables are built from record types (record-tables.ts); issue 3/9 adds transaction, transactionline,
 * item, employee and entity, some of them views over several record types.
 */

export type ColumnType = 'integer' | 'float' | 'text' | 'boolean' | 'datetime'

export interface ColumnDef {
  name: string
  type: ColumnType
  /** BUILTIN.DF: the display text of a value (a reference's name); `row` is the value's own row. */
  display?: (value: SqlValue, row?: Row) => string | null
}

export type Row = Readonly<Record<string, SqlValue>>

export interface SuiteQlTable {
  name: string
  /** The columns `*` expands to, in order. */
  columns(): readonly ColumnDef[]
  /** A column by lower-case name, including ones not listed by `columns()` (custom fields). */
  column(name: string): ColumnDef | undefined
  rows(): Iterable<Row>
}

export interface TableCatalog {
  table(name: string): SuiteQlTable | undefined
}
