import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Role } from '../store/schema.ts'
import type { Store } from '../store/store.ts'

export type { Role } from '../store/schema.ts'

export const roles: readonly Role[] = ['viewer', 'operator', 'admin']

/** viewer < operator < admin: a role may do what the roles below it may. */
export function roleAllows(held: Role, needed: Role): boolean {
  return roles.indexOf(held) >= roles.indexOf(needed)
}

export interface Actor {
  /** `token:<name>` or `env:TANDEM_ADMIN_TOKEN`; what the audit log shows. */
  name: string
  role: Role
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex')

/** A new token: 32 random bytes, with a prefix that makes a leaked one easy to recognise and scan for. */
export async function createApiToken(store: Store, name: string, role: Role): Promise<{ token: string; id: number }> {
  const token = `tdm_${randomBytes(32).toString('base64url')}`
  const row = await store.tokens.create(name, role, hash(token))
  return { token, id: row.id }
}

/**
 * Who a bearer token belongs to. Tokens are looked up by hash; the bootstrap token from the environment
 * (for automation and tests) is compared in constant time and never stored.
 */
export async function authenticate(store: Store, bearer: string, envAdminToken?: string): Promise<Actor | undefined> {
  if (envAdminToken) {
    const a = Buffer.from(hash(bearer))
    const b = Buffer.from(hash(envAdminToken))
    if (timingSafeEqual(a, b)) return { name: 'env:TANDEM_ADMIN_TOKEN', role: 'admin' }
  }
  if (!bearer.startsWith('tdm_')) return undefined
  const row = await store.tokens.use(hash(bearer))
  return row ? { name: `token:${row.name}`, role: row.role } : undefined
}

/**
 * The admin token `npm start` prints: a fresh one per start of an embedded service, the previous start's
 * revoked, so a token seen once in an old terminal does not stay valid forever.
 */
export async function startupAdminToken(store: Store): Promise<string> {
  for (const t of await store.tokens.list()) {
    if (t.name === 'startup' && t.revoked_at === null) await store.tokens.revoke(t.id)
  }
  return (await createApiToken(store, 'startup', 'admin')).token
}
