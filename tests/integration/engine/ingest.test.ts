import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChangeEvent } from '../../../src/connectors/types.ts'
import { createIngest, type IngestOptions } from '../../../src/engine/ingest.ts'
import { createLogger } from '../../../src/lib/logger.ts'
import { createScaleDeployment } from '../../helpers/databases.ts'
import { type RuntimeFixture, startRuntimeFixture } from '../../helpers/runtime-fixture.ts'

// Intake group-commits concurrent accepts: one insert and one bulk enqueue for every caller waiting at that
// moment. These hold it to the promise each caller relies on, in both modes: answered only once its own
// rows are stored, told its own counts, failed together with its batch and then nothing of it stored.

interface Mode {
  name: string
  setup(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>
  /** Makes the store refuse any inbox row whose record id starts with `poison`, as a failing database would. */
  poison(fx: RuntimeFixture, env: Record<string, string>): Promise<void>
}

const modes: Mode[] = [
  {
    name: 'embedded (SQLite, local queue)',
    async setup() {
      return { env: {}, cleanup: async () => {} }
    },
    async poison(fx) {
      const db = new DatabaseSync(join(fx.home.env.TANDEM_HOME!, 'tandem.db'))
      db.exec('PRAGMA busy_timeout = 5000')
      db.exec(`CREATE TRIGGER inbox_poison BEFORE INSERT ON inbox_events WHEN NEW.record_id LIKE 'poison%'
               BEGIN SELECT RAISE(ABORT, 'poisoned record'); END`)
      db.close()
    },
  },
  {
    name: 'scale (PostgreSQL, BullMQ)',
    async setup() {
      return createScaleDeployment('tandem-ingest')
    },
    async poison(_fx, env) {
      const client = new pg.Client({ connectionString: env.DATABASE_URL })
      await client.connect()
      await client.query(`alter table inbox_events add constraint inbox_poison check (record_id not like 'poison%')`)
      await client.end()
    },
  },
]

const event = (recordId: string, eventId = `ev-${recordId}`): ChangeEvent => ({
  object: 'Account',
  recordId,
  changeType: 'update',
  eventId,
})

describe.each(modes)('ingest group commit, $name', (mode) => {
  let fx: RuntimeFixture
  let env: Record<string, string>
  let cleanup: () => Promise<void>

  beforeAll(async () => {
    const setup = await mode.setup()
    env = setup.env
    cleanup = setup.cleanup
    fx = await startRuntimeFixture({ flows: ['customers'], env })
  })
  afterAll(async () => {
    await fx?.close()
    await cleanup?.()
  })

  const ingestWith = (opts: IngestOptions = {}) =>
    createIngest({ store: fx.rt.store, queue: fx.rt.queue, flows: fx.rt.flows, logger: createLogger('silent') }, opts)
  const isStored = async (recordId: string) =>
    (await fx.rt.store.inbox.pendingWatermark({ flow: 'customers', recordId })) !== null

  it('stores every one of many concurrent accepts, answers each with its own counts and enqueues each record', async () => {
    const ingest = ingestWith()
    const before = await fx.rt.queue.counts()
    const ids = Array.from({ length: 300 }, (_, i) => `001CONC${String(i).padStart(5, '0')}`)
    const results = await Promise.all(
      ids.map(async (id) => {
        const result = await ingest.accept('crm', [event(id)], { via: 'webhook' })
        // Answered, so stored: a caller must never hear back before its rows are in the inbox.
        expect(await isStored(id)).toBe(true)
        return result
      }),
    )
    expect(results.every((r) => r.accepted === 1 && r.duplicates === 0 && r.ignored === 0)).toBe(true)
    const after = await fx.rt.queue.counts()
    expect(after.waiting - before.waiting).toBe(ids.length)
    // Every record is marked enqueued (after the answers, in the background), so the sweeper owes none of
    // them anything.
    await ingest.settled()
    const owed = await fx.rt.store.inbox.owed({ graceMs: -60_000, staleMs: 3_600_000, limit: 10_000 })
    expect(owed.filter((r) => r.recordId.startsWith('001CONC'))).toEqual([])
  })

  it('stores the same event from two callers of one batch once: one accepted, the other a duplicate', async () => {
    const ingest = ingestWith()
    const [a, b, c] = await Promise.all([
      ingest.accept('crm', [event('001DUP1', 'same-event')], { via: 'webhook' }),
      ingest.accept('crm', [event('001DUP1', 'same-event'), event('001DUP2')], { via: 'webhook' }),
      ingest.accept('crm', [event('001DUP1', 'same-event')], { via: 'webhook' }),
    ])
    expect(a).toEqual({ accepted: 1, duplicates: 0, ignored: 0 })
    expect(b).toEqual({ accepted: 1, duplicates: 1, ignored: 0 })
    expect(c).toEqual({ accepted: 0, duplicates: 1, ignored: 0 })
    // Delivered again later, it is a duplicate too.
    expect(await ingest.accept('crm', [event('001DUP1', 'same-event')], { via: 'webhook' })).toEqual({
      accepted: 0,
      duplicates: 1,
      ignored: 0,
    })
  })

  it('commits more callers than one batch holds in several batches, all stored', async () => {
    const ingest = ingestWith({ maxBatchRows: 7, maxCommitsInFlight: 2 })
    const ids = Array.from({ length: 60 }, (_, i) => `001SPLIT${String(i).padStart(3, '0')}`)
    // One caller with more rows than a batch holds is committed whole, never split.
    const big = Array.from({ length: 20 }, (_, i) => event(`001BIG${String(i).padStart(3, '0')}`))
    const results = await Promise.all([
      ...ids.map((id) => ingest.accept('crm', [event(id)], { via: 'webhook' })),
      ingest.accept('crm', big, { via: 'webhook' }),
    ])
    expect(results.slice(0, -1).every((r) => r.accepted === 1)).toBe(true)
    expect(results.at(-1)).toEqual({ accepted: 20, duplicates: 0, ignored: 0 })
    for (const id of [...ids, ...big.map((e) => e.recordId)]) expect(await isStored(id)).toBe(true)
  })

  it('answers events no flow listens to at once, storing nothing', async () => {
    const ingest = ingestWith()
    expect(await ingest.accept('crm', [{ ...event('001IGN'), object: 'Contact' }], { via: 'webhook' })).toEqual({
      accepted: 0,
      duplicates: 0,
      ignored: 1,
    })
    expect(await isStored('001IGN')).toBe(false)
  })

  // Last two: they leave the store refusing some record ids.
  it('fails only the caller whose rows the store refuses; the others of its batch are stored', async () => {
    await mode.poison(fx, env)
    const ingest = ingestWith()
    const outcomes = await Promise.allSettled([
      ingest.accept('crm', [event('001INNOCENT1')], { via: 'webhook' }),
      ingest.accept('crm', [event('001INNOCENT2'), event('poison-1')], { via: 'webhook' }),
      ingest.accept('crm', [event('001INNOCENT3')], { via: 'webhook' }),
      ingest.accept('crm', [event('001INNOCENT4')], { via: 'webhook' }),
      ingest.accept('crm', [event('001INNOCENT5')], { via: 'webhook' }),
    ])
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled'])
    for (const id of ['001INNOCENT1', '001INNOCENT3', '001INNOCENT4', '001INNOCENT5']) {
      expect(await isStored(id)).toBe(true)
    }
    // The refused caller's request is stored not even in part, so its sender's retry is clean.
    expect(await isStored('001INNOCENT2')).toBe(false)
    expect(await isStored('poison-1')).toBe(false)
  })

  it('fails every caller of a batch when the store refuses all of it, storing nothing', async () => {
    const ingest = ingestWith()
    const outcomes = await Promise.allSettled(
      ['poison-2', 'poison-3', 'poison-4'].map((id) => ingest.accept('crm', [event(id)], { via: 'webhook' })),
    )
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected'])
    for (const id of ['poison-2', 'poison-3', 'poison-4']) expect(await isStored(id)).toBe(false)
    // Senders retry: once what was refused is no longer sent, the store takes the rest.
    expect(await ingest.accept('crm', [event('001AFTER')], { via: 'webhook' })).toEqual({
      accepted: 1,
      duplicates: 0,
      ignored: 0,
    })
  })
})
