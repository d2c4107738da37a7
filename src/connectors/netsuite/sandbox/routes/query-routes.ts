import { Hono } from 'hono'
import { nsJson, type SandboxEnv } from '../hono-env.ts'
import { invalidHeader, invalidParameter, invalidRequest } from '../ns-error.ts'
import type { SandboxState } from '../sandbox-state.ts'
import { executeSuiteQl } from '../suiteql/evaluator.ts'
import { SuiteQlError, searchErrorDetail } from '../suiteql/suiteql-error.ts'
import { renderRow } from '../suiteql/values.ts'
import { pageLinks, pagingNumber } from './paging.ts'

/**
 * `POST /services/rest/query/v1/suiteql` (reference §5). Needs `Prefer: transient`; pages with
 * `limit`/`offset`; rows carry string values only, null columns left out, `links: []` on each.
 */
export function queryRoutes(state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>()

  app.post('/suiteql', async (c) => {
    const prefer = c.req.header('prefer') ?? ''
    if (!/(^|[\s,;])transient($|[\s,;])/i.test(prefer)) {
      throw invalidHeader('Prefer', 'The SuiteQL query service requires the header Prefer: transient.')
    }
    const limit = pagingNumber(c.req.query('limit'), 'limit', 1000, 1, 1000)
    const offset = pagingNumber(c.req.query('offset'), 'offset', 0, 0, Number.MAX_SAFE_INTEGER)
    if (offset % limit !== 0) throw invalidParameter('offset', 'The offset must be a multiple of the limit.')

    let body: unknown
    try {
      body = JSON.parse(await c.req.text())
    } catch {
      throw invalidRequest()
    }
    const { q, params } = (typeof body === 'object' && body !== null ? body : {}) as { q?: unknown; params?: unknown }
    if (typeof q !== 'string' || q.trim() === '') throw invalidParameter('q', searchErrorDetail('The query is empty.'))
    if (params !== undefined && !Array.isArray(params)) {
      throw invalidParameter('q', searchErrorDetail('params must be an array of bind values.'))
    }

    const ctx = { timeZone: state.account.timeZone, now: state.now() }
    let result: ReturnType<typeof executeSuiteQl>
    try {
      result = executeSuiteQl(q, state.tables, { params: params ?? [], ctx, rowCap: state.suiteQlRowCap })
    } catch (err) {
      if (err instanceof SuiteQlError) throw invalidParameter('q', searchErrorDetail(err.message))
      throw err
    }

    const page = result.rows.slice(offset, offset + limit)
    const base = `${c.get('baseUrl')}/services/rest/query/v1/suiteql`
    const href = (o: number) => `${base}?limit=${limit}&offset=${o}`
    return nsJson(
      c,
      {
        links: pageLinks(href, offset, limit, result.total),
        count: page.length,
        hasMore: offset + page.length < result.total,
        items: page.map((row) => renderRow(row, ctx)),
        offset,
        totalResults: result.total,
      },
      200,
      'collection',
    )
  })

  return app
}
