import { randomBytes } from 'node:crypto'

interface Session {
  userId: string
  expiresAt: number
}

/**
 * OAuth access tokens. Salesforce tokens carry no expiry in the token response; they die when the session
 * times out (2 h idle by default), and a dead token gets 401 INVALID_SESSION_ID on the next call.
 */
export class Sessions {
  readonly #sessions = new Map<string, Session>()
  readonly #ttlMs: number
  readonly #now: () => number

  constructor(opts: { ttlMs: number; now: () => number }) {
    this.#ttlMs = opts.ttlMs
    this.#now = opts.now
  }

  /** A new access token in Salesforce's `<orgId>!<opaque>` form. */
  issue(orgId: string, userId: string): string {
    const token = `${orgId}!AQ${randomBytes(24).toString('base64url')}`
    this.#sessions.set(token, { userId, expiresAt: this.#now() + this.#ttlMs })
    return token
  }

  /** The session for a bearer token; sliding expiry, as Salesforce's idle timeout. */
  check(token: string): Session | null {
    const s = this.#sessions.get(token)
    if (!s) return null
    if (s.expiresAt <= this.#now()) {
      this.#sessions.delete(token)
      return null
    }
    s.expiresAt = this.#now() + this.#ttlMs
    return s
  }

  /** `POST /services/oauth2/revoke`: the token is dead at once. */
  revoke(token: string): void {
    this.#sessions.delete(token)
  }

  /** Ends every session at once: clients must re-authenticate on their next call. */
  expireAll(): void {
    this.#sessions.clear()
  }
}
