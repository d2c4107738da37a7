import { createPublicKey, type KeyObject, randomBytes } from 'node:crypto'
import type { SandboxOptions } from '../../types.ts'
import { assertTimeZone, toWall } from './account-time.ts'
import { createFaults, type FaultSettings, type Faults, faultSettingsSchema } from './faults.ts'
import { createGovernance, type Governance } from './governance.ts'
import { createLoginAudit } from './login-audit.ts'
import { createNonceCache, type NonceCache } from './nonce-cache.ts'
import { createOAuth2Settings, generateClientKey, type OAuth2Settings } from './oauth2-server.ts'
import { RecordStore } from './record-store.ts'
import type { RecordEffects } from './record-types/record-type.ts'
import { createRecordTypeRegistry, defaultRecordTypes } from './record-types/registry.ts'
import type { WriteContext } from './record-writes.ts'
import { createRequestLog } from './request-log.ts'
import { applySchemaFile } from './schema-file.ts'
import { seedDemoData, seedReferenceData } from './seed.ts'
import { recordTableCatalog } from './suiteql/record-tables.ts'
import type { TableCatalog } from './suiteql/tables.ts'
import { createUserEventNotifier, type NotifierSettings, type UserEventNotifier } from './user-event-notifier.ts'

/** What a client needs to reach one sandbox account, as `tandem sandbox netsuite` prints it. */
export interface NetSuiteSandboxCredentials {
  [key: string]: string
  accountId: string
  consumerKey: string
  consumerSecret: string
  tokenId: string
  tokenSecret: string
  /** OAuth 2.0 M2M: the integration's client ID, the certificate ID (`kid`) and the matching private key (PEM). */
  clientId: string
  certificateId: string
  privateKey: string
  /** HMAC key of the User Event posts the sandbox sends and the connector verifies. */
  webhookSecret: string
  /** `Authorization: Bearer <adminToken>` opens the simulator's own `/__sandbox/*` endpoints. */
  adminToken: string
  /** The account's time zone: SuiteQL dates are local to it, so the connector must use the same. */
  timeZone: string
}

export interface NetSuiteSandboxOptions extends SandboxOptions {
  /** Fixed credentials (e.g. a signature test vector's); anything not given is random per instance. */
  credentials?: Partial<NetSuiteSandboxCredentials>
  /** Server clock in epoch ms; inject it to replay signed requests from the past. Default Date.now. */
  now?: () => number
  /** Concurrent requests the account admits before answering 429 (default 5, NetSuite's standard tier). */
  concurrencyLimit?: number
  /** Extra time every request takes, in ms (default 0). */
  latencyMs?: number
  /** Faults from the start (the admin endpoint changes them later). */
  faults?: FaultSettings
  /** SuiteQL's row cap per query (default 100,000 as in NetSuite; lower it to test paging past it). */
  suiteQlRowCap?: number
  /**
   * Use `X-Forwarded-Proto` as the scheme of the signed URL, as behind a TLS-terminating proxy (default
   * true). The Host header is always the one received.
   */
  trustForwardedProto?: boolean
  /** OAuth 2.0 M2M: access-token lifetime (default 3600 s) and more certificates (ID → public key PEM). */
  m2m?: { tokenTtlSeconds?: number; certificates?: Record<string, string> }
  /** The User Event posts: deployed record types and retry behaviour (the URL is `notifyUrl`). */
  notifications?: Partial<Omit<NotifierSettings, 'url'>>
}

export interface SandboxAccount {
  /** Realm: upper-case with underscore (`1234567_SB1`). */
  id: string
  /** DNS label: lower-case, `_` → `-` (`1234567-sb1`; reference §1). */
  hostLabel: string
  timeZone: string
}

export interface SandboxState {
  account: SandboxAccount
  credentials: NetSuiteSandboxCredentials
  now: () => number
  store: RecordStore
  tables: TableCatalog
  nonces: NonceCache
  audit: ReturnType<typeof createLoginAudit>
  governance: Governance
  faults: Faults
  requestLog: ReturnType<typeof createRequestLog>
  suiteQlRowCap: number
  trustForwardedProto: boolean
  /** The store as write hooks see it, and the context every write runs in. */
  effects: RecordEffects
  write: WriteContext
  oauth2: OAuth2Settings
  notifier: UserEventNotifier
  /** A schema file was given: only its custom fields exist, as in the account it mirrors. */
  strictCustomFields: boolean
  /** The concurrency limit and latency the sandbox started with, restored by `PUT /__sandbox/faults {}`. */
  initial: { concurrencyLimit: number; latencyMs: number }
}

const accountIdPattern = /^[0-9A-Z]+(?:_[0-9A-Z]+)?$/

/** `1234567_SB1` → `1234567-sb1`. */
export function hostLabelOf(accountId: string): string {
  return accountId.toLowerCase().replaceAll('_', '-')
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex')

/**
 * A fresh account: credentials (random unless given), reference data (subsidiaries, currencies, terms) and,
 * with `seed`, demo customers. `createNetSuiteSandboxApp(createSandboxState(opts))` is a working simulator
 * for in-process `app.request()`; startNetSuiteSandbox also serves it over HTTP.
 */
export function createSandboxState(opts: NetSuiteSandboxOptions = {}): SandboxState {
  const given = opts.credentials ?? {}
  const accountId = given.accountId ?? '1234567_SB1'
  if (!accountIdPattern.test(accountId)) {
    throw new Error(`account id '${accountId}' must look like 1234567, 1234567_SB1 or TSTDRV1234567 (upper case)`)
  }
  const timeZone = given.timeZone ?? 'America/Los_Angeles'
  assertTimeZone(timeZone)
  const client = generateClientKey()
  // NetSuite shows consumer and token keys and secrets as 64 hex characters.
  const credentials: NetSuiteSandboxCredentials = {
    accountId,
    consumerKey: given.consumerKey ?? hex(32),
    consumerSecret: given.consumerSecret ?? hex(32),
    tokenId: given.tokenId ?? hex(32),
    tokenSecret: given.tokenSecret ?? hex(32),
    clientId: given.clientId ?? hex(32),
    certificateId: given.certificateId ?? client.certificateId,
    privateKey: given.privateKey ?? client.privateKeyPem,
    webhookSecret: given.webhookSecret ?? hex(32),
    adminToken: given.adminToken ?? hex(24),
    timeZone,
  }
  const now = opts.now ?? Date.now
  const certificates = new Map<string, KeyObject>([[credentials.certificateId, client.publicKey]])
  if (given.privateKey) certificates.set(credentials.certificateId, createPublicKey(given.privateKey))
  for (const [kid, pem] of Object.entries(opts.m2m?.certificates ?? {})) certificates.set(kid, createPublicKey(pem))

  const types = opts.schemaFile ? applySchemaFile(opts.schemaFile, defaultRecordTypes) : defaultRecordTypes
  const store = new RecordStore(createRecordTypeRegistry(types))
  // The account's calendar date: tranDate defaults and overdue balances follow its time zone.
  const today = () => new Date(toWall(now(), timeZone)).toISOString().slice(0, 10)
  const effects = store.effects(today)
  const write: WriteContext = { store, effects }
  seedReferenceData(store, now())
  if (opts.seed) seedDemoData(write, now())

  const faultSettings = faultSettingsSchema.parse(opts.faults ?? {})
  const faults = createFaults()
  faults.setErrorRate(faultSettings.errorRate, faultSettings.errors)
  for (const f of faultSettings.failNext) {
    faults.failNext(f.count, f.error, {
      ...(f.method ? { method: f.method } : {}),
      ...(f.path ? { pathIncludes: f.path } : {}),
    })
  }
  const concurrencyLimit = faultSettings.concurrencyLimit ?? opts.concurrencyLimit ?? 5
  const latencyMs = faultSettings.latencyMs ?? opts.latencyMs ?? 0
  return {
    account: { id: accountId, hostLabel: hostLabelOf(accountId), timeZone },
    credentials,
    now,
    store,
    tables: recordTableCatalog(store, { timeZone, strictCustomFields: opts.schemaFile !== undefined }),
    nonces: createNonceCache(),
    audit: createLoginAudit(),
    governance: createGovernance(concurrencyLimit, latencyMs),
    faults,
    requestLog: createRequestLog(),
    suiteQlRowCap: opts.suiteQlRowCap ?? 100_000,
    trustForwardedProto: opts.trustForwardedProto ?? true,
    effects,
    write,
    oauth2: createOAuth2Settings({
      clientId: credentials.clientId,
      certificates,
      ...(opts.m2m?.tokenTtlSeconds ? { tokenTtlSeconds: opts.m2m.tokenTtlSeconds } : {}),
    }),
    notifier: createUserEventNotifier(credentials.webhookSecret, {
      ...opts.notifications,
      ...(opts.notifyUrl ? { url: opts.notifyUrl } : {}),
    }),
    strictCustomFields: opts.schemaFile !== undefined,
    initial: { concurrencyLimit, latencyMs },
  }
}
