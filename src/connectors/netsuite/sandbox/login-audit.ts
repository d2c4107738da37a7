/**
 * The simulator's Login Audit Trail. NetSuite's 401 body never says why a login failed; the reason only
 * shows in Setup > Users/Roles > View Login Audit Trail (reference §2). Tests read it here instead.
 * Entries never hold secrets or signatures.
 */

/**
 * Failure causes, named as NetSuite's audit trail names them where it has a name (`InvalidSignature`,
 * `InvalidTimestamp`, `NonceUsed`, `UnknownAlgorithm`, `token_rejected`, `consumer_key_unknown`,
 * `MissingTokenPassportRequiredFields`); `InvalidRealm`, `InvalidNonce` and `InvalidVersion` are this
 * simulator's names for checks whose NetSuite label is undocumented.
 */
export type LoginFailureCause =
  | 'MissingTokenPassportRequiredFields'
  | 'InvalidRealm'
  | 'UnknownAlgorithm'
  | 'InvalidVersion'
  | 'consumer_key_unknown'
  | 'token_rejected'
  | 'InvalidTimestamp'
  | 'InvalidNonce'
  | 'InvalidSignature'
  | 'NonceUsed'
  | 'InvalidToken'
  | 'MalformedToken'

export interface LoginAuditEntry {
  /** Server clock, epoch milliseconds. */
  at: number
  status: 'Success' | 'Failure'
  cause?: LoginFailureCause
  /** A human explanation, e.g. which realm was presented. */
  detail?: string
  method: string
  path: string
  consumerKey?: string
  tokenId?: string
  /** OAuth 2.0: the integration's client ID. */
  clientId?: string
}

export interface LoginAuditTrail {
  entries(): readonly LoginAuditEntry[]
  last(): LoginAuditEntry | undefined
  failures(): readonly LoginAuditEntry[]
  clear(): void
}

/** Keeps the most recent `max` entries, so a long benchmark cannot grow it without bound. */
export function createLoginAudit(max = 10_000): LoginAuditTrail & { record(entry: LoginAuditEntry): void } {
  let list: LoginAuditEntry[] = []
  return {
    record(entry) {
      list.push(entry)
      if (list.length > max) list = list.slice(-max)
    },
    entries: () => list,
    last: () => list.at(-1),
    failures: () => list.filter((e) => e.status === 'Failure'),
    clear() {
      list = []
    },
  }
}
