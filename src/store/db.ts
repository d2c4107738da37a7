import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { ConfigError } from '../errors.ts'
import { type Dialect, migrationProvider } from './migrations/index.ts'
import type { Database } from './schema.ts'
import { createNodeSqliteDialect } from './sqlite-dialect.ts'

export type Db = Kysely<Database>

export interface DbOptions {
  /** `postgres://…`; when absent the embedded SQLite file is used. */
  databaseUrl?: string
  sqliteFile: string
}

export interface OpenDb {
  db: Db
  dialect: Dialect
}

const int8Oid = 20

/** Opens the store and brings its schema up to date. */
export async function openDb(opts: DbOptions): Promise<OpenDb> {
  const open = opts.databaseUrl ? openPostgres(opts.databaseUrl) : openSqlite(opts.sqliteFile)
  await migrate(open)
  return open
}

function openPostgres(url: string): OpenDb {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Times are bigint epoch ms; they fit a JS number, so parse them as numbers instead of strings.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === int8Oid
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  })
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres' }
}

function openSqlite(file: string): OpenDb {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  return { db: new Kysely<Database>({ dialect: createNodeSqliteDialect(file) }), dialect: 'sqlite' }
}

async function migrate({ db, dialect }: OpenDb): Promise<void> {
  // PostgreSQL: name the schema of the migration tables. Left unnamed, Kysely checks for them in every
  // schema of the database, so a second deployment (or test run) in another schema of the same database
  // makes it skip creating its own and then fail to find them through search_path.
  const migrationTableSchema =
    dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined
  const migrator = new Migrator({
    db,
    provider: migrationProvider({ dialect }),
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName
    throw new ConfigError(
      `store migration ${failed ?? ''} failed: ${(error as Error).message}`,
      {},
      {
        code: 'STORE_MIGRATION_FAILED',
        cause: error,
      },
    )
  }
}
