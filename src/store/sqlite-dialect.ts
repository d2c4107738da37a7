import { DatabaseSync, type StatementSync } from 'node:sqlite'
import {
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteStatement,
  type TransactionSettings,
} from 'kysely'

type SqliteValue = null | number | bigint | string | NodeJS.ArrayBufferView

/**
 * Prepared statements kept per SQL text. Preparing costs several times what running a simple indexed query
 * does, and the engine runs the same few dozen queries over and over. Bounded, least recently used out
 * first: multi-row inserts and `in (…)` lists make SQL texts that vary with their length.
 */
const statementCacheSize = 256

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
  const statements = new Map<string, SqliteStatement>()
  const args = (params: ReadonlyArray<unknown>) => params.map(toSqliteValue)
  const adapter: SqliteDatabase = {
    close: () => db.close(),
    prepare(sql) {
      const cached = statements.get(sql)
      if (cached) {
        statements.delete(sql)
        statements.set(sql, cached)
        return cached
      }
      const stmt: StatementSync = db.prepare(sql)
      const prepared: SqliteStatement = {
        reader: stmt.columns().length > 0,
        all: (params) => stmt.all(...args(params)),
        run: (params) => {
          const { changes, lastInsertRowid } = stmt.run(...args(params))
          return { changes, lastInsertRowid }
        },
        // A statement of its own: a cached one could be reset under a running iteration by the next query
        // that uses the same SQL.
        iterate: (params) => db.prepare(sql).iterate(...args(params)),
      }
      statements.set(sql, prepared)
      if (statements.size > statementCacheSize) statements.delete(statements.keys().next().value as string)
      return prepared
    },
  }
  return new FifoSqliteDialect({ database: adapter })
}

/** Kysely's SQLite dialect with its single connection handed out in arrival order (see {@link fifoDriver}). */
class FifoSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    return fifoDriver(super.createDriver())
  }
}

/**
 * SQLite has one connection, and Kysely's driver guards it with a mutex that wakes every waiter on each
 * release; all but one find it taken again and go back to waiting. With the sync workers' dozens of
 * concurrent queries that is quadratic: measured in the embedded sync run, the re-waiting alone made a sixth
 * of all memory the service allocated. This queue wakes exactly the next waiter, so the inner mutex is never
 * contended.
 */
function fifoDriver(inner: Driver): Driver {
  const waiters: (() => void)[] = []
  let held = false
  return {
    init: () => inner.init(),
    async acquireConnection(): Promise<DatabaseConnection> {
      if (held) await new Promise<void>((resolve) => waiters.push(resolve))
      // Either free, or handed over by the releaser, which left `held` set so no newcomer slips in between.
      held = true
      return inner.acquireConnection()
    },
    async releaseConnection(connection: DatabaseConnection): Promise<void> {
      await inner.releaseConnection(connection)
      const next = waiters.shift()
      if (next) next()
      else held = false
    },
    beginTransaction: (c: DatabaseConnection, settings: TransactionSettings) => inner.beginTransaction(c, settings),
    commitTransaction: (c: DatabaseConnection) => inner.commitTransaction(c),
    rollbackTransaction: (c: DatabaseConnection) => inner.rollbackTransaction(c),
    ...(inner.savepoint ? { savepoint: inner.savepoint.bind(inner) } : {}),
    ...(inner.rollbackToSavepoint ? { rollbackToSavepoint: inner.rollbackToSavepoint.bind(inner) } : {}),
    ...(inner.releaseSavepoint ? { releaseSavepoint: inner.releaseSavepoint.bind(inner) } : {}),
    destroy: () => inner.destroy(),
  }
}

function toSqliteValue(value: unknown): SqliteValue {
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value === undefined) return null
  return value as SqliteValue
}
