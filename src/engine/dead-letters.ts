import type { DeadLetter, DeadLetterFilter } from '../store/repos/dead-letter-repo.ts'
import type { Store } from '../store/store.ts'

const page = 500

/** Every open dead letter matching the filter, read in pages so a large list never sits in memory at once. */
export async function* openLetters(store: Store, filter: DeadLetterFilter): AsyncGenerator<DeadLetter[]> {
  let afterId: number | undefined
  for (;;) {
    const rows = await store.deadLetters.list(
      { ...filter, state: 'open' },
      { limit: page, ...(afterId ? { afterId } : {}) },
    )
    if (rows.length === 0) return
    yield rows
    afterId = rows.at(-1)!.id
  }
}

/**
 * Replays dead letters: each record is synced again through the inbox, which re-reads the source's current
 * state, so a replay after fixing the data or the mapping just works. The letter stays open until that sync
 * succeeds (which resolves it) or fails again (which updates it).
 */
export async function replayDeadLetters(
  store: Store,
  filter: DeadLetterFilter,
  requestSync: (flow: string, recordId: string, reason: string) => Promise<void>,
): Promise<number> {
  let replayed = 0
  for await (const rows of openLetters(store, filter)) {
    for (const row of rows) await requestSync(row.flow, row.source_id, `replay:${row.id}:${row.failures}`)
    await store.deadLetters.markReplayed(rows.map((r) => r.id))
    replayed += rows.length
  }
  return replayed
}

/** Drops open dead letters matching the filter; their history stays in the sync runs. */
export async function discardDeadLetters(store: Store, filter: DeadLetterFilter): Promise<number> {
  let discarded = 0
  for await (const rows of openLetters(store, filter))
    discarded += await store.deadLetters.discard(rows.map((r) => r.id))
  return discarded
}
