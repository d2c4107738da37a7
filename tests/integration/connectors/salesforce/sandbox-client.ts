import { readFileSync } from 'node:fs'
import { Connection } from 'jsforce'
import type { SalesforceSandbox } from '../../../../src/connectors/salesforce/sandbox/server.ts'

/** Shared pieces of the sandbox fidelity suites: the reference payloads, a jsforce login and raw REST calls. */
const examples = new URL('../../../../../shared/reference/salesforce-examples/', import.meta.url)

/** A file of shared/reference/salesforce-examples, parsed. */
export function example(name: string) {
  return JSON.parse(readFileSync(new URL(name, examples), 'utf8'))
}

export function keysOf(o: object): string[] {
  return Object.keys(o).sort()
}

export const jsonType = 'application/json;charset=UTF-8'

export function oauth2Of(sandbox: SalesforceSandbox) {
  return {
    loginUrl: sandbox.url,
    clientId: sandbox.credentials.clientId,
    clientSecret: sandbox.credentials.clientSecret,
  }
}

/** A jsforce connection logged in with the username-password flow. */
export async function jsforceLogin(sandbox: SalesforceSandbox, version = '62.0'): Promise<Connection> {
  const c = new Connection({ oauth2: oauth2Of(sandbox), version })
  await c.login(sandbox.credentials.username, sandbox.credentials.password)
  return c
}

export interface RawResponse {
  status: number
  headers: Headers
  text: string
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are inspected freely in assertions
  json: any
}

/**
 * A raw REST call with a connection's token, for the status codes, headers and bodies jsforce hides.
 * Paths starting `/services` are taken as they are; others are under `/services/data/v62.0`.
 */
export async function rawRest(
  sandbox: SalesforceSandbox,
  conn: Connection,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const res = await fetch(`${sandbox.url}${path.startsWith('/services') ? '' : '/services/data/v62.0'}${path}`, {
    method,
    headers: { authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  const isJson = (res.headers.get('content-type') ?? '').startsWith('application/json')
  return { status: res.status, headers: res.headers, text, json: text && isJson ? JSON.parse(text) : null }
}
