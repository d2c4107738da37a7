// A worker in its own process, for crash tests: it announces each job it starts and then hangs, so the
// test can SIGKILL it mid-run. Configured entirely by environment variables.
import { createQueue, type QueueDriverOptions } from '../../src/queue/create-queue.ts'
import { createStore } from '../../src/store/store.ts'

const env = process.env
const retry = { attempts: 5, baseMs: 10, maxMs: 50 }
let driver: QueueDriverOptions
if (env.QUEUE_DRIVER === 'bullmq') {
  driver = { driver: 'bullmq', redisUrl: env.REDIS_URL!, prefix: env.QUEUE_PREFIX! }
} else {
  const store = await createStore({
    sqliteFile: env.SQLITE_FILE ?? '',
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
  })
  driver = { driver: 'local', jobs: store.jobs, pollMs: 20 }
}
const queue = createQueue<{ n: number }>(driver, { name: env.QUEUE_NAME!, retry, leaseMs: Number(env.LEASE_MS) })
queue.process(
  async (job) => {
    process.stdout.write(`started ${job.key}\n`)
    await new Promise(() => {})
  },
  { concurrency: 1 },
)
process.stdout.write('ready\n')
