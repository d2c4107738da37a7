import { randomBytes } from 'node:crypto'
import { BulkJobs } from './bulk/jobs.ts'
import { defaultSchema } from './default-schema.ts'
import { type FaultSettingsInput, Faults } from './faults.ts'
import { type NotificationSettingsInput, Notifier } from './notify/notifier.ts'
import { Org } from './org.ts'
import type { ObjectDescribe } from './schema.ts'
import { loadSchemaFile } from './schema-file.ts'
import { Sessions } from './sessions.ts'

/** What a client needs to connect to the sandbox; printed by `tandem sandbox salesforce`. */
export type SandboxCredentials = {
  clientId: string
  clientSecret: string
  username: string
  password: string
  /** HMAC key of the signed change events sent to Tandem for this org. */
  webhookSecret: string
}

export interface SalesforceSandboxSettings {
  /** Fixed credentials; each one left out is random per instance. */
  credentials?: Partial<SandboxCredentials>
  /**
   * Certificates registered on the connected app for the JWT bearer grant (PEM: X.509 certificates or
   * public keys). Without any, JWT bearer logins are refused.
   */
  jwtCertificates?: string[]
  /** Idle session lifetime; expired tokens answer 401 INVALID_SESSION_ID. Default 2 h, the org default. */
  sessionTtlMs?: number
  /** Daily API request allocation; once spent, calls answer 403 REQUEST_LIMIT_EXCEEDED. Default 100,000. */
  dailyApiRequests?: number
  /** The org's objects as describes; the default org when absent. */
  schema?: ObjectDescribe[]
  /** A JSON file of describes whose objects and fields are added to `schema` (SandboxOptions.schemaFile). */
  schemaFile?: string
  /**
   * Outbound change notifications: change events and Outbound Messages, sent to `url` (SandboxOptions.notifyUrl
   * when not given here); the admin endpoint changes them later.
   */
  notifications?: NotificationSettingsInput
  /** Faults injected from the start; the admin endpoint changes them later. */
  faults?: FaultSettingsInput
  /** Clock of the org (CreatedDate, SystemModstamp, date literals, session expiry). */
  now?: () => number
}

export interface QueryCursor {
  records: Record<string, unknown>[]
  totalSize: number
  batchSize: number
}

/** One REST call as the sandbox saw it, for tests that check what a client sent. */
export interface RequestLogEntry {
  method: string
  path: string
  status: number
  /** The `Sforce-Call-Options` header, e.g. `client=tandem`. */
  callOptions: string | null
}

/** Open query cursors kept at once; the oldest is dropped past this (its locator then answers INVALID_QUERY_LOCATOR). */
const maxOpenCursors = 200
const requestLogSize = 1_000

/** Everything one sandbox instance holds: the org, sessions, API usage, open query cursors and a request log. */
export class SandboxState {
  readonly org: Org
  readonly sessions: Sessions
  readonly credentials: SandboxCredentials
  readonly now: () => number
  readonly dailyApiRequests: number
  readonly jwtCertificates: readonly string[]
  readonly faults: Faults
  readonly bulkJobs = new BulkJobs()
  readonly notifier: Notifier
  /** REST calls counted against the daily allocation. */
  apiUsage = 0
  /** Successful token grants, i.e. logins and re-logins. */
  logins = 0
  /** Bulk API 2.0 query jobs created, against their daily allocation. */
  bulkQueryJobs = 0
  readonly #cursors = new Map<string, QueryCursor>()
  #cursorSeq = 0
  readonly #requests: RequestLogEntry[] = []

  constructor(settings: SalesforceSandboxSettings = {}) {
    this.now = settings.now ?? Date.now
    const random = (n: number) => randomBytes(n).toString('base64url')
    this.credentials = {
      clientId: `3MVG9${random(30)}`,
      clientSecret: random(32),
      username: 'integration@tandem.example',
      password: random(18),
      webhookSecret: random(32),
      ...settings.credentials,
    }
    this.org = new Org({
      now: this.now,
      username: this.credentials.username,
      schema: settings.schemaFile
        ? loadSchemaFile(settings.schemaFile, settings.schema ?? defaultSchema())
        : (settings.schema ?? defaultSchema()),
    })
    this.sessions = new Sessions({ ttlMs: settings.sessionTtlMs ?? 2 * 3_600_000, now: this.now })
    this.dailyApiRequests = settings.dailyApiRequests ?? 100_000
    this.jwtCertificates = settings.jwtCertificates ?? []
    this.faults = new Faults(settings.faults)
    this.notifier = new Notifier(this.org, this.credentials.webhookSecret, settings.notifications)
  }

  /** Keeps a result for paging; the locator looks like Salesforce's `01gRO…` query locator id. */
  openCursor(cursor: QueryCursor): string {
    this.#cursorSeq++
    const id = `01gRO${String(this.#cursorSeq).padStart(8, '0')}${randomBytes(3).toString('hex').toUpperCase()}`
    this.#cursors.set(id, cursor)
    if (this.#cursors.size > maxOpenCursors) {
      const oldest = this.#cursors.keys().next().value
      if (oldest !== undefined) this.#cursors.delete(oldest)
    }
    return id
  }

  cursor(id: string): QueryCursor | undefined {
    return this.#cursors.get(id)
  }

  closeCursor(id: string): void {
    this.#cursors.delete(id)
  }

  logRequest(entry: RequestLogEntry): void {
    this.#requests.push(entry)
    if (this.#requests.length > requestLogSize) this.#requests.shift()
  }

  /** The latest REST calls (up to 1,000), oldest first. */
  requests(): readonly RequestLogEntry[] {
    return this.#requests
  }
}
