import type { Selectable } from 'kysely'
import type { Db } from '../db.ts'
import type { ApiTokenTable, AuditLogTable, Role } from '../schema.ts'

export type ApiToken = Omit<Selectable<ApiTokenTable>, 'token_hash'>
export type AuditEntry = Selectable<AuditLogTable>

/** Admin API tokens (by hash) and the audit log. */
export function createTokenRepo(db: Db) {
  const visible = ['id', 'name', 'role', 'created_at', 'last_used_at', 'revoked_at'] as const
  return {
    async create(name: string, role: Role, tokenHash: string, now = Date.now()): Promise<ApiToken> {
      return db
        .insertInto('api_tokens')
        .values({ name, role, token_hash: tokenHash, created_at: now, last_used_at: null, revoked_at: null })
        .returning(visible)
        .executeTakeFirstOrThrow()
    },

    /** The live token with this hash, marking it used (at most once a minute, to spare the database). */
    async use(tokenHash: string, now = Date.now()): Promise<ApiToken | undefined> {
      const row = await db
        .selectFrom('api_tokens')
        .select(visible)
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
      if (row && (row.last_used_at === null || now - row.last_used_at > 60_000)) {
        await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute()
      }
      return row
    },

    async list(): Promise<ApiToken[]> {
      return db.selectFrom('api_tokens').select(visible).orderBy('id').execute()
    },

    async revoke(id: number, now = Date.now()): Promise<boolean> {
      const r = await db
        .updateTable('api_tokens')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
      return Number(r.numUpdatedRows) > 0
    },

    async audit(e: Omit<AuditEntry, 'id' | 'at'>, now = Date.now()): Promise<void> {
      await db
        .insertInto('audit_log')
        .values({ ...e, at: now })
        .execute()
    },

    async auditLog(page: { limit: number; beforeId?: number }): Promise<AuditEntry[]> {
      let q = db.selectFrom('audit_log').selectAll()
      if (page.beforeId !== undefined) q = q.where('id', '<', page.beforeId)
      return q.orderBy('id', 'desc').limit(page.limit).execute()
    },
  }
}

export type TokenRepo = ReturnType<typeof createTokenRepo>
