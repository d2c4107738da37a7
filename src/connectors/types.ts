/**
 * The connector plug-in boundary. A connector folder imports only this file (plus src/lib and src/errors),
 * never the engine, store or queue, so a new system is one more folder and one line in registry.ts.
 *
 * The shape is not Salesforce's or NetSuite's: ids and cursors are opaque strings, writes are batches of
 * upserts keyed by an external-id field with one result per row, and change detection is either pushed
 * (parseWebhook) or pulled (listChanged). OData systems (Dynamics, SAP, Epicor) and QuickBooks fit the
 * same calls with their own delta links, ETags or SyncTokens kept inside the connector.
 */
import type { z } from 'zod'
import type { TandemError } from '../errors.ts'

/** Minimal structured logger; pino satisfies it. Connectors never log secrets or payload values. */
export interface ConnectorLogger {
  debug(obj: object, msg?: string): void
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

export interface ConnectorContext {
  /** The connection's name in connectors/<name>.yaml, e.g. `crm`. */
  name: string
  logger: ConnectorLogger
  /**
   * Admission for every remote request of this connection, shared by all processes of the deployment. A
   * connector runs each HTTP request through it and reports 429s to it; absent, requests are not throttled.
   */
  throttle?: RequestThrottle
  /**
   * In-call retries of an idempotent request after a transient failure (the connection's `retry.reads`).
   * Writes that are not idempotent are never retried in-call: the queue retries the whole job.
   */
  readRetry?: InCallRetry
}

export interface InCallRetry {
  retries: number
  /** Longest wait between tries; a longer Retry-After is not waited out in-call. */
  maxMs: number
}

/** The engine's per-connection ceilings: requests in flight, requests per interval, adaptive on 429. */
export interface RequestThrottle {
  /** Runs one remote request once the connection's ceilings allow it. */
  run<T>(request: () => Promise<T>): Promise<T>
  /** The system said slow down (429, a request-limit error): every process eases off, for at least `retryAfterMs`. */
  slowDown(retryAfterMs?: number): void
}

/** A running local simulator of the connector's system, for `sandbox: auto`, demos and tests. */
export interface RunningSandbox {
  system: string
  url: string
  /** Everything a client needs to connect; the same object `tandem sandbox` prints. */
  credentials: Record<string, string>
  close(): Promise<void>
}

export interface SandboxOptions {
  port?: number
  host?: string
  /** Seed demo records (Vietnamese and English companies). */
  seed?: boolean
  /**
   * The connection's schema file (`schemaFile:` in connectors/<name>.yaml, resolved to an absolute path):
   * the integrator's custom objects and fields, in the system's own describe / metadata shape, added to the
   * sandbox's default schema so it mirrors their org or account.
   */
  schemaFile?: string
  /**
   * Where the sandbox sends its outbound change notifications (Outbound Messages, change events, User Event
   * posts), signed as the connection's webhook expects. Unset: it sends none.
   */
  notifyUrl?: string
}

export interface ConnectorType<C = unknown> {
  type: string
  /** zod schema of a connection file after `${NAME}` references are resolved. */
  configSchema: z.ZodType<C>
  create(config: C, ctx: ConnectorContext): Promise<Connection>
  /** Starts the system's sandbox; used when a connection says `sandbox: auto` and has no credentials. */
  startSandbox(opts: SandboxOptions): Promise<RunningSandbox>
  /**
   * The connection settings that point at a running sandbox: the file's own settings with the URL and
   * credentials replaced (secrets as plain strings; the loader wraps them). Lets `sandbox: auto` work for
   * any connector without special cases in the engine.
   */
  sandboxConfig(fileConfig: Record<string, unknown>, sandbox: RunningSandbox): Record<string, unknown>
}

export interface ConnectionLimits {
  /** Largest number of rows one upsert call may carry. */
  maxBatch: number
  /**
   * Largest number of rows the engine may gather into one `upsert()`; the connector splits them into calls
   * of `maxBatch`, or sends them as one bulk job (Salesforce Bulk API 2.0 from `bulk.threshold` rows).
   * Default `maxBatch`. Only many jobs running at once (a backfill with high worker concurrency) fill it.
   */
  maxGather?: number
  /** Requests in flight at once against this system. */
  maxConcurrent: number
  perInterval?: { requests: number; ms: number }
}

export interface Connection {
  readonly limits: ConnectionLimits
  /**
   * The zone the system keeps calendar dates in (NetSuite: the account's time zone). Mapping date steps
   * default to it, so an instant becomes the date the target's books show. Unset: UTC.
   */
  readonly timeZone?: string
  /** How a write names another record this system holds: the bare id (default) or, for NetSuite, `{ id }`. */
  referenceValue?(id: string): unknown
  object(name: string): ObjectApi
  /**
   * The system's API allowance as it last reported it (Salesforce: `Sforce-Limit-Info`), for throttling;
   * undefined when the system reports none or before the first call.
   */
  usage?(): { used: number; limit: number } | undefined
  /** Verifies and normalises one inbound webhook request. Throws a TandemError with a WEBHOOK_* code. */
  parseWebhook(req: Request): Promise<InboundWebhook>
  close(): Promise<void>
}

export type ChangeType = 'create' | 'update' | 'delete' | 'undelete' | 'unknown'

/** A change notification. It names a record; the worker always re-reads the record's current state. */
export interface ChangeEvent {
  object: string
  recordId: string
  changeType: ChangeType
  /** Identity of the notification at the source, so redeliveries dedupe in the inbox. */
  eventId: string
  /** When the change happened at the source (ISO 8601), if known. */
  occurredAt?: string
  /** Who made the change, as the source reports it (used to drop our own echoes). */
  origin?: string
}

export interface InboundWebhook {
  events: ChangeEvent[]
  /** The answer the source expects once the events are safely stored (e.g. a SOAP Ack); default 202 JSON. */
  respond?: () => Response
}

export interface SourceRecord {
  id: string
  /** Last modification stamp as the source reports it (ISO 8601). */
  modifiedAt: string | null
  /** Field values by API name; parent relationships nest (`Owner: { Name }`). */
  data: Record<string, unknown>
}

export type TargetRecord = Record<string, unknown>

export type UpsertResult = { ok: true; id: string; created: boolean } | { ok: false; error: TandemError }

/** A record seen changed by a poll. */
export interface Change {
  id: string
  modifiedAt: string
  deleted?: boolean
}

export interface ChangePage {
  changes: Change[]
  /** Cursor to store once this page's changes are safely in the inbox. */
  cursor: string
}

export interface ListChangedOptions {
  /** Re-read this much before the cursor: clock skew and commit order at the source. */
  overlapMs: number
  pageSize?: number
}

/** A field as the connector describes it, normalised across systems; enough to validate a mapping. */
export interface FieldSchema {
  name: string
  type:
    | 'id'
    | 'string'
    | 'textarea'
    | 'email'
    | 'phone'
    | 'url'
    | 'picklist'
    | 'multipicklist'
    | 'boolean'
    | 'int'
    | 'double'
    | 'currency'
    | 'percent'
    | 'date'
    | 'datetime'
    | 'reference'
    | 'address'
    | 'sublist'
    | 'other'
  label?: string
  /** Maximum length of a text value, where the system enforces one. */
  length?: number
  nillable: boolean
  /** Must be given on create (not nillable, no default). */
  required: boolean
  /** The system computes it; a mapping must not write it. */
  readOnly: boolean
  /** Usable as the upsert key. */
  externalId: boolean
  picklistValues?: readonly string[]
  /** For references: the object types it may point to, and the name to traverse it by (`Account`). */
  referenceTo?: readonly string[]
  relationshipName?: string
  /** For sublists (NetSuite `item`, `addressBook`): the fields of one line. */
  lineFields?: Readonly<Record<string, FieldSchema>>
}

export interface ObjectSchema {
  name: string
  label?: string
  fields: Readonly<Record<string, FieldSchema>>
  /** Child relationships usable in a subquery or as line items: relationship name → child object. */
  children?: Readonly<Record<string, { object: string; field: string }>>
}

export interface ListAllOptions {
  fields?: readonly string[]
  /** Child lists to include with each record, as in getMany (reconciliation compares order lines). */
  lists?: readonly { path: string; fields: readonly string[] }[]
  /** Only records modified at or after this instant (ISO 8601), for incremental reconciliation. */
  since?: string
  pageSize?: number
}

export interface ObjectApi {
  readonly name: string
  /** The object's fields as the live system (or its schema file) describes them. */
  describe(): Promise<ObjectSchema>
  /** Every record, streamed in pages so memory stays bounded (reconciliation). Order is the system's. */
  listAll(opts?: ListAllOptions): AsyncIterable<SourceRecord[]>
  /**
   * Current state of the given records; ids not found are absent from the map. `fields` are field and
   * parent paths (`Name`, `Account.Name`; all fields when absent); `lists` are child lists to include
   * (Salesforce child relationships as subqueries, NetSuite sublists), each row with the given fields.
   */
  getMany(
    ids: readonly string[],
    fields?: readonly string[],
    opts?: { lists?: readonly { path: string; fields: readonly string[] }[] },
  ): Promise<Map<string, SourceRecord>>
  /** Records changed since `cursor` (null: from the beginning), oldest first, in pages. */
  listChanged(cursor: string | null, opts: ListChangedOptions): AsyncIterable<ChangePage>
  /** Creates or updates each row matched on `externalIdField`; one result per row, in order. */
  upsert(externalIdField: string, rows: readonly TargetRecord[]): Promise<UpsertResult[]>
  /**
   * Updates existing records by the system's own id (`row.id`, the other keys are fields); one result per
   * row, in order. Used to link pre-existing records (writing the external id onto them) and to write sync
   * status back onto source records.
   */
  update(rows: readonly (TargetRecord & { id: string })[]): Promise<UpsertResult[]>
}
