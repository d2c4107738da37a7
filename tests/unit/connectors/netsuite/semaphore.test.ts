import { describe, expect, it } from 'vitest'
import { accountLimiter, Semaphore } from '../../../../src/connectors/netsuite/semaphore.ts'

describe('Semaphore', () => {
  it('never runs more than its ceiling at once and serves waiters in order', async () => {
    const sem = new Semaphore(2)
    let running = 0
    let peak = 0
    const order: number[] = []
    const gates: (() => void)[] = []
    const tasks = Array.from({ length: 6 }, (_, i) =>
      sem.run(async () => {
        running++
        peak = Math.max(peak, running)
        order.push(i)
        await new Promise<void>((resolve) => gates.push(resolve))
        running--
      }),
    )
    while (order.length < 6) {
      await new Promise((r) => setImmediate(r))
      expect(running).toBeLessThanOrEqual(2)
      gates.shift()?.()
    }
    for (const g of gates) g()
    await Promise.all(tasks)
    expect(peak).toBe(2)
    expect(order).toEqual([0, 1, 2, 3, 4, 5])
  })
})

describe('accountLimiter', () => {
  it('shares one limiter per account in a process, at the lowest ceiling asked for', () => {
    const a = accountLimiter('acct@test', 5)
    const b = accountLimiter('acct@test', 3)
    expect(a.semaphore).toBe(b.semaphore)
    expect(a.semaphore.max).toBe(3)
    b.release()
    expect(a.semaphore.max).toBe(5)
    a.release()
    const c = accountLimiter('acct@test', 7)
    expect(c.semaphore).not.toBe(a.semaphore)
    c.release()
  })
})
