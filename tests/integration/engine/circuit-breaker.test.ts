import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCircuitBreakers, isOutage } from '../../../src/engine/circuit-breaker.ts'
import { PermanentError, TransientError } from '../../../src/errors.ts'
import { createLogger } from '../../../src/lib/logger.ts'
import { postponeDelay } from '../../../src/queue/postpone.ts'
import { createStore, type Store } from '../../../src/store/store.ts'
import { createTempDir, type TestDir } from '../../helpers/databases.ts'
import { waitFor } from '../../helpers/wait-for.ts'

const outage = () => new TransientError('NS_UNEXPECTED_ERROR', 'server error', { remote: { status: 503 } })
const policy = { minFailures: 3, openAfterMs: 0, firstProbeMs: 40, maxProbeMs: 100 }

describe('circuit breakers', () => {
  let dir: TestDir
  let store: Store
  const logger = createLogger('silent')

  beforeAll(async () => {
    dir = createTempDir()
    store = await createStore({ sqliteFile: `${dir.path}/tandem.db` })
  })
  afterAll(async () => {
    await store.close()
    dir.remove()
  })

  it('tells outages from refusals', () => {
    expect(isOutage(outage())).toBe(true)
    expect(isOutage(new TransientError('UND_ERR_SOCKET', 'reset'))).toBe(true)
    expect(isOutage(new TransientError('RATE', 'slow down', { remote: { status: 429 } }))).toBe(false)
    expect(isOutage(new PermanentError('NS_USER_ERROR', 'bad', { remote: { status: 400 } }))).toBe(false)
  })

  it('opens after a streak of outages, pauses calls, probes with doubling backoff, and closes on success', async () => {
    const breakers = createCircuitBreakers(store, policy, logger)
    let calls = 0
    const failing = () =>
      breakers.guard('erp', async () => {
        calls++
        throw outage()
      })
    for (let i = 0; i < 3; i++) await expect(failing()).rejects.toMatchObject({ code: 'NS_UNEXPECTED_ERROR' })
    expect(await store.circuits.get('erp')).toMatchObject({ state: 'open', failures: 3 })

    // Open: the call is not made, the job is postponed.
    const paused = await failing().catch((e: unknown) => e)
    expect(postponeDelay(paused)).toBeGreaterThan(0)
    expect(calls).toBe(3)

    // The probe, once due, goes through; failing, it doubles the wait.
    await waitFor(async () => (await failing().catch((e: unknown) => e)) instanceof TransientError && calls === 4)
    expect(await store.circuits.get('erp')).toMatchObject({ state: 'open', probe_backoff_ms: 80 })

    // A successful probe closes the circuit: calls flow again.
    let answered = 0
    await waitFor(async () => {
      await breakers.guard('erp', async () => void answered++).catch(() => {})
      return answered === 1
    })
    expect(await store.circuits.get('erp')).toMatchObject({ state: 'closed', failures: 0 })
    await breakers.guard('erp', async () => void answered++)
    expect(answered).toBe(2)
  })

  it('is not opened by refusals, nor by outages broken by a success', async () => {
    const breakers = createCircuitBreakers(store, policy, logger)
    const refuse = () =>
      breakers.guard('crm', async () => {
        throw new TransientError('RATE', 'slow down', { remote: { status: 429 } })
      })
    for (let i = 0; i < 5; i++) await refuse().catch(() => {})
    expect((await store.circuits.get('crm'))?.state ?? 'closed').toBe('closed')

    for (let i = 0; i < 2; i++)
      await breakers
        .guard('crm', async () => {
          throw outage()
        })
        .catch(() => {})
    await breakers.guard('crm', async () => {})
    for (let i = 0; i < 2; i++)
      await breakers
        .guard('crm', async () => {
          throw outage()
        })
        .catch(() => {})
    expect(await store.circuits.get('crm')).toMatchObject({ state: 'closed', failures: 2 })
  })
})
