import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNetSuiteSandboxApp } from '../../../../src/connectors/netsuite/sandbox/app.ts'
import { createSandboxState } from '../../../../src/connectors/netsuite/sandbox/sandbox-state.ts'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../../../src/connectors/netsuite/sandbox/server.ts'
import { signTbaRequest } from '../../../../src/connectors/netsuite/tba-signer.ts'

/** The sandbox's record and query services over HTTP, checked against the reference payload shapes. */

const singular = 'application/vnd.oracle.resource+json; type=singular; charset=UTF-8'
const collection = 'application/vnd.oracle.resource+json; type=collection; charset=UTF-8'
const errorType = 'application/vnd.oracle.resource+json; type=error; charset=UTF-8'

/** The parts of NetSuite's JSON bodies these tests look into. */
interface ReplyBody {
  'o:errorDetails': Record<string, string>[]
  items: Record<string, unknown>[]
  links: { rel: string; href: string }[]
  [key: string]: unknown
}

interface Reply {
  status: number
  headers: Headers
  body: ReplyBody
}

/** Sandboxes started with a fixed clock; requests to them are signed at that time. */
const fixedClocks = new WeakMap<NetSuiteSandbox, number>()

async function call(
  sb: NetSuiteSandbox,
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const url = `${sb.url}/services/rest${path}`
  const c = sb.credentials
  const { authorization } = signTbaRequest(
    { method, url },
    {
      realm: c.accountId,
      consumerKey: c.consumerKey,
      consumerSecret: c.consumerSecret,
      tokenId: c.tokenId,
      tokenSecret: c.tokenSecret,
    },
    { timestamp: Math.floor((fixedClocks.get(sb) ?? Date.now()) / 1000) },
  )
  const body =
    opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body)
  const res = await fetch(url, {
    method,
    headers: { authorization, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    ...(body !== undefined ? { body } : {}),
  })
  const text = await res.text()
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as ReplyBody) : (null as unknown as ReplyBody),
  }
}

const examples = new URL('../../../../../shared/reference/netsuite-examples/', import.meta.url)

const idOf = (reply: Reply) => reply.headers.get('location')!.split('/').at(-1)!

describe('NetSuite sandbox record service', () => {
  let sb: NetSuiteSandbox

  beforeAll(async () => {
    const clock = Date.parse('2025-01-14T17:05:31.456Z')
    sb = await startNetSuiteSandbox({ now: () => clock })
    fixedClocks.set(sb, clock)
  })
  afterAll(async () => {
    await sb.close()
  })

  it('creates with 204, no body and an absolute Location, accepting lower-case field names', async () => {
    const reply = await call(sb, 'POST', '/record/v1/customer', {
      body: {
        companyname: 'Another Company',
        email: 'another.customer@example.com',
        subsidiary: { id: '2' },
        terms: { id: 1 },
      },
    })
    expect(reply.status).toBe(204)
    expect(reply.body).toBeNull()
    expect(reply.headers.get('location')).toMatch(new RegExp(`^${sb.url}/services/rest/record/v1/customer/\\d+$`))
  })

  it('reads a record in the singular shape, references with links and refName', async () => {
    const id = idOf(
      await call(sb, 'POST', '/record/v1/customer', { body: { companyName: 'Shape Co', subsidiary: { id: '2' } } }),
    )
    const reply = await call(sb, 'GET', `/record/v1/Customer/${id}`)
    expect(reply.status).toBe(200)
    expect(reply.headers.get('content-type')).toBe(singular)
    expect(reply.body).toEqual({
      links: [{ rel: 'self', href: `${sb.url}/services/rest/record/v1/Customer/${id}` }],
      // Sublists are collapsed to their link unless expandSubResources=true (customer-get.json).
      addressBook: { links: [{ rel: 'self', href: `${sb.url}/services/rest/record/v1/customer/${id}/addressBook` }] },
      autoName: true,
      balance: 0,
      companyName: 'Shape Co',
      creditHoldOverride: { id: 'AUTO', refName: 'Auto' },
      currency: {
        links: [{ rel: 'self', href: `${sb.url}/services/rest/record/v1/currency/1` }],
        id: '1',
        refName: 'USD',
      },
      dateCreated: '2025-01-14T17:05:31Z',
      daysOverdue: 0,
      entityId: `CUST-${id.padStart(5, '0')}`,
      id,
      isInactive: false,
      isPerson: false,
      lastModifiedDate: '2025-01-14T17:05:31Z',
      overdueBalance: 0,
      refName: `CUST-${id.padStart(5, '0')} Shape Co`,
      subsidiary: {
        links: [{ rel: 'self', href: `${sb.url}/services/rest/record/v1/subsidiary/2` }],
        id: '2',
        refName: 'Tandem US',
      },
      unbilledOrders: 0,
    })
    const some = await call(sb, 'GET', `/record/v1/customer/${id}?fields=companyName,entityId`)
    expect(some.body).toEqual({
      links: [{ rel: 'self', href: `${sb.url}/services/rest/record/v1/customer/${id}?fields=companyName,entityId` }],
      companyName: 'Shape Co',
      entityId: `CUST-${id.padStart(5, '0')}`,
    })
  })

  it('patches partially (null clears), upserts by eid:, and deletes', async () => {
    const id = idOf(
      await call(sb, 'POST', '/record/v1/customer', {
        body: { companyName: 'Patch Me', phone: '1', subsidiary: { id: '1' } },
      }),
    )
    const patched = await call(sb, 'PATCH', `/record/v1/customer/${id}`, {
      body: { phone: null, custentity_tier: 'gold' },
    })
    expect(patched.status).toBe(204)
    expect(sb.records.get('customer', id)).toMatchObject({ companyName: 'Patch Me', custentity_tier: 'gold' })
    expect(sb.records.get('customer', id)?.phone).toBeUndefined()

    const created = await call(sb, 'PUT', '/record/v1/customer/eid:CRM-ACC-0042', {
      body: { companyName: 'Upserted', subsidiary: { id: '1' } },
    })
    expect(created.status).toBe(204)
    const updated = await call(sb, 'PUT', '/record/v1/customer/eid:CRM-ACC-0042', {
      body: { companyName: 'Upserted again' },
    })
    expect(updated.headers.get('location')).toBe(created.headers.get('location'))
    expect((await call(sb, 'GET', '/record/v1/customer/eid:CRM-ACC-0042')).body).toMatchObject({
      id: idOf(created),
      externalId: 'CRM-ACC-0042',
      companyName: 'Upserted again',
    })
    expect((await call(sb, 'PUT', `/record/v1/customer/${id}`, { body: {} })).status).toBe(405)

    expect((await call(sb, 'DELETE', `/record/v1/customer/${id}`)).status).toBe(204)
    const gone = await call(sb, 'GET', `/record/v1/customer/${id}`)
    expect(gone.status).toBe(404)
    expect(gone.headers.get('content-type')).toBe(errorType)
    expect(gone.body['o:errorDetails']).toEqual([{ detail: 'Record does not exist.', 'o:errorCode': 'NONEXISTENT_ID' }])
  })

  it('answers validation failures with the documented envelopes', async () => {
    const missing = await call(sb, 'POST', '/record/v1/customer', { body: { companyName: 'No Subsidiary' } })
    expect(missing.status).toBe(400)
    expect(missing.body).toEqual({
      type: 'https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.1',
      title: 'Bad Request',
      status: 400,
      'o:errorDetails': [
        {
          detail: 'Error while accessing a resource. Please enter value(s) for: Subsidiary',
          'o:errorCode': 'USER_ERROR',
        },
      ],
    })
    await call(sb, 'POST', '/record/v1/customer', { body: { externalId: 'DUP-1', subsidiary: { id: '1' } } })
    const dup = await call(sb, 'POST', '/record/v1/customer', {
      body: { externalId: 'DUP-1', subsidiary: { id: '1' } },
    })
    expect(dup.body['o:errorDetails']).toEqual([
      { detail: 'Error while accessing a resource. This entity already exists.', 'o:errorCode': 'USER_ERROR' },
    ])
    const badRef = await call(sb, 'POST', '/record/v1/customer', { body: { subsidiary: { id: '9' } } })
    expect(badRef.body['o:errorDetails'][0]).toMatchObject({ 'o:errorCode': 'USER_ERROR', 'o:errorPath': 'subsidiary' })
    const badType = await call(sb, 'POST', '/record/v1/customer', {
      body: { isPerson: 'yes', subsidiary: { id: '1' } },
    })
    expect(badType.body['o:errorDetails'][0]).toMatchObject({
      'o:errorCode': 'INVALID_CONTENT',
      'o:errorPath': 'isPerson',
    })
    const notJson = await call(sb, 'POST', '/record/v1/customer', { body: '{oops' })
    expect(notJson.body['o:errorDetails'][0]?.['o:errorCode']).toBe('INVALID_REQUEST')
    const language = await call(sb, 'GET', '/record/v1/customer', { headers: { 'accept-language': 'zh' } })
    expect(language.body['o:errorDetails'][0]).toMatchObject({
      'o:errorCode': 'INVALID_HEADER',
      'o:errorHeader': 'Accept-Language',
    })
  })

  it('lists ids and links only, paged by limit and offset, filtered by q', async () => {
    for (let i = 0; i < 5; i++) sb.records.create('customer', { companyName: `List ${i}`, subsidiary: { id: '1' } })
    const all = sb.records.ids('customer')
    const page = await call(sb, 'GET', '/record/v1/customer?limit=2&offset=2')
    expect(page.headers.get('content-type')).toBe(collection)
    expect(page.body).toMatchObject({ count: 2, hasMore: true, offset: 2, totalResults: all.length })
    expect(page.body.items[0]).toEqual({
      links: [{ rel: 'self', href: `${sb.url}/services/rest/record/v1/customer/${all[2]}` }],
      id: all[2],
    })
    expect(page.body.links.map((l) => l.rel)).toEqual(['previous', 'first', 'next', 'last', 'self'])
    const odd = await call(sb, 'GET', '/record/v1/customer?limit=2&offset=3')
    expect(odd.status).toBe(400)
    expect(odd.body['o:errorDetails'][0]).toMatchObject({
      'o:errorCode': 'INVALID_PARAMETER',
      'o:errorQueryParam': 'offset',
    })
    const q = encodeURIComponent('companyName START_WITH "upserted" AND subsidiary ANY_OF [1, 2]')
    const filtered = await call(sb, 'GET', `/record/v1/customer?q=${q}`)
    expect(filtered.body.items.map((i) => i.id)).toEqual([
      sb.customers().find((c) => c.externalId === 'CRM-ACC-0042')!.id,
    ])
    const badQ = await call(sb, 'GET', `/record/v1/customer?q=${encodeURIComponent('nosuch IS "x"')}`)
    expect(badQ.body['o:errorDetails'][0]).toMatchObject({ 'o:errorQueryParam': 'q' })
  })

  it('answers an authenticated OPTIONS as a cheap credentials check', async () => {
    expect((await call(sb, 'OPTIONS', '/record/v1/customer')).status).toBe(204)
  })
})

describe('NetSuite sandbox SuiteQL service', () => {
  let sb: NetSuiteSandbox
  const query = (
    q: string,
    params?: unknown[],
    search = '',
    headers: Record<string, string> = { prefer: 'transient' },
  ) => call(sb, 'POST', `/query/v1/suiteql${search}`, { body: params ? { q, params } : { q }, headers })

  beforeAll(async () => {
    sb = await startNetSuiteSandbox({ seed: true })
  })
  afterAll(async () => {
    await sb.close()
  })

  it('requires Prefer: transient', async () => {
    const reply = await query('SELECT id FROM customer', undefined, '', {})
    expect(reply.status).toBe(400)
    expect(reply.body['o:errorDetails'][0]).toMatchObject({
      'o:errorCode': 'INVALID_HEADER',
      'o:errorHeader': 'Prefer',
    })
  })

  it('pages string rows with links, count, hasMore, offset and totalResults', async () => {
    const reply = await query(
      'SELECT id, companyname, isperson FROM customer WHERE id > ? ORDER BY id',
      ['100'],
      '?limit=3&offset=3',
    )
    expect(reply.status).toBe(200)
    expect(reply.headers.get('content-type')).toBe(collection)
    const ids = sb.records.ids('customer')
    expect(reply.body).toMatchObject({ count: 3, hasMore: true, offset: 3, totalResults: ids.length })
    expect(reply.body.items[0]).toEqual({
      links: [],
      id: ids[3],
      companyname: sb.records.get('customer', ids[3]!)?.companyName,
      isperson: 'T',
    })
    expect(reply.body.links.at(-1)).toEqual({
      rel: 'self',
      href: `${sb.url}/services/rest/query/v1/suiteql?limit=3&offset=3`,
    })
  })

  it('reports query errors as INVALID_PARAMETER on q with NetSuite wording', async () => {
    // The body a live sandbox answered (error-400-suiteql-invalid-parameter.json), word for word.
    const captured = JSON.parse(readFileSync(new URL('error-400-suiteql-invalid-parameter.json', examples), 'utf8'))
    const reply = await query('SELECT subsidiary.name FROM transaction')
    expect(reply.status).toBe(400)
    expect(reply.body['o:errorDetails']).toEqual(captured.body['o:errorDetails'])
    const unknownTable = await query('SELECT id FROM salesorder')
    expect(unknownTable.body['o:errorDetails']).toEqual([
      {
        detail:
          'Invalid search query. Detailed unprocessed description follows. Search error occurred: Invalid search type: salesorder.',
        'o:errorQueryParam': 'q',
        'o:errorCode': 'INVALID_PARAMETER',
      },
    ])
  })

  it('refuses requests over the concurrency limit with the documented 429 body', async () => {
    const limited = await startNetSuiteSandbox({ concurrencyLimit: 2, latencyMs: 300 })
    try {
      const replies = await Promise.all(Array.from({ length: 6 }, () => call(limited, 'GET', '/record/v1/customer')))
      const refused = replies.filter((r) => r.status === 429)
      expect(replies.filter((r) => r.status === 200)).toHaveLength(2)
      expect(refused).toHaveLength(4)
      expect(refused[0]?.headers.get('retry-after')).toBeNull()
      expect(refused[0]?.body).toEqual({
        type: 'https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html',
        title: 'Bad Request',
        status: 429,
        'o:errorCode': 'USER_ERROR',
        'o:errorDetails': [
          {
            detail: 'Concurrent request limit exceeded. Request blocked.',
            'o:errorCode': 'CONCURRENCY_LIMIT_EXCEEDED',
          },
        ],
      })
      expect(limited.governance.maxInFlight).toBe(2)
    } finally {
      await limited.close()
    }
  })
})

describe('NetSuite sandbox app in process', () => {
  it('serves app.request() without a server, authenticated like over HTTP', async () => {
    const state = createSandboxState({ seed: true })
    const app = createNetSuiteSandboxApp(state)
    const url = 'http://localhost/services/rest/record/v1/customer?limit=5'
    expect((await app.request(url)).status).toBe(401)
    const c = state.credentials
    const { authorization } = signTbaRequest(
      { method: 'GET', url },
      {
        realm: c.accountId,
        consumerKey: c.consumerKey,
        consumerSecret: c.consumerSecret,
        tokenId: c.tokenId,
        tokenSecret: c.tokenSecret,
      },
    )
    const reply = await app.request(url, { headers: { authorization } })
    expect(reply.status).toBe(200)
    expect(await reply.json()).toMatchObject({ count: 5, hasMore: true, totalResults: 8 })
  })
})
