import { PermanentError } from '../../errors.ts'
import type { NetSuiteClient } from './client.ts'

/**
 * One page of a SuiteQL query: `POST /query/v1/suiteql?limit&offset` with `Prefer: transient` (required,
 * reference §5). Rows come back as strings keyed by lower-case column; null columns are simply absent.
 */

export interface SuiteQlPage {
  items: Record<string, string>[]
  hasMore: boolean
  totalResults: number
}

/** NetSuite returns at most this many rows per query, however it is paged. */
export const suiteQlRowCap = 100_000

export async function querySuiteQl(
  client: NetSuiteClient,
  q: string,
  params: readonly (string | number)[],
  page: { limit: number; offset: number },
): Promise<SuiteQlPage> {
  const res = await client.request({
    method: 'POST',
    path: '/query/v1/suiteql',
    query: { limit: page.limit, offset: page.offset },
    headers: { prefer: 'transient' },
    body: params.length > 0 ? { q, params } : { q },
    // A query reads only, so it is as safe to repeat as a GET.
    idempotent: true,
  })
  const body = res.body as { items?: unknown; hasMore?: unknown; totalResults?: unknown } | null
  if (!body || !Array.isArray(body.items)) {
    throw new PermanentError('NS_UNEXPECTED_RESPONSE', 'NetSuite SuiteQL answered without items', {
      remote: { status: res.status, body: res.body },
    })
  }
  const items = body.items.map((row) => {
    const { links: _links, ...values } = row as Record<string, string>
    return values
  })
  return { items, hasMore: body.hasMore === true, totalResults: Number(body.totalResults ?? items.length) }
}
