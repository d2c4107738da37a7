import { AsyncLocalStorage } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'

/** Who is writing, as a change event's `changeOrigin` reports it, and the transaction the writes belong to. */
export interface CallContext {
  /** The API the call came through: `rest` or `bulkapi` (Bulk API 2.0 job processing). */
  api: 'rest' | 'bulkapi'
  version: string
  /** The `client=` of the caller's `Sforce-Call-Options` header, if any. */
  client: string | null
  /** One per API call: every change it commits shares it, numbered by `sequence`. */
  transactionKey: string
  sequence: number
  /** A composite subrequest: already counted and fault-checked as part of its composite request. */
  internal: boolean
}

/** The context of the call being served, available to everything it runs (change notifications included). */
export const callContext = new AsyncLocalStorage<CallContext>()

/** The `client=` value of a `Sforce-Call-Options` header (`client=tandem, defaultNamespace=x`). */
export function clientOf(callOptions: string | null | undefined): string | null {
  return /(?:^|[,;\s])client=([^,;\s]+)/i.exec(callOptions ?? '')?.[1] ?? null
}

export function newContext(api: CallContext['api'], version: string, client: string | null): CallContext {
  return { api, version, client, transactionKey: randomUUID(), sequence: 0, internal: false }
}

/**
 * `changeOrigin` as the ChangeEventHeader reports it: `com/salesforce/api/rest/62.0;client=tandem`, or
 * empty for changes no API client made (the org's own, or seeding).
 */
export function changeOrigin(ctx: CallContext | undefined): string {
  if (!ctx) return ''
  return `com/salesforce/api/${ctx.api}/${ctx.version}${ctx.client ? `;client=${ctx.client}` : ''}`
}
