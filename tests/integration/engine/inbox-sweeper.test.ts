import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SyncJobData } from '../../../src/engine/flows.ts'
import { startInboxSweeper } from '../../../src/engine/inbox-sweeper.ts'
import { createIngest } from '../../../src/engine/ingest.ts'
import { createLogger } from '../../../src/lib/logger.ts'
import { createLocalQueue } from '../../../src/queue/local-queue.ts'
import { createStore, type Store } from '../../../src/store/store.ts'
import { createTempDir, type TestDir } from '../../helpers/databases.ts'
import { waitFor } from '../../helpers/wait-for.ts'

// A crash between the inbox commit and the enqueue leaves rows with no job: the sweeper must find them.
let dir: TestDir
let store: Store

beforeAll(async () => {
  dir = createTempDir()
  store = await createStore({ sqliteFile: `${dir.path}/tandem.db` })
})
afterAll(async () => {
  await store.close()
  dir.remove()
})

describe('inbox sweeper', () => {
  it('enqueues events that were stored but never enqueued, once their grace period has passed', async () => {
    const queue = createLocalQueue<SyncJobData>(store.jobs, {
      name: 'sweep-test',
      retry: { attempts: 3, baseMs: 10, maxMs: 20 },
      pollMs: 20,
    })
    // The state a crash right after the commit leaves: inbox rows, no jobs.
    await store.inbox.insertNew(
      ['001A', '001B'].map((id) => ({
        dedupe_key: `crash-${id}`,
        flow: 'customers',
        connection: 'crm',
        object: 'Account',
        record_id: id,
        change_type: 'update',
        origin: null,
        occurred_at: null,
      })),
    )
    expect(await queue.counts()).toMatchObject({ waiting: 0, active: 0 })
    const logger = createLogger('silent')
    const ingest = createIngest({ store, queue, flows: new Map(), logger })
    const sweeper = startInboxSweeper({ store, ingest, logger }, { everyMs: 20, graceMs: 100, staleMs: 60_000 })
    const jobs: string[] = []
    const worker = queue.process(
      async (job) => {
        jobs.push(job.key)
      },
      { concurrency: 2 },
    )
    await waitFor(() => jobs.length === 2, { what: 'the sweeper to enqueue both records' })
    expect(jobs.sort()).toEqual(['customers:001A', 'customers:001B'])
    await sweeper.stop()
    await worker.close()
    await queue.close()
  })
})
