import { readFileSync } from 'node:fs'
import type { NetSuiteSandbox } from '../../../../src/connectors/netsuite/sandbox/server.ts'
import { signTbaRequest } from '../../../../src/connectors/netsuite/tba-signer.ts'

/** Signed REST calls to a sandbox for tests that look at NetSuite's wire shapes, plus the reference files. */

export const examples = new URL('../../../../../shared/reference/netsuite-examples/', import.meta.url)

/** A file of shared/reference/netsuite-examples, parsed. */
export function example<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, examples), 'utf8')) as T
}

export interface Reply {
  status: number
  headers: Headers
  // biome-ignore lint/suspicious/noExplicitAny: tests index freely into NetSuite's JSON bodies
  body: any
}

export async function call(
  sb: NetSuiteSandbox,
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string>; at?: number } = {},
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
    { timestamp: Math.floor((opts.at ?? Date.now()) / 1000) },
  )
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body)
  const res = await fetch(url, {
    method,
    headers: { authorization, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
    ...(body !== undefined ? { body } : {}),
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null }
}

/** The internal id at the end of a write's Location. */
export const idOf = (reply: Reply): string => {
  const location = reply.headers.get('location')
  if (!location) throw new Error(`no Location (status ${reply.status}: ${JSON.stringify(reply.body)})`)
  return location.split('/').at(-1)!
}

export function suiteQl(sb: NetSuiteSandbox, q: string, params?: unknown[], query = '') {
  return call(sb, 'POST', `/query/v1/suiteql${query}`, {
    body: params ? { q, params } : { q },
    headers: { prefer: 'transient' },
  })
}
