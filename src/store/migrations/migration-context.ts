export type Dialect = 'sqlite' | 'postgres'

/** What a migration may branch on: column types differ between the dialects, nothing else does. */
export interface MigrationContext {
  dialect: Dialect
}
