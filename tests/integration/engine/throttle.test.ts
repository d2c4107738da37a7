import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { RequestThrottle } from '../../../src/connectors/types.ts'
import { createLocalThrottle } from '../../../src/engine/throttle/local-throttle.ts'
import { createRedisThrottle } from '../../../src/engine/throttle/redis-throttle.ts'
import { testRedisUrl, uniqueName } from '../../helpers/databases.ts'

/** Simulated remote work: holds the slot briefly so requests overlap. */
const work = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

async function hammer(throttles: RequestThrottle[], perThrottle: number) {
  let inFlight = 0
  let max = 0
  const starts: number[] = []
  await Promise.all(
    throttles.flatMap((t) =>
      Array.from({ length: perThrottle }, () =>
        t.run(async () => {
          inFlight++
          max = Math.max(max, inFlight)
          starts.push(Date.now())
          await work(3)
          inFlight--
        }),
      ),
    ),
  )
  return { max, starts }
}

describe('local throttle', () => {
  it('never lets more than the ceiling run at once', async () => {
    const t = createLocalThrottle({ maxBatch: 1, maxConcurrent: 5 })
    const { max, starts } = await hammer([t], 200)
    expect(starts).toHaveLength(200)
    expect(max).toBe(5)
  })

  it('keeps to the requests-per-interval window', async () => {
    // Fake timers: the window is checked against the same clock the throttle admits by, so event-loop lag
    // between admission and the recorded start cannot blur a window edge.
    vi.useFakeTimers()
    const t = createLocalThrottle({ maxBatch: 1, maxConcurrent: 50, perInterval: { requests: 10, ms: 100 } })
    const run = hammer([t], 40)
    await vi.runAllTimersAsync()
    const { starts } = await run
    vi.useRealTimers()
    expect(starts).toHaveLength(40)
    // 40 requests at 10 per 100 ms need at least three full windows after the first.
    expect(Math.max(...starts) - Math.min(...starts)).toBeGreaterThanOrEqual(300)
    starts.sort((a, b) => a - b)
    for (const [i, s] of starts.entries()) {
      expect(starts.filter((x) => x >= s && x < s + 100).length, `window from request ${i}`).toBeLessThanOrEqual(10)
    }
  })

  it('pauses and halves its ceiling after a 429', async () => {
    const t = createLocalThrottle({ maxBatch: 1, maxConcurrent: 8 })
    const before = Date.now()
    t.slowDown(150)
    const { max, starts } = await hammer([t], 40)
    expect(Math.min(...starts) - before).toBeGreaterThanOrEqual(145)
    expect(max).toBe(4)
  })

  it('halves its ceiling without pausing after a 429 that names no Retry-After', async () => {
    const t = createLocalThrottle({ maxBatch: 1, maxConcurrent: 8 })
    t.slowDown()
    const { max } = await hammer([t], 40)
    expect(max).toBe(4)
  })
})

describe('Redis throttle, shared by several processes', () => {
  const clients: Redis[] = []
  const key = uniqueName('tandem-throttle-test')
  const client = () => {
    const c = new Redis(testRedisUrl)
    clients.push(c)
    return c
  }

  beforeAll(() => {
    client()
  })
  afterAll(async () => {
    const keys = await clients[0]!.keys(`${key}*`)
    if (keys.length) await clients[0]!.del(...keys)
    await Promise.all(clients.map((c) => c.quit()))
  })

  it('holds the ceiling across three processes', async () => {
    const limits = { maxBatch: 1, maxConcurrent: 5 }
    const throttles = [1, 2, 3].map(() => createRedisThrottle(client(), `${key}:a`, limits))
    const { max, starts } = await hammer(throttles, 40)
    expect(starts).toHaveLength(120)
    expect(max).toBeLessThanOrEqual(5)
    expect(max).toBeGreaterThan(1)
  })

  it('gives back the slot of a process that died holding it, when its lease lapses', async () => {
    const limits = { maxBatch: 1, maxConcurrent: 1 }
    const dying = createRedisThrottle(client(), `${key}:b`, limits, { leaseMs: 150 })
    const alive = createRedisThrottle(client(), `${key}:b`, limits, { leaseMs: 150 })
    let admitted!: () => void
    const holding = new Promise<void>((r) => {
      admitted = r
    })
    // A request that never finishes stands for a process killed mid-request: its release never runs.
    void dying.run(() => {
      admitted()
      return new Promise<never>(() => {})
    })
    await holding
    expect(await clients[0]!.zcard(`${key}:b:slots`)).toBe(1)
    await alive.run(async () => {})
    expect(await clients[0]!.zcard(`${key}:b:slots`)).toBe(0)
  })

  it('makes every process wait out a 429', async () => {
    const limits = { maxBatch: 1, maxConcurrent: 4 }
    const a = createRedisThrottle(client(), `${key}:c`, limits)
    const b = createRedisThrottle(client(), `${key}:c`, limits)
    a.slowDown(200)
    // slowDown is fire-and-forget; wait until Redis holds the pause before measuring.
    const redis = clients[0]!
    for (let i = 0; i < 100 && !(await redis.exists(`${key}:c:pause`)); i++) await work(2)
    const before = Date.now()
    await b.run(async () => {})
    expect(Date.now() - before).toBeGreaterThanOrEqual(100)
    expect(await redis.get(`${key}:c:reduced`)).toBe('2')
  })
})
