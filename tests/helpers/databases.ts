import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
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

/** Deletes every Redis key under a prefix: what a test run's queues and throttles left. */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl)
  const keys = await redis.keys(`${prefix}:*`)
  if (keys.length) await redis.del(...keys)
  await redis.quit()
}

export interface ScaleDeployment {
  db: TestDatabase
  prefix: string
  /** DATABASE_URL, REDIS_URL and TANDEM_QUEUE_PREFIX for every process of the deployment. */
  env: Record<string, string>
  cleanup(): Promise<void>
}

/** The shared parts of a scale-mode deployment for one test run: a schema of its own and a queue prefix. */
export async function createScaleDeployment(name: string): Promise<ScaleDeployment> {
  const db = await createPostgresSchema()
  const prefix = uniqueName(name)
  return {
    db,
    prefix,
    env: { DATABASE_URL: db.url, REDIS_URL: testRedisUrl, TANDEM_QUEUE_PREFIX: prefix },
    async cleanup() {
      await db.drop()
      await dropRedisPrefix(prefix)
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
