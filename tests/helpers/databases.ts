import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

/** The shared PostgreSQL and Redis every test run uses; each run gets its own schema or key prefix. */
export const testPostgresUrl =
  process.env.TEST_DATABASE_URL ?? `postgres://${process.env.PGUSER ?? userInfo().username}@127.0.0.1:5432/test`
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
}

export interface TestDatabase {
  /** URL whose connections use a schema of their own (`search_path`). */
  url: string
  schema: string
  drop(): Promise<void>
}

/** A fresh PostgreSQL schema, so parallel runs and test files never see each other's rows. */
export async function createPostgresSchema(): Promise<TestDatabase> {
  const schema = uniqueName('t')
  const admin = new pg.Client({ connectionString: testPostgresUrl })
  await admin.connect()
  await admin.query(`create schema "${schema}"`)
  await admin.end()
  const url = new URL(testPostgresUrl)
  url.searchParams.set('options', `-c search_path=${schema}`)
  return {
    url: url.toString(),
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: testPostgresUrl })
      await c.connect()
      await c.query(`drop schema if exists "${schema}" cascade`)
      await c.end()
    },
  }
}

export interface TestDir {
  path: string
  remove(): void
}

export function createTempDir(prefix = 'tandem-test-'): TestDir {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}
