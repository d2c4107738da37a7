import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { decodeProtectedHeader, jwtVerify } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { netsuiteConfigSchema } from '../../../../src/connectors/netsuite/config-schema.ts'
import { createNetSuiteConnection } from '../../../../src/connectors/netsuite/connection.ts'
import type { Connection } from '../../../../src/connectors/types.ts'
import { referenceJson } from '../../../helpers/connectors/netsuite/reference-examples.ts'

/**
 * The connector's OAuth 2.0 client credentials over real HTTP, against a token endpoint written from the
 * reference (§3) in this file: it checks the assertion with the registered public key, issues tokens of a
 * chosen lifetime, and answers API calls 401 invalid_token once a token has expired or been revoked.
 */

const logger = { debug() {}, info() {}, warn() {}, error() {} }
const accountId = '1234567_SB1'
const clientId = 'c1e9a0f2b3'
const invalidToken = referenceJson<{ headers: Record<string, string>; body: unknown }>(
  'error-401-oauth2-invalid-token.json',
)

interface Issued {
  token: string
  expiresAt: number
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = ''
    req.on('data', (chunk) => {
      text += chunk
    })
    req.on('end', () => resolve(text))
  })
}

describe('NetSuite OAuth 2.0 client credentials (M2M)', () => {
  const keys = {
    ec: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
    rsa: generateKeyPairSync('rsa', { modulusLength: 3072 }),
  }
  const certificates = new Map<string, KeyObject>([
    ['cert-ec', keys.ec.publicKey],
    ['cert-rsa', keys.rsa.publicKey],
  ])
  let server: Server
  let baseUrl: string
  let ttlSeconds = 3600
  let issued: Issued[] = []
  let assertions: { header: Record<string, unknown>; payload: Record<string, unknown> }[] = []
  let apiCalls: string[] = []
  const revoked = new Set<string>()

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const body = await readBody(req)
      const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers })
        res.end(JSON.stringify(json))
      }
      if (req.url === '/services/rest/auth/oauth2/v1/token') {
        const form = new URLSearchParams(body)
        const assertion = form.get('client_assertion') ?? ''
        if (
          form.get('grant_type') !== 'client_credentials' ||
          form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
        ) {
          return send(400, { error: 'invalid_request' })
        }
        const header = decodeProtectedHeader(assertion)
        const key = certificates.get(String(header.kid))
        if (!key) return send(401, { error: 'invalid_client' })
        try {
          const { payload } = await jwtVerify(assertion, key, {
            algorithms: ['PS256', 'ES256'],
            issuer: clientId,
            audience: `${baseUrl}/services/rest/auth/oauth2/v1/token`,
          })
          assertions.push({ header: { ...header }, payload: { ...payload } })
        } catch {
          return send(401, { error: 'invalid_client' })
        }
        const token = `tok-${issued.length + 1}`
        issued.push({ token, expiresAt: Date.now() + ttlSeconds * 1000 })
        return send(200, { access_token: token, expires_in: ttlSeconds, token_type: 'Bearer' })
      }
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
      const known = issued.find((t) => t.token === token)
      if (!known || known.expiresAt <= Date.now() || revoked.has(known.token)) {
        return send(401, invalidToken.body, { 'www-authenticate': invalidToken.headers['WWW-Authenticate']! })
      }
      apiCalls.push(`${req.method} ${req.url} ${token}`)
      return send(200, { links: [], id: '7', companyName: 'Acme', lastModifiedDate: '2025-01-01T00:00:00Z' })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
  afterEach(() => {
    ttlSeconds = 3600
    issued = []
    assertions = []
    apiCalls = []
    revoked.clear()
  })

  function connect(kind: 'ec' | 'rsa', overrides: Record<string, unknown> = {}): Connection {
    const config = netsuiteConfigSchema.parse({
      type: 'netsuite',
      accountId,
      baseUrl,
      auth: {
        method: 'm2m',
        clientId,
        certificateId: `cert-${kind}`,
        privateKey: keys[kind].privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        ...overrides,
      },
    })
    return createNetSuiteConnection(config, { logger }, { retry: { retries: 0 } })
  }

  it('signs the assertion as NetSuite asks and shares one token among concurrent requests', async () => {
    const conn = connect('ec')
    const found = await conn.object('customer').getMany(['1', '2', '3', '4', '5', '6'], ['companyName'])
    expect(found.size).toBe(6)
    expect(issued).toHaveLength(1)
    expect(apiCalls.every((c) => c.endsWith(' tok-1'))).toBe(true)
    const [{ header, payload }] = assertions as [(typeof assertions)[number]]
    expect(header).toMatchObject({ typ: 'JWT', alg: 'ES256', kid: 'cert-ec' })
    expect(payload).toMatchObject({ iss: clientId, scope: ['rest_webservices'] })
    expect(Number(payload.exp) - Number(payload.iat)).toBeLessThan(3600)
    expect(typeof payload.jti).toBe('string')
    // This server has no metadata catalog (it answers a record): asked once, then reads go on without it.
    await conn.object('customer').getMany(['7'], ['companyName'])
    expect(apiCalls.filter((c) => c.includes('/metadata-catalog/'))).toHaveLength(1)
    await conn.close()
  })

  it('uses PS256 with an RSA key', async () => {
    const conn = connect('rsa')
    await conn.object('customer').getMany(['1'])
    expect(assertions[0]?.header.alg).toBe('PS256')
    await conn.close()
  })

  it('fetches a new token before the old one expires, without a failed call', async () => {
    ttlSeconds = 1
    const conn = connect('ec')
    await conn.object('customer').getMany(['1'])
    // A one-second token is renewed at half its life: wait until the first would be refused.
    await new Promise<void>((resolve) => {
      const check = () => (Date.now() >= issued[0]!.expiresAt ? resolve() : setImmediate(check))
      check()
    })
    await conn.object('customer').getMany(['2'])
    expect(issued.length).toBe(2)
    expect(apiCalls.map((c) => c.split(' ').at(-1))).toEqual(['tok-1', 'tok-2'])
    await conn.close()
  })

  it('answers a token refused mid-life (401 invalid_token) by fetching another and repeating the call once', async () => {
    const conn = connect('ec')
    await conn.object('customer').update([{ id: '7', companyName: 'Before' }])
    revoked.add('tok-1')
    const [result] = await conn.object('customer').update([{ id: '7', companyName: 'After' }])
    expect(result).toMatchObject({ ok: true, id: '7' })
    expect(issued).toHaveLength(2)
    expect(apiCalls.map((c) => c.split(' ').at(-1))).toEqual(['tok-1', 'tok-2'])
    await conn.close()
  })

  it('reports a refused client as a config error that names no secret', async () => {
    const conn = connect('ec', { certificateId: 'cert-unknown' })
    const err = await conn
      .object('customer')
      .getMany(['1'])
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ kind: 'config', code: 'NS_M2M_INVALID_CLIENT' })
    const shown = JSON.stringify(err) + String((err as Error).message)
    expect(shown).not.toContain('PRIVATE KEY')
    expect(shown).not.toContain(clientId)
    await conn.close()
  })

  it('refuses a key NetSuite cannot use when the connection is made', () => {
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    expect(() => connect('ec', { privateKey: ed })).toThrow(/RSA or EC/)
    expect(() => connect('ec', { privateKey: 'not a key' })).toThrow(/not a readable PEM key/)
  })
})
