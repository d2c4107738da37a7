import { createLocalQueue } from '../../../src/queue/local-queue.ts'
import { createStore } from '../../../src/store/store.ts'
import { createPostgresSchema, createTempDir, uniqueName } from '../../helpers/databases.ts'
import { jobQueueContract } from './job-queue.contract.ts'

jobQueueContract('local driver on SQLite', async () => {
  const dir = createTempDir()
  const file = `${dir.path}/tandem.db`
  const store = await createStore({ sqliteFile: file })
  return {
    make: (opts) =>
      createLocalQueue(store.jobs, {
        name: uniqueName('q'),
        retry: { attempts: 3, baseMs: 10, maxMs: 40, ...opts?.retry },
        ...(opts?.retryFor ? { retryFor: opts.retryFor } : {}),
        leaseMs: opts?.leaseMs ?? 5_000,
        pollMs: 20,
      }),
    childEnv: (name, leaseMs) => ({
      QUEUE_DRIVER: 'local',
      SQLITE_FILE: file,
      QUEUE_NAME: name,
      LEASE_MS: String(leaseMs),
    }),
    async cleanup() {
      await store.close()
      dir.remove()
    },
  }
})

jobQueueContract('local driver on PostgreSQL', async () => {
  const pgdb = await createPostgresSchema()
  const store = await createStore({ databaseUrl: pgdb.url, sqliteFile: '' })
  return {
    make: (opts) =>
      createLocalQueue(store.jobs, {
        name: uniqueName('q'),
        retry: { attempts: 3, baseMs: 10, maxMs: 40, ...opts?.retry },
        ...(opts?.retryFor ? { retryFor: opts.retryFor } : {}),
        leaseMs: opts?.leaseMs ?? 5_000,
        pollMs: 20,
      }),
    childEnv: (name, leaseMs) => ({
      QUEUE_DRIVER: 'local',
      DATABASE_URL: pgdb.url,
      QUEUE_NAME: name,
      LEASE_MS: String(leaseMs),
    }),
    async cleanup() {
      await store.close()
      await pgdb.drop()
    },
  }
})
