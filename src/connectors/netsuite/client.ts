import { Pool } from 'undici'
import { isTandemError, TransientError } from '../../errors.ts'
import { type InCallRetryOptions, retryTransient } from '../../lib/http/retry.ts'
import type { RequestThrottle } from '../types.ts'
import { type Authenticator, createAuthenticator } from './auth.ts'
import type { NetSuiteAuth } from './config-schema.ts'
import { errorFromNetwork, errorFromResponse } from './error-table.ts'
import { accountLimiter, type Semaphore } from './semaphore.ts'
import { percentEncode } from './tba-signer.ts'

/**
 * NetSuite REST over undici: one connection pool per base URL, every request signed afresh, at most
 * `maxConcurrent` requests in flight per account in this process, answers parsed by status and failures
 * turned into typed errors by error-table.ts. Reads (and SuiteQL, which only reads) are retried in-call
 * on transient failures; writes are not, the queue retries them.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'

export interface NetSuiteRequest {
  method: HttpMethod
  /** Path under `/services/rest`, segments already percent-encoded (`/record/v1/customer/eid:A-1`). */
  path: string
  query?: Record<string, string | number | undefined>
  body?: unknown
  headers?: Record<string, string>
  /** Safe to repeat, so retried in-call on transient failures. Default: only GET. */
  idempotent?: boolean
}

export interface NetSuiteResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** Parsed JSON, or null for an empty body (204). */
  body: unknown
}

export interface NetSuiteClientOptions {
  accountId: string
  baseUrl: string
  auth: NetSuiteAuth
  maxConcurrent: number
  /** In-call retry of reads; defaults suit production, tests shorten them. */
  retry?: InCallRetryOptions
  /** Per-request time limits; NetSuite itself gives up after 15 minutes (reference §1). */
  timeoutMs?: number
  /** The engine's throttle, shared by every process of the deployment; the local limiter still applies. */
  throttle?: RequestThrottle
}

/** An `o:errorDetails` answer is how NetSuite reports a failed call, so failures are thrown TandemErrors. */
export class NetSuiteClient {
  readonly baseUrl: string
  readonly #pool: Pool
  readonly #limiter: { semaphore: Semaphore; release(): void }
  readonly #auth: Authenticator
  readonly #retry: InCallRetryOptions
  readonly #origin: URL
  readonly #throttle: RequestThrottle | undefined

  constructor(opts: NetSuiteClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '')
    this.#origin = new URL(this.baseUrl)
    const timeout = opts.timeoutMs ?? 300_000
    this.#pool = new Pool(this.#origin.origin, {
      connections: opts.maxConcurrent,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    })
    // NetSuite counts concurrency per account; the key includes the URL so separate sandboxes stay apart.
    this.#limiter = accountLimiter(`${opts.accountId}@${this.#origin.origin}`, opts.maxConcurrent)
    this.#auth = createAuthenticator(opts.accountId, opts.auth, {
      tokenUrl: this.url('/auth/oauth2/v1/token'),
      post: (url, form) => this.#postForm(url, form),
    })
    this.#retry = opts.retry ?? {}
    this.#throttle = opts.throttle
  }

  /** The full URL of a REST path, query encoded per RFC 3986 so it signs unambiguously. */
  url(path: string, query: NetSuiteRequest['query'] = {}): URL {
    const pairs = Object.entries(query).filter((e): e is [string, string | number] => e[1] !== undefined)
    const search = pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(String(v))}`).join('&')
    return new URL(`${this.baseUrl}/services/rest${path}${search ? `?${search}` : ''}`)
  }

  async request(req: NetSuiteRequest): Promise<NetSuiteResponse> {
    const local = () => this.#limiter.semaphore.run(() => this.#send(req))
    const once = async () => {
      try {
        return await (this.#throttle ? this.#throttle.run(local) : local())
      } catch (err) {
        // 429 (the account's concurrency limit): every process of the deployment eases off, not just this one.
        if (isTandemError(err) && err.remote?.status === 429) {
          this.#throttle?.slowDown(err instanceof TransientError ? err.retryAfterMs : undefined)
        }
        throw err
      }
    }
    return (req.idempotent ?? req.method === 'GET') ? retryTransient(once, this.#retry) : once()
  }

  /**
   * One request; a 401 to a bearer token is answered once more with a fresh token (it expired early or
   * was revoked; the request was refused before it ran, so repeating it is safe even for a write).
   */
  async #send(req: NetSuiteRequest): Promise<NetSuiteResponse> {
    const url = this.url(req.path, req.query)
    for (let attempt = 0; ; attempt++) {
      // Signed last and per attempt: a retry needs a fresh nonce and timestamp.
      const authorization = await this.#auth.authorization(req.method, url)
      const res = await this.#exchange(req, url, authorization)
      if (res.status === 401 && attempt === 0 && this.#auth.refused(authorization)) continue
      if (res.status >= 400) throw errorFromResponse(res.status, res.body, headerValue(res.headers['retry-after']))
      return res
    }
  }

  async #exchange(req: NetSuiteRequest, url: URL, authorization: string): Promise<NetSuiteResponse> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'tandem-netsuite',
      ...req.headers,
      authorization,
    }
    if (req.body !== undefined) headers['content-type'] = 'application/json'
    let status: number
    let resHeaders: NetSuiteResponse['headers']
    let text: string
    try {
      const res = await this.#pool.request({
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers,
        ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
      })
      status = res.statusCode
      resHeaders = res.headers
      text = await res.body.text()
    } catch (err) {
      throw isTandemError(err) ? err : errorFromNetwork(err)
    }
    return { status, headers: resHeaders, body: parseBody(text, resHeaders['content-type']) }
  }

  /** The M2M token exchange: same pool, but outside the limiters, which the waiting requests already hold. */
  async #postForm(url: URL, form: URLSearchParams): Promise<{ status: number; body: unknown }> {
    try {
      const res = await this.#pool.request({
        method: 'POST',
        path: `${url.pathname}${url.search}`,
        headers: {
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
          'user-agent': 'tandem-netsuite',
        },
        body: form.toString(),
      })
      return { status: res.statusCode, body: parseBody(await res.body.text(), 'application/json') }
    } catch (err) {
      throw isTandemError(err) ? err : errorFromNetwork(err)
    }
  }

  /** Releases the pool's sockets and this connection's share of the account limiter. */
  async close(): Promise<void> {
    this.#limiter.release()
    await this.#pool.close()
  }
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function parseBody(text: string, contentType: string | string[] | undefined): unknown {
  if (text === '') return null
  // NetSuite answers application/vnd.oracle.resource+json; a gateway in front may answer HTML.
  if (/json/i.test(headerValue(contentType) ?? '')) {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}
