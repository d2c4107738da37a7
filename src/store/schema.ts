import type { Generated } from 'kysely'

/**
 * Table types. Times are epoch milliseconds (bigint in PostgreSQL, parsed back to number), JSON is text:
 * one representation that both dialects store and compare the same way.
 */
export interface Database {
  inbox_events: InboxEventTable
  xrefs: XrefTable
  sync_runs: SyncRunTable
  poll_cursors: PollCursorTable
  jobs: JobTable
  link_reviews: LinkReviewTable
  dead_letters: DeadLetterTable
  circuits: CircuitTable
  recon_runs: ReconRunTable
  recon_findings: ReconFindingTable
  api_tokens: ApiTokenTable
  audit_log: AuditLogTable
  flow_settings: FlowSettingsTable
}

/** An accepted change, one row per (event, flow): `pending` until a sync of its record succeeds or parks. */
export interface InboxEventTable {
  id: Generated<number>
  dedupe_key: string
  flow: string
  connection: string
  object: string
  record_id: string
  change_type: string
  origin: string | null
  occurred_at: string | null
  received_at: number
  /** Set once a job was enqueued; the sweeper re-enqueues rows left without one by a crash. */
  enqueued_at: number | null
  state: InboxState
  done_at: number | null
}
export type InboxState = 'pending' | 'done'

/** Which target record a source record became, and the hash of what was last written there. */
export interface XrefTable {
  flow: string
  source_id: string
  target_id: string
  last_hash: string | null
  created_at: number
  updated_at: number
}

/** One row per attempt to sync one record. */
export interface SyncRunTable {
  id: Generated<number>
  flow: string
  source_id: string
  target_id: string | null
  attempt: number
  status: SyncRunStatus
  error_kind: string | null
  error_code: string | null
  error_message: string | null
  started_at: number
  duration_ms: number
  /** JSON of the mapped payload sent to the target (or that failed to map: null). */
  payload: string | null
  /** JSON array of the mapping's warnings, `[{ field, message }]`, or null when there were none. */
  warnings: string | null
}
export type SyncRunStatus = 'written' | 'unchanged' | 'skipped' | 'retrying' | 'failed'

export interface PollCursorTable {
  key: string
  cursor: string
  updated_at: number
}

/** The local queue driver's jobs. Completed jobs are deleted; failed ones stay as dead letters. */
export interface JobTable {
  id: Generated<number>
  queue: string
  key: string
  data: string
  state: JobState
  attempts_made: number
  max_attempts: number
  run_at: number
  lease_until: number | null
  locked_by: string | null
  /** Set when the job was added again while active: run once more, with this data, after it finishes. */
  rerun_data: string | null
  last_error: string | null
  created_at: number
  updated_at: number
}
export type JobState = 'waiting' | 'active' | 'failed'

/** A source record that matched several existing target records when a flow first linked: a person decides. */
export interface LinkReviewTable {
  flow: string
  source_id: string
  /** The linking key that matched (`companyName`) and the normalised value it matched on. */
  key: string
  value: string
  /** JSON array of candidate target ids. */
  candidates: string
  state: LinkReviewState
  decided_target_id: string | null
  created_at: number
  decided_at: number | null
}
/** open: waiting for a person; linked: linked to the chosen target; create: sync as a new record. */
export type LinkReviewState = 'open' | 'linked' | 'create'

/** A record whose sync failed for good: the last error, the payload sent, how often it failed. */
export interface DeadLetterTable {
  id: Generated<number>
  flow: string
  source_id: string
  state: DeadLetterState
  error_kind: string
  error_code: string
  error_message: string
  /** JSON of the remote's status and body, when the error came from a system. */
  remote: string | null
  /** JSON of the payload the failing sync sent (null when it failed before mapping). */
  payload: string | null
  failures: number
  first_failed_at: number
  last_failed_at: number
  replayed_at: number | null
  closed_at: number | null
}
/** open: waiting for a fix; resolved: a later sync succeeded; discarded: an admin dropped it. */
export type DeadLetterState = 'open' | 'resolved' | 'discarded'

/** A connection's circuit: closed (normal), open (flows paused, probing with backoff). */
export interface CircuitTable {
  connection: string
  state: 'closed' | 'open'
  /** Outage failures in the current streak (no success in between). */
  failures: number
  first_failure_at: number | null
  opened_at: number | null
  /** When the next probe may go through; a worker claims it by moving it forward. */
  next_probe_at: number | null
  probe_backoff_ms: number
  last_error: string | null
  updated_at: number
}

export interface ReconRunTable {
  id: Generated<number>
  flow: string
  /** full: every record of both sides; incremental: records changed since `since`. */
  mode: 'full' | 'incremental'
  state: 'running' | 'done' | 'failed'
  since: number | null
  /** 1 when the run enqueued syncs for what it found. */
  repair: number
  /** JSON: counts by kind, records read per side, progress, repairs requested. */
  summary: string
  error: string | null
  started_at: number
  finished_at: number | null
}

/** What a reconciliation found: a record missing in the target, orphaned there, a field that differs, a failed sync. */
export interface ReconFindingTable {
  id: Generated<number>
  run_id: number
  kind: ReconFindingKind
  source_id: string | null
  target_id: string | null
  field: string | null
  /** JSON of the value the mapping gives / the target holds. */
  expected: string | null
  actual: string | null
  detail: string | null
}
export type ReconFindingKind = 'missing' | 'orphaned' | 'mismatched' | 'failed'

export type Role = 'viewer' | 'operator' | 'admin'

/** An admin API token: only the SHA-256 of the secret is kept, so a leaked database leaks no token. */
export interface ApiTokenTable {
  id: Generated<number>
  name: string
  role: Role
  token_hash: string
  created_at: number
  last_used_at: number | null
  revoked_at: number | null
}

/** Who did what, when: every write action through the admin API. */
export interface AuditLogTable {
  id: Generated<number>
  at: number
  /** The token's name (`token:ops-laptop`) or `env:TANDEM_ADMIN_TOKEN`. */
  actor: string
  role: Role
  /** `dead-letters.replay`, `flows.reconcile`, `tokens.create`… */
  action: string
  target: string | null
  /** JSON of the request's parameters (never a secret). */
  detail: string | null
}

export interface FlowSettingsTable {
  flow: string
  paused: number
  changed_by: string | null
  changed_at: number
}
