import { DatabaseSync, type StatementSync } from 'node:sqlite'
import { type SqliteDatabase, SqliteDialect } from 'kysely'

type SqliteValue = null | number | bigint | string | NodeJS.ArrayBufferView

const statementCacheSize = 500

/**
 * Kysely's SQLite dialect speaks the better-sqlite3 interface; node:sqlite is nearly the same but takes
 * parameters spread rather than as an array and has no `reader` flag. This adapter is the whole difference,
 * so the embedded store needs no native addon.
 */
export function createNodeSqliteDialect(file: string): SqliteDialect {
  const db = new DatabaseSync(file)
  // WAL lets readers proceed during a write; busy_timeout waits out a lock instead of failing at once.
  db.exec(
    'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON',
  )
  // Preparing is a fifth of the store's CPU under load, and the queries are a small fixed set (Kysely
  // builds the same text for the same query shape), so prepared statements are kept, most recent last.
  const prepared = new Map<string, StatementSync>()
  const statement = (sql: string): StatementSync => {
    let stmt = prepared.get(sql)
    if (stmt) prepared.delete(sql)
    else {
      stmt = db.prepare(sql)
      if (prepared.size >= statementCacheSize) prepared.delete(prepared.keys().next().value!)
    }
    prepared.set(sql, stmt)
    return stmt
  }
  const adapter: SqliteDatabase = {
    close: () => {
      prepared.clear()
      db.close()
    },
    prepare(sql) {
      const stmt = statement(sql)
      const args = (params: ReadonlyArray<unknown>) => params.map(toSqliteValue)
      return {
        reader: stmt.columns().length > 0,
        all: (params) => stmt.all(...args(params)),
        run: (params) => {
          const { changes, lastInsertRowid } = stmt.run(...args(params))
          return { changes, lastInsertRowid }
        },
        iterate: (params) => stmt.iterate(...args(params)),
      }
    },
  }
  return new SqliteDialect({ database: adapter })
}

function toSqliteValue(value: unknown): SqliteValue {
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value === undefined) return null
  return value as SqliteValue
}
