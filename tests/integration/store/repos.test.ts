import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueRefs } from '../../../src/store/repos/inbox-repo.ts'
import { createStore, type Store } from '../../../src/store/store.ts'
import { createPostgresSchema, createTempDir, type TestDatabase, type TestDir } from '../../helpers/databases.ts'

// One behaviour suite, run against both databases: the embedded SQLite file and PostgreSQL.
const backends: { name: string; open(): Promise<{ store: Store; cleanup(): Promise<void> }> }[] = [
  {
    name: 'sqlite',
    async open() {
      const dir: TestDir = createTempDir()
      const store = await createStore({ sqliteFile: `${dir.path}/tandem.db` })
      return { store, cleanup: async () => dir.remove() }
    },
  },
  {
    name: 'postgres',
    async open() {
      const pgdb: TestDatabase = await createPostgresSchema()
      const store = await createStore({ databaseUrl: pgdb.url, sqliteFile: '' })
      return { store, cleanup: () => pgdb.drop() }
    },
  },
]

const event = (over: Partial<Parameters<Store['inbox']['insertNew']>[0][number]> = {}) => ({
  dedupe_key: 'k1',
  flow: 'customers',
  connection: 'crm',
  object: 'Account',
  record_id: '001A',
  change_type: 'update',
  origin: null,
  occurred_at: null,
  ...over,
})

describe.each(backends)('store on $name', (backend) => {
  let store: Store
  let cleanup: () => Promise<void>

  beforeAll(async () => {
    ;({ store, cleanup } = await backend.open())
  })
  afterAll(async () => {
    await store.close()
    await cleanup()
  })

  it('accepts an event once per dedupe key and reports only new records', async () => {
    const first = await store.inbox.insertNew([event({ dedupe_key: 'd1' }), event({ dedupe_key: 'd2' })])
    expect(first).toHaveLength(2)
    expect(uniqueRefs(first)).toEqual([{ flow: 'customers', recordId: '001A' }])
    const again = await store.inbox.insertNew([event({ dedupe_key: 'd1' })])
    expect(again).toHaveLength(0)
    expect(uniqueRefs(again)).toEqual([])
    expect((await store.inbox.pendingCounts()).get('customers')).toBe(1)
  })

  it('marks events done only up to the watermark a sync started from', async () => {
    await store.inbox.insertNew([event({ dedupe_key: 'w1', record_id: '001W' })])
    const mark = await store.inbox.pendingWatermark({ flow: 'customers', recordId: '001W' })
    expect(mark).not.toBeNull()
    await store.inbox.insertNew([event({ dedupe_key: 'w2', record_id: '001W' })])
    await store.inbox.markDone({ flow: 'customers', recordId: '001W' }, mark!)
    const after = await store.inbox.pendingWatermark({ flow: 'customers', recordId: '001W' })
    expect(after).toBeGreaterThan(mark!)
  })

  it('finds events never enqueued once the grace period passes, and enqueued ones gone stale', async () => {
    const t0 = 1_000_000
    await store.inbox.insertNew([event({ dedupe_key: 'o1', record_id: '001O' })], t0)
    expect(await store.inbox.owed({ graceMs: 5_000, staleMs: 60_000, limit: 10 }, t0 + 1_000)).toEqual([])
    expect(await store.inbox.owed({ graceMs: 5_000, staleMs: 60_000, limit: 10 }, t0 + 6_000)).toContainEqual({
      flow: 'customers',
      recordId: '001O',
    })
    await store.inbox.markEnqueued([{ flow: 'customers', recordId: '001O' }], t0 + 6_000)
    const soon = await store.inbox.owed({ graceMs: 5_000, staleMs: 60_000, limit: 10 }, t0 + 7_000)
    expect(soon).not.toContainEqual({ flow: 'customers', recordId: '001O' })
    const later = await store.inbox.owed({ graceMs: 5_000, staleMs: 60_000, limit: 10 }, t0 + 70_000)
    expect(later).toContainEqual({ flow: 'customers', recordId: '001O' })
  })

  it('records and updates cross-references', async () => {
    await store.xrefs.record('customers', '001X', '10', 'h1')
    await store.xrefs.record('customers', '001X', '10', 'h2')
    expect(await store.xrefs.get('customers', '001X')).toMatchObject({ target_id: '10', last_hash: 'h2' })
    expect(await store.xrefs.findByTarget('customers', '10')).toMatchObject({ source_id: '001X' })
    expect((await store.xrefs.countByFlow()).get('customers')).toBe(1)
  })

  it('counts records whose latest run failed', async () => {
    const run = { flow: 'customers', target_id: null, attempt: 1, started_at: 1, duration_ms: 3 }
    const err = { error_kind: 'permanent', error_code: 'X', error_message: 'bad' }
    const ok = { error_kind: null, error_code: null, error_message: null }
    await store.runs.insert({ ...run, source_id: 'r1', status: 'failed', ...err })
    await store.runs.insert({ ...run, source_id: 'r1', status: 'written', ...ok })
    await store.runs.insert({ ...run, source_id: 'r2', status: 'failed', ...err })
    expect((await store.runs.failedCounts()).get('customers')).toBe(1)
    expect((await store.runs.forRecord('customers', 'r1')).map((r) => r.status)).toEqual(['written', 'failed'])
  })

  it('counts written records per flow and time bucket, for the sparklines', async () => {
    const run = { target_id: null, attempt: 1, duration_ms: 3, error_kind: null, error_code: null, error_message: null }
    for (const [flow, at] of [
      ['spark', 10_000],
      ['spark', 10_500],
      ['spark', 12_100],
      ['spark-b', 10_100],
    ] as const) {
      await store.runs.insert({ ...run, flow, source_id: `s${at}`, status: 'written', started_at: at })
    }
    await store.runs.insert({ ...run, flow: 'spark', source_id: 'f', status: 'failed', started_at: 10_000 })
    const rows = (await store.runs.throughput(10_000, 1_000)).filter((r) => r.flow.startsWith('spark'))
    expect(rows.sort((a, b) => a.flow.localeCompare(b.flow) || a.bucket - b.bucket)).toEqual([
      { flow: 'spark', bucket: 0, n: 2 },
      { flow: 'spark', bucket: 2, n: 1 },
      { flow: 'spark-b', bucket: 0, n: 1 },
    ])
  })

  it('keeps poll cursors', async () => {
    expect(await store.cursors.get('customers')).toBeNull()
    await store.cursors.set('customers', '2024-01-01T00:00:00Z')
    await store.cursors.set('customers', '2024-01-02T00:00:00Z')
    expect(await store.cursors.get('customers')).toBe('2024-01-02T00:00:00Z')
  })

  it("keeps a sync run's payload and warnings", async () => {
    const run = {
      flow: 'orders',
      target_id: '7',
      attempt: 1,
      started_at: 1,
      duration_ms: 3,
      status: 'written' as const,
    }
    const none = { error_kind: null, error_code: null, error_message: null }
    const warnings = JSON.stringify([{ field: 'memo', message: 'truncated to 10 characters (2 cut)' }])
    await store.runs.insert({ ...run, ...none, source_id: 'p1', payload: '{"memo":"0123456789"}', warnings })
    const [row] = await store.runs.forRecord('orders', 'p1')
    expect(row).toMatchObject({ payload: '{"memo":"0123456789"}', warnings })
  })

  it('links without a hash, so the next sync writes', async () => {
    await store.xrefs.record('customers', '001L', '77', null)
    expect(await store.xrefs.get('customers', '001L')).toMatchObject({ target_id: '77', last_hash: null })
  })

  it('opens a link review once and keeps the decision', async () => {
    const review = { flow: 'customers', sourceId: '001R', key: 'companyName', value: 'sao mai', candidates: ['5', '9'] }
    await store.linkReviews.open(review)
    await store.linkReviews.open({ ...review, candidates: ['5'] })
    expect(await store.linkReviews.list('customers', 'open')).toEqual([
      expect.objectContaining({ source_id: '001R', candidates: ['5', '9'], state: 'open', decided_target_id: null }),
    ])
    await store.linkReviews.decide('customers', '001R', 'linked', '9')
    expect(await store.linkReviews.list('customers', 'open')).toEqual([])
    expect(await store.linkReviews.get('customers', '001R')).toMatchObject({ state: 'linked', decided_target_id: '9' })
    await store.linkReviews.open(review)
    expect((await store.linkReviews.get('customers', '001R'))?.state).toBe('linked')
  })

  it('collapses repeated failures of a record into one dead letter, resolved by a later success', async () => {
    const letter = { flow: 'orders', sourceId: '006D', kind: 'permanent', remote: { status: 400 }, payload: '{"a":1}' }
    await store.deadLetters.park({ ...letter, code: 'NS_USER_ERROR', message: 'first' }, 1_000)
    await store.deadLetters.park({ ...letter, code: 'NS_INVALID_CONTENT', message: 'second' }, 2_000)
    const [row] = await store.deadLetters.list({ flow: 'orders', state: 'open' }, { limit: 10 })
    expect(row).toMatchObject({
      source_id: '006D',
      failures: 2,
      error_code: 'NS_INVALID_CONTENT',
      error_message: 'second',
      remote: '{"status":400}',
      first_failed_at: 1_000,
      last_failed_at: 2_000,
    })
    expect(await store.deadLetters.list({ code: 'NS_USER_ERROR' }, { limit: 10 })).toEqual([])
    expect(await store.deadLetters.list({ since: 1_500, until: 2_500 }, { limit: 10 })).toHaveLength(1)
    expect((await store.deadLetters.openCounts()).get('orders')).toBe(1)
    expect(await store.deadLetters.resolve('orders', '006D')).toBe(true)
    expect(await store.deadLetters.resolve('orders', '006D')).toBe(false)
    expect(await store.deadLetters.get(row!.id)).toMatchObject({ state: 'resolved' })
    // A new failure reopens the same row rather than adding one.
    await store.deadLetters.park({ ...letter, code: 'X', message: 'third' }, 3_000)
    expect(await store.deadLetters.list({ flow: 'orders' }, { limit: 10 })).toEqual([
      expect.objectContaining({ id: row!.id, state: 'open', failures: 3, closed_at: null }),
    ])
    expect(await store.deadLetters.discard([row!.id])).toBe(1)
    expect((await store.deadLetters.get(row!.id))?.state).toBe('discarded')
  })

  it('moves a circuit through its states with guarded updates', async () => {
    const policy = { minFailures: 2, openAfterMs: 1_000, firstProbeMs: 100, maxProbeMs: 300 }
    await store.circuits.failure('erp', 'a', policy, 10_000)
    expect(await store.circuits.failure('erp', 'b', policy, 10_500)).toMatchObject({ state: 'closed', failures: 2 })
    expect(await store.circuits.failure('erp', 'c', policy, 11_000)).toMatchObject({
      state: 'open',
      opened_at: 11_000,
      next_probe_at: 11_100,
      last_error: 'c',
    })
    expect(await store.circuits.claimProbe('erp', 11_050)).toBe(false)
    expect(await store.circuits.claimProbe('erp', 11_100)).toBe(true)
    expect(await store.circuits.claimProbe('erp', 11_100)).toBe(false)
    await store.circuits.probeFailed('erp', 'd', policy, 11_200)
    await store.circuits.probeFailed('erp', 'e', policy, 11_400)
    expect(await store.circuits.get('erp')).toMatchObject({ probe_backoff_ms: 300, next_probe_at: 11_700 })
    await store.circuits.success('erp', policy, 12_000)
    expect(await store.circuits.get('erp')).toMatchObject({ state: 'closed', failures: 0, next_probe_at: null })
    expect((await store.circuits.all()).map((c) => c.connection)).toEqual(['erp'])
  })

  it('answers a ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined()
  })
})
