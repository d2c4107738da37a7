import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PermanentError, TransientError } from '../../../src/errors.ts'
import type { JobQueue, QueueJob, RetryPolicy } from '../../../src/queue/job-queue.ts'
import { PostponeJob } from '../../../src/queue/postpone.ts'
import { waitFor } from '../../helpers/wait-for.ts'

export interface MakeOptions<T> {
  retry?: Partial<RetryPolicy>
  retryFor?: (data: T) => RetryPolicy
  leaseMs?: number
}

export interface QueueHarness {
  make<T>(opts?: MakeOptions<T>): JobQueue<T>
  /** Environment for tests/helpers/queue-child.ts to open the same queue in another process. */
  childEnv(queueName: string, leaseMs: number): Record<string, string>
  cleanup(): Promise<void>
}

const fast: RetryPolicy = { attempts: 3, baseMs: 10, maxMs: 40 }

function gate() {
  let open!: () => void
  const opened = new Promise<void>((r) => {
    open = r
  })
  return { open, opened }
}

/** The behaviour every JobQueue driver must have; run once per driver. */
export function jobQueueContract(name: string, setup: () => Promise<QueueHarness>) {
  describe(`JobQueue contract: ${name}`, () => {
    let h: QueueHarness
    const queues: JobQueue<unknown>[] = []
    const make = <T>(opts?: MakeOptions<T>) => {
      const q = h.make<T>({ ...opts, retry: { ...fast, ...opts?.retry } })
      queues.push(q as JobQueue<unknown>)
      return q
    }

    beforeAll(async () => {
      h = await setup()
    })
    afterAll(async () => {
      await Promise.all(queues.map((q) => q.close()))
      await h.cleanup()
    })

    it('runs an added job with its key and data, first attempt numbered 1', async () => {
      const q = make<{ n: number }>()
      const seen: QueueJob<{ n: number }>[] = []
      q.process(
        async (job) => {
          seen.push(job)
        },
        { concurrency: 1 },
      )
      await q.add('a', { n: 1 })
      await waitFor(() => seen.length === 1)
      expect(seen[0]).toMatchObject({ key: 'a', data: { n: 1 }, attempt: 1 })
      await waitFor(async () => (await q.counts()).waiting + (await q.counts()).active === 0)
    })

    it('coalesces adds of a key that is still waiting into one run', async () => {
      const q = make<{ n: number }>()
      for (let n = 0; n < 5; n++) await q.add('same', { n })
      await q.add('other', { n: 9 })
      expect((await q.counts()).waiting).toBe(2)
      const runs: string[] = []
      q.process(
        async (job) => {
          runs.push(job.key)
        },
        { concurrency: 2 },
      )
      await waitFor(() => runs.length === 2)
      await waitFor(async () => (await q.counts()).active === 0)
      expect(runs.sort()).toEqual(['other', 'same'])
    })

    it('runs a key once more after an add during its run, with the newest data, never in parallel', async () => {
      const q = make<{ n: number }>()
      const first = gate()
      const started = gate()
      const runs: number[] = []
      let inFlight = 0
      let maxInFlight = 0
      q.process(
        async (job) => {
          inFlight++
          maxInFlight = Math.max(maxInFlight, inFlight)
          runs.push(job.data.n)
          if (runs.length === 1) {
            started.open()
            await first.opened
          }
          inFlight--
        },
        { concurrency: 4 },
      )
      await q.add('k', { n: 1 })
      await started.opened
      await q.add('k', { n: 2 })
      await q.add('k', { n: 3 })
      first.open()
      await waitFor(() => runs.length === 2)
      await waitFor(async () => {
        const c = await q.counts()
        return c.active + c.waiting + c.delayed === 0
      })
      expect(runs).toEqual([1, 3])
      expect(maxInFlight).toBe(1)
    })

    it('holds a delayed job until its time', async () => {
      const q = make<{ n: number }>()
      const addedAt = Date.now()
      await q.add('later', { n: 1 }, { delayMs: 400 })
      expect((await q.counts()).delayed).toBe(1)
      let ranAt = 0
      q.process(
        async () => {
          ranAt = Date.now()
        },
        { concurrency: 1 },
      )
      await waitFor(() => ranAt > 0)
      expect(ranAt - addedAt).toBeGreaterThanOrEqual(390)
    })

    it('retries transient failures with backoff, then succeeds', async () => {
      const q = make<{ n: number }>({ retry: { attempts: 4 } })
      const attempts: number[] = []
      q.process(
        async (job) => {
          attempts.push(job.attempt)
          if (job.attempt < 3) throw new TransientError('TEST_BLIP', 'temporary')
        },
        { concurrency: 1 },
      )
      await q.add('flaky', { n: 1 })
      await waitFor(() => attempts.length === 3)
      await waitFor(async () => (await q.counts()).active === 0)
      expect(attempts).toEqual([1, 2, 3])
      expect(await q.failed()).toEqual([])
    })

    it("waits at least a transient error's Retry-After before the next attempt", async () => {
      const q = make<{ n: number }>()
      const times: number[] = []
      q.process(
        async () => {
          times.push(Date.now())
          if (times.length === 1) throw new TransientError('TEST_LIMIT', 'slow down', { retryAfterMs: 400 })
        },
        { concurrency: 1 },
      )
      await q.add('limited', { n: 1 })
      await waitFor(() => times.length === 2)
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(390)
    })

    it('parks a permanent failure at once, keeping its error', async () => {
      const q = make<{ n: number }>({ retry: { attempts: 5 } })
      let calls = 0
      q.process(
        async () => {
          calls++
          throw new PermanentError('TEST_INVALID', 'Required fields are missing: [Name]')
        },
        { concurrency: 1 },
      )
      await q.add('bad', { n: 7 })
      const [failed] = await waitFor(async () => {
        const f = await q.failed()
        return f.length === 1 ? f : undefined
      })
      expect(calls).toBe(1)
      expect(failed).toMatchObject({
        key: 'bad',
        data: { n: 7 },
        error: { kind: 'permanent', code: 'TEST_INVALID', message: 'Required fields are missing: [Name]' },
      })
      expect((await q.counts()).failed).toBe(1)
    })

    it('parks a job whose attempts are exhausted, and runs the key again when added anew', async () => {
      const q = make<{ n: number }>({ retry: { attempts: 2 } })
      const seen: string[] = []
      q.process(
        async (job) => {
          seen.push(`${job.data.n}:${job.attempt}`)
          if (job.data.n === 1) throw new TransientError('TEST_DOWN', 'still down')
        },
        { concurrency: 1 },
      )
      await q.add('tired', { n: 1 })
      await waitFor(async () => (await q.failed()).length === 1)
      expect((await q.failed())[0]?.error.code).toBe('TEST_DOWN')
      await q.add('tired', { n: 2 })
      await waitFor(() => seen.includes('2:1'))
      expect(seen).toEqual(['1:1', '1:2', '2:1'])
    })

    it('retries each job by the policy its own data picks', async () => {
      type Data = { patience: number }
      const q = make<Data>({ retryFor: (data) => ({ ...fast, attempts: data.patience }) })
      const seen: string[] = []
      q.process(
        async (job) => {
          seen.push(`${job.key}:${job.attempt}/${job.maxAttempts}`)
          throw new TransientError('TEST_DOWN', 'still down')
        },
        { concurrency: 2 },
      )
      await q.add('short', { patience: 1 })
      await q.add('long', { patience: 4 })
      await waitFor(async () => (await q.failed()).length === 2)
      expect(seen.filter((s) => s.startsWith('short'))).toEqual(['short:1/1'])
      expect(seen.filter((s) => s.startsWith('long'))).toEqual(['long:1/4', 'long:2/4', 'long:3/4', 'long:4/4'])
    })

    it('postpones a job without spending an attempt', async () => {
      const q = make<{ n: number }>({ retry: { attempts: 2 } })
      const attempts: number[] = []
      q.process(
        async (job) => {
          attempts.push(job.attempt)
          if (attempts.length <= 4) throw new PostponeJob('not yet', 5)
        },
        { concurrency: 1 },
      )
      await q.add('later', { n: 1 })
      await waitFor(() => attempts.length === 5)
      // Four postponements and a success, with an attempt budget of two: none of them was counted.
      expect(attempts).toEqual([1, 1, 1, 1, 1])
      await waitFor(async () => {
        const c = await q.counts()
        return c.waiting + c.delayed + c.active === 0 && c.failed === 0
      })
    })

    it('runs up to `concurrency` jobs at once', async () => {
      const q = make<{ n: number }>()
      const release = gate()
      let inFlight = 0
      let maxInFlight = 0
      let done = 0
      q.process(
        async () => {
          inFlight++
          maxInFlight = Math.max(maxInFlight, inFlight)
          await release.opened
          inFlight--
          done++
        },
        { concurrency: 3 },
      )
      for (let n = 0; n < 7; n++) await q.add(`c${n}`, { n })
      await waitFor(() => inFlight === 3)
      release.open()
      await waitFor(() => done === 7)
      expect(maxInFlight).toBe(3)
    })

    it('recovers a job whose worker process was killed mid-run', async () => {
      const leaseMs = 600
      const q = make<{ n: number }>({ leaseMs })
      await q.add('crash', { n: 42 })
      const child = spawn(process.execPath, ['tests/helpers/queue-child.ts'], {
        env: { ...process.env, ...h.childEnv(q.name, leaseMs) },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      let out = ''
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
      })
      await waitFor(() => out.includes('started crash'), { timeoutMs: 20_000, what: 'the child to take the job' })
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGKILL')
      await exited
      expect((await q.counts()).active).toBe(1)
      const seen: QueueJob<{ n: number }>[] = []
      q.process(
        async (job) => {
          seen.push(job)
        },
        { concurrency: 1 },
      )
      await waitFor(() => seen.length === 1, { timeoutMs: 20_000, what: 'the job to be recovered' })
      expect(seen[0]).toMatchObject({ key: 'crash', data: { n: 42 } })
      await waitFor(async () => (await q.counts()).active === 0)
    })
  })
}
