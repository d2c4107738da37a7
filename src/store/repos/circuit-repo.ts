import type { Selectable } from 'kysely'
import type { Db } from '../db.ts'
import type { CircuitTable } from '../schema.ts'

export type Circuit = Selectable<CircuitTable>

export interface CircuitPolicy {
  /** Failures in a streak before the circuit may open… */
  minFailures: number
  /** …and how long the streak must have lasted: one bad second is not an outage. */
  openAfterMs: number
  firstProbeMs: number
  maxProbeMs: number
}

/**
 * Circuit state per connection. Every transition is one guarded UPDATE, so processes racing on the same
 * connection agree: only one claims a probe, and a success closes whatever state the circuit was in.
 */
export function createCircuitRepo(db: Db) {
  async function ensure(connection: string, now: number, policy: CircuitPolicy): Promise<void> {
    await db
      .insertInto('circuits')
      .values({
        connection,
        state: 'closed',
        failures: 0,
        first_failure_at: null,
        opened_at: null,
        next_probe_at: null,
        probe_backoff_ms: policy.firstProbeMs,
        last_error: null,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('connection').doNothing())
      .execute()
  }

  return {
    async all(): Promise<Circuit[]> {
      return db.selectFrom('circuits').selectAll().orderBy('connection').execute()
    },

    async get(connection: string): Promise<Circuit | undefined> {
      return db.selectFrom('circuits').selectAll().where('connection', '=', connection).executeTakeFirst()
    },

    /** Counts an outage failure; opens the circuit when the streak is long enough. Returns the new state. */
    async failure(connection: string, error: string, policy: CircuitPolicy, now = Date.now()): Promise<Circuit> {
      await ensure(connection, now, policy)
      await db
        .updateTable('circuits')
        .set((eb) => ({
          failures: eb('failures', '+', 1),
          first_failure_at: eb.fn.coalesce('first_failure_at', eb.val(now)),
          last_error: error,
          updated_at: now,
        }))
        .where('connection', '=', connection)
        .execute()
      // Open: a long enough streak while closed; or a failed probe while open, with doubled backoff.
      await db
        .updateTable('circuits')
        .set({
          state: 'open',
          opened_at: now,
          next_probe_at: now + policy.firstProbeMs,
          probe_backoff_ms: policy.firstProbeMs,
        })
        .where('connection', '=', connection)
        .where('state', '=', 'closed')
        .where('failures', '>=', policy.minFailures)
        .where('first_failure_at', '<=', now - policy.openAfterMs)
        .execute()
      const row = (await db.selectFrom('circuits').selectAll().where('connection', '=', connection).executeTakeFirst())!
      return row
    },

    /** A failed probe: stay open, wait twice as long before the next. */
    async probeFailed(connection: string, error: string, policy: CircuitPolicy, now = Date.now()): Promise<void> {
      const row = await db
        .selectFrom('circuits')
        .select('probe_backoff_ms')
        .where('connection', '=', connection)
        .executeTakeFirst()
      const backoff = Math.min((row?.probe_backoff_ms ?? policy.firstProbeMs) * 2, policy.maxProbeMs)
      await db
        .updateTable('circuits')
        .set({ probe_backoff_ms: backoff, next_probe_at: now + backoff, last_error: error, updated_at: now })
        .where('connection', '=', connection)
        .where('state', '=', 'open')
        .execute()
    },

    /** Claims the next probe of an open circuit: true for exactly one caller once the probe is due. */
    async claimProbe(connection: string, now = Date.now()): Promise<boolean> {
      const r = await db
        .updateTable('circuits')
        .set((eb) => ({ next_probe_at: eb(eb.val(now), '+', eb.ref('probe_backoff_ms')), updated_at: now }))
        .where('connection', '=', connection)
        .where('state', '=', 'open')
        .where('next_probe_at', '<=', now)
        .executeTakeFirst()
      return Number(r.numUpdatedRows) === 1
    },

    /** Any success: the streak ends and an open circuit closes. */
    async success(connection: string, policy: CircuitPolicy, now = Date.now()): Promise<void> {
      await db
        .updateTable('circuits')
        .set({
          state: 'closed',
          failures: 0,
          first_failure_at: null,
          opened_at: null,
          next_probe_at: null,
          probe_backoff_ms: policy.firstProbeMs,
          updated_at: now,
        })
        .where('connection', '=', connection)
        .where((eb) => eb.or([eb('failures', '>', 0), eb('state', '=', 'open')]))
        .execute()
    },
  }
}

export type CircuitRepo = ReturnType<typeof createCircuitRepo>
