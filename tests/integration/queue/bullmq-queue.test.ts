import { Redis } from 'ioredis'
import { createBullmqQueue } from '../../../src/queue/bullmq-queue.ts'
import { testRedisUrl, uniqueName } from '../../helpers/databases.ts'
import { jobQueueContract } from './job-queue.contract.ts'

jobQueueContract('bullmq driver on Redis', async () => {
  const prefix = uniqueName('tandem-test')
  return {
    make: (opts) =>
      createBullmqQueue({
        name: uniqueName('q'),
        redisUrl: testRedisUrl,
        prefix,
        retry: { attempts: 3, baseMs: 10, maxMs: 40, ...opts?.retry },
        ...(opts?.retryFor ? { retryFor: opts.retryFor } : {}),
        leaseMs: opts?.leaseMs ?? 5_000,
      }),
    childEnv: (name, leaseMs) => ({
      QUEUE_DRIVER: 'bullmq',
      REDIS_URL: testRedisUrl,
      QUEUE_PREFIX: prefix,
      QUEUE_NAME: name,
      LEASE_MS: String(leaseMs),
    }),
    async cleanup() {
      // Remove every key of this run, whatever queues it created.
      const redis = new Redis(testRedisUrl)
      let cursor = '0'
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500)
        if (keys.length) await redis.del(...keys)
        cursor = next
      } while (cursor !== '0')
      await redis.quit()
    },
  }
})
