import { Connection } from 'jsforce'
import { ConfigError, type TandemError, TransientError } from '../../errors.ts'
import type { ConnectorLogger, RequestThrottle } from '../types.ts'
import { callOptionsClient } from './call-options.ts'
import type { SalesforceConfig } from './config-schema.ts'
import { type SObjectDescribe, sobjectDescribeSchema } from './describe-schema.ts'
import { fromJsforceError } from './error-table.ts'
import { signJwtAssertion } from './jwt-assertion.ts'

/** One sObject Collections save result, as Salesforce sends it (`statusCode` per error, no id on failure). */
export interface SaveResult {
  id?: string
  success: boolean
  created?: boolean
  errors: { statusCode?: string; errorCode?: string; message: string; fields?: string[] }[]
}

/** One page of a SOQL result, records without their `attributes`. */
export interface QueryPage {
  records: Record<string, unknown>[]
  totalSize: number
}

/** A SOQL result page as Salesforce sends it; child relationships inside records have the same shape. */
export interface RawQueryResult {
  totalSize: number
  done: boolean
  nextRecordsUrl?: string
  records: Record<string, unknown>[]
}

/** Per-row outcome of a Bulk API 2.0 ingest job, as its result CSVs report it (values are text). */
export interface BulkIngestResults {
  successful: Record<string, string>[]
  failed: Record<string, string>[]
  unprocessed: Record<string, string>[]
}

/** The org's daily API usage, from the `Sforce-Limit-Info` header of the latest response. */
export interface ApiUsage {
  used: number
  limit: number
}

export interface SalesforceClient {
  /**
   * Runs a SOQL query and yields its batches as they are fetched (`nextRecordsUrl` paging). `includeDeleted`
   * reads through `/queryAll`, which adds the recycle bin.
   */
  query(soql: string, opts?: { batchSize?: number; includeDeleted?: boolean }): AsyncIterable<QueryPage>
  /** The next page of a result, by its `nextRecordsUrl` (also child relationships that did not fit). */
  queryMore(nextRecordsUrl: string): Promise<RawQueryResult>
  /** sObject Collections upsert of up to 200 records of one type; one result per record, in order. */
  upsertCollection(
    object: string,
    externalIdField: string,
    records: readonly Record<string, unknown>[],
  ): Promise<SaveResult[]>
  /** sObject Collections update of up to 200 records of one type by Id; one result per record, in order. */
  updateCollection(
    object: string,
    records: readonly (Record<string, unknown> & { id: string })[],
  ): Promise<SaveResult[]>
  /** One Bulk API 2.0 upsert job over a CSV, waited for; results are unordered, as the API returns them. */
  bulkUpsert(object: string, externalIdField: string, csv: string): Promise<BulkIngestResults>
  /** The object's describe (fetched once per client). */
  describe(object: string): Promise<SObjectDescribe>
  /** API names of the object's fields, from its describe. */
  describeFields(object: string): Promise<string[]>
  /** API usage as last reported by Salesforce; undefined before the first call. */
  usage(): ApiUsage | undefined
  close(): Promise<void>
}

/** Re-logins this close together mean the org rejects fresh sessions; jsforce would otherwise loop forever. */
const refreshLoopWindowMs = 5_000
const refreshLoopLimit = 2

/**
 * The only file that imports jsforce. One Connection per Tandem connection: it logs in lazily (a CRM that
 * is down must not stop start-up) by the configured grant, and re-runs that grant whenever Salesforce
 * answers 401 INVALID_SESSION_ID, since neither the password nor the client-credentials grant returns a
 * refresh token. Every call carries `Sforce-Call-Options: client=tandem` so our own writes can be told
 * apart in change events.
 */
export function createSalesforceClient(
  config: SalesforceConfig,
  logger: ConnectorLogger,
  throttle?: RequestThrottle,
): SalesforceClient {
  const auth = config.auth
  const grantParams = async (): Promise<{ grant_type: string; [name: string]: string }> => {
    switch (auth.method) {
      case 'password':
        return { grant_type: 'password', username: auth.username, password: auth.password.reveal() }
      case 'client_credentials':
        return { grant_type: 'client_credentials' }
      case 'jwt':
        return {
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion: await signJwtAssertion({
            clientId: auth.clientId,
            username: auth.username,
            audience: auth.audience ?? config.loginUrl,
            privateKeyPem: auth.privateKey.reveal(),
          }),
        }
    }
  }
  // `authorize` rather than `login`: login() would replace our refreshFn with jsforce's own.
  const grant = async (c: Connection) => {
    await c.authorize(await grantParams())
  }

  const refreshes: number[] = []
  // jsforce wraps a failed refresh in a plain Error; keep the real one to report it.
  let refreshFailure: TandemError | null = null
  const conn = new Connection({
    // The JWT bearer grant has no client secret: the signed assertion authenticates the app.
    oauth2: {
      loginUrl: config.loginUrl,
      clientId: auth.clientId,
      ...(auth.method === 'jwt' ? {} : { clientSecret: auth.clientSecret.reveal() }),
    },
    version: config.apiVersion,
    maxRequest: config.limits.maxConcurrent,
    callOptions: { client: callOptionsClient },
    refreshFn: (c, callback) => {
      const now = Date.now()
      while (refreshes.length > 0 && (refreshes[0] as number) < now - refreshLoopWindowMs) refreshes.shift()
      if (refreshes.length >= refreshLoopLimit) {
        refreshFailure = new ConfigError(
          'Salesforce rejected the session again right after a fresh login (401 INVALID_SESSION_ID); check the connected app and the user’s API access',
          {},
          { code: 'SF_INVALID_SESSION_ID', remote: { status: 401 } },
        )
        callback(refreshFailure)
        return
      }
      refreshes.push(now)
      grant(c as Connection)
        .then(() => {
          refreshFailure = null
          logger.info({ instanceUrl: c.instanceUrl }, 'salesforce session renewed')
          callback(null, c.accessToken ?? undefined)
        })
        .catch((err: unknown) => {
          refreshFailure = fromJsforceError(err)
          callback(refreshFailure)
        })
    },
  })

  let loggedIn: Promise<void> | null = null
  const ready = async () => {
    loggedIn ??= grant(conn).then(
      () => logger.debug({ instanceUrl: conn.instanceUrl }, 'salesforce login succeeded'),
      (err: unknown) => {
        loggedIn = null
        throw err
      },
    )
    await loggedIn
  }
  // Every API call takes its turn at the engine's throttle, shared by all processes of the deployment.
  const admitted = <T>(fn: () => Promise<T>) => (throttle ? throttle.run(fn) : fn())
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      await ready()
      return await admitted(fn)
    } catch (err) {
      const message = (err as { message?: unknown }).message
      if (refreshFailure && typeof message === 'string' && message.startsWith('Unable to refresh session')) {
        throw refreshFailure
      }
      const error = fromJsforceError(err)
      // Told to slow down (429, the request limit): every process eases off, not only this call's retry.
      if (error.kind === 'transient' && (error.remote?.status === 429 || error.code === 'SF_REQUEST_LIMIT_EXCEEDED')) {
        throttle?.slowDown(error instanceof TransientError ? error.retryAfterMs : undefined)
      }
      throw error
    }
  }
  const describeCache = new Map<string, Promise<SObjectDescribe>>()
  const describe = (object: string) => {
    let cached = describeCache.get(object)
    if (!cached) {
      cached = call(() => conn.request<unknown>(`/sobjects/${encodeURIComponent(object)}/describe`)).then((raw) =>
        sobjectDescribeSchema.parse(raw),
      )
      cached.catch(() => describeCache.delete(object))
      describeCache.set(object, cached)
    }
    return cached
  }

  return {
    async *query(soql, opts = {}) {
      // batchSize is a hint Salesforce honours between 200 and 2,000 (REST API "Query Options Header").
      const headers: Record<string, string> = opts.batchSize
        ? { 'Sforce-Query-Options': `batchSize=${Math.min(2_000, Math.max(200, opts.batchSize))}` }
        : {}
      let url: string | undefined = `/${opts.includeDeleted ? 'queryAll' : 'query'}?q=${encodeURIComponent(soql)}`
      while (url) {
        const target: string = url
        const page = await call(() => conn.request<RawQueryResult>({ method: 'GET', url: target, headers }))
        yield { records: page.records.map(withoutAttributes), totalSize: page.totalSize }
        url = page.done ? undefined : page.nextRecordsUrl
      }
    },

    async upsertCollection(object, externalIdField, records) {
      if (records.length === 0) return []
      // The collections endpoint directly: jsforce's array upsert drops a row's `type` field and throws
      // for the whole batch when one row lacks its external id.
      const body = JSON.stringify({
        allOrNone: false,
        records: records.map((r) => ({ attributes: { type: object }, ...r })),
      })
      return await call(() =>
        conn.request<SaveResult[]>({
          method: 'PATCH',
          url: `/composite/sobjects/${encodeURIComponent(object)}/${encodeURIComponent(externalIdField)}`,
          body,
          headers: { 'Content-Type': 'application/json' },
        }),
      )
    },

    async updateCollection(object, records) {
      if (records.length === 0) return []
      const body = JSON.stringify({
        allOrNone: false,
        records: records.map(({ id, ...fields }) => ({ attributes: { type: object }, ...fields, id })),
      })
      return await call(() =>
        conn.request<SaveResult[]>({
          method: 'PATCH',
          url: '/composite/sobjects',
          body,
          headers: { 'Content-Type': 'application/json' },
        }),
      )
    },

    queryMore: (nextRecordsUrl) => call(() => conn.request<RawQueryResult>({ method: 'GET', url: nextRecordsUrl })),

    async bulkUpsert(object, externalIdField, csv) {
      const results = await call(() =>
        conn.bulk2.loadAndWaitForResults({
          object,
          operation: 'upsert',
          externalIdFieldName: externalIdField,
          input: csv,
          pollInterval: config.bulk.pollMs,
          pollTimeout: config.bulk.timeoutMs,
        }),
      ).catch((err: unknown) => {
        // A job still running when we stop waiting is not lost: the next attempt upserts the same rows again.
        if ((err as { name?: unknown }).name === 'JobPollingTimeoutError') {
          throw new TransientError('SF_BULK_JOB_TIMEOUT', `the Bulk API 2.0 job for ${object} did not finish in time`)
        }
        throw err
      })
      const rows = (v: unknown) => (Array.isArray(v) ? (v as Record<string, string>[]) : [])
      return {
        successful: rows(results.successfulResults),
        failed: rows(results.failedResults),
        unprocessed: rows(results.unprocessedRecords),
      }
    },

    describe,
    describeFields: (object) => describe(object).then((d) => d.fields.map((f) => f.name)),

    usage() {
      const u = conn.limitInfo?.apiUsage
      return u ? { used: u.used, limit: u.limit } : undefined
    },

    async close() {
      // Nothing is held open between calls (jsforce uses per-request fetches); the session simply expires.
      describeCache.clear()
      logger.debug({}, 'salesforce client closed')
    },
  }
}

/** Drops the `attributes` Salesforce puts on every record, related record and child record. */
export function withoutAttributes(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(record)) {
    if (k === 'attributes') continue
    if (Array.isArray(v)) {
      out[k] = v.map((item) =>
        item && typeof item === 'object' ? withoutAttributes(item as Record<string, unknown>) : item,
      )
    } else out[k] = v && typeof v === 'object' ? withoutAttributes(v as Record<string, unknown>) : v
  }
  return out
}
