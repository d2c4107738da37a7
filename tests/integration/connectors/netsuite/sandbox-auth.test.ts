import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../../../src/connectors/netsuite/sandbox/server.ts'
import { referenceJson, referenceText } from '../../../helpers/connectors/netsuite/reference-examples.ts'

/**
 * The sandbox's TBA check against the published signature vectors, sent as raw HTTP with each vector's
 * own Authorization header: nothing of the connector's signer is involved. The vectors name real NetSuite
 * hosts over https; the requests carry that Host and `X-Forwarded-Proto: https`, as through a TLS proxy.
 */

interface Vector {
  id: string
  inputs: {
    realm: string
    consumerKey: string
    consumerSecret: string
    tokenId: string
    tokenSecret: string
    timestamp: string
    method: string
    url: string
  }
  outputs: { authorizationHeader: string; signatureInHeader: string }
  body_not_signed?: unknown
  extra_headers?: Record<string, string>
}

const { vectors } = referenceJson<{ vectors: Vector[] }>('oauth1-tba-signature-vectors.json')

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** Sends the request exactly as given: the raw target and Host header are not normalised by a URL parser. */
function send(sandbox: NetSuiteSandbox, v: Vector, authorization: string | undefined): Promise<Reply> {
  const url = v.inputs.url
  const hostStart = url.indexOf('//') + 2
  const pathStart = url.indexOf('/', hostStart)
  const host = url.slice(hostStart, pathStart)
  const target = url.slice(pathStart)
  const { port } = new URL(sandbox.url)
  const body = v.body_not_signed === undefined ? undefined : JSON.stringify(v.body_not_signed)
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: Number(port),
        method: v.inputs.method,
        path: target,
        headers: {
          host,
          'x-forwarded-proto': 'https',
          ...(authorization ? { authorization } : {}),
          ...v.extra_headers,
          ...(body ? { 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          text += chunk
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

/** The vector's header with one character of the signature changed. */
function tampered(v: Vector): string {
  const sig = v.outputs.signatureInHeader
  const i = 5
  const swapped = sig[i] === 'A' ? 'B' : 'A'
  return v.outputs.authorizationHeader.replace(sig, `${sig.slice(0, i)}${swapped}${sig.slice(i + 1)}`)
}

const expected401 = referenceText('error-401-invalid-login.json')

describe('NetSuite sandbox TBA verification', () => {
  const sandboxes = new Map<string, NetSuiteSandbox>()
  let clockMs = 0

  beforeAll(async () => {
    // One sandbox per vector: Oracle's two examples share nonce and timestamp, so on one account the
    // second would rightly be refused as a replay.
    for (const v of vectors) {
      const i = v.inputs
      sandboxes.set(
        v.id,
        await startNetSuiteSandbox({
          now: () => clockMs,
          credentials: {
            accountId: i.realm,
            consumerKey: i.consumerKey,
            consumerSecret: i.consumerSecret,
            tokenId: i.tokenId,
            tokenSecret: i.tokenSecret,
          },
        }),
      )
    }
  })

  afterAll(async () => {
    await Promise.all([...sandboxes.values()].map((s) => s.close()))
  })

  const sandboxOf = (v: Vector) => sandboxes.get(v.id)!
  const at = (v: Vector, offsetSeconds = 0) => {
    clockMs = (Number(v.inputs.timestamp) + offsetSeconds) * 1000
  }

  async function expectRejected(v: Vector, authorization: string | undefined, cause: string) {
    const sandbox = sandboxOf(v)
    const reply = await send(sandbox, v, authorization)
    expect(reply.status).toBe(401)
    const { body, headers } = JSON.parse(expected401) as { body: unknown; headers: Record<string, string> }
    expect(JSON.parse(reply.body)).toEqual(body)
    expect(reply.headers['content-type']).toBe(headers['Content-Type'])
    expect(reply.headers['www-authenticate']).toBe(
      `OAuth realm="${v.inputs.realm}", error="token_rejected", error_description="Invalid login attempt."`,
    )
    expect(sandbox.loginAudit.last()).toMatchObject({ status: 'Failure', cause })
    return reply
  }

  for (const v of vectors) {
    describe(`vector ${v.id}`, () => {
      it('rejects the request with one character of the signature changed', async () => {
        at(v, 30)
        await expectRejected(v, tampered(v), 'InvalidSignature')
      })

      it('accepts the request signed as the vector says, at the vector time', async () => {
        at(v, 30)
        const reply = await send(sandboxOf(v), v, v.outputs.authorizationHeader)
        expect(reply.status).not.toBe(401)
        expect(sandboxOf(v).loginAudit.last()).toMatchObject({ status: 'Success', consumerKey: v.inputs.consumerKey })
      })

      it('rejects the same request replayed (nonce already used)', async () => {
        at(v, 60)
        await expectRejected(v, v.outputs.authorizationHeader, 'NonceUsed')
      })

      it('rejects it more than five minutes late or early', async () => {
        at(v, 301)
        await expectRejected(v, v.outputs.authorizationHeader, 'InvalidTimestamp')
        at(v, -301)
        await expectRejected(v, v.outputs.authorizationHeader, 'InvalidTimestamp')
      })
    })
  }

  const sb = vectors.find((v) => v.id === 'sb-suiteql')!

  it('runs the SuiteQL of the accepted vector request: its JSON body was never part of the signature', async () => {
    const fresh = await startNetSuiteSandbox({
      now: () => Number(sb.inputs.timestamp) * 1000,
      credentials: { ...sb.inputs, accountId: sb.inputs.realm },
    })
    try {
      const reply = await send(fresh, sb, sb.outputs.authorizationHeader)
      expect(reply.status).toBe(200)
      expect(JSON.parse(reply.body)).toMatchObject({ count: 0, hasMore: false, items: [], offset: 0, totalResults: 0 })
    } finally {
      await fresh.close()
    }
  })

  it('rejects a realm in the wrong case although the signature (which excludes realm) is valid', async () => {
    at(sb, 0)
    const lower = sb.outputs.authorizationHeader.replace('realm="1234567_SB1"', 'realm="1234567_sb1"')
    await expectRejected(sb, lower, 'InvalidRealm')
  })

  it('gives every other cause the same answer and records it', async () => {
    at(sb, 0)
    const header = sb.outputs.authorizationHeader
    await expectRejected(sb, undefined, 'MissingTokenPassportRequiredFields')
    await expectRejected(sb, header.replace(/, oauth_nonce="[^"]*"/, ''), 'MissingTokenPassportRequiredFields')
    await expectRejected(sb, header.replace('HMAC-SHA256', 'HMAC-SHA1'), 'UnknownAlgorithm')
    await expectRejected(sb, header.replace('oauth_consumer_key="3', 'oauth_consumer_key="4'), 'consumer_key_unknown')
    await expectRejected(sb, header.replace('oauth_token="9', 'oauth_token="8'), 'token_rejected')
    await expectRejected(
      sb,
      header.replace('oauth_nonce="Xq3v9LmP2sT8wZ1kR7bY"', 'oauth_nonce="Xq3v9"'),
      'InvalidNonce',
    )
    await expectRejected(sb, header.replace('oauth_version="1.0"', 'oauth_version="2.0"'), 'InvalidVersion')
    const audit = sandboxOf(sb).loginAudit.failures()
    expect(JSON.stringify(audit)).not.toContain(sb.inputs.consumerSecret)
    expect(JSON.stringify(audit)).not.toContain(sb.inputs.tokenSecret)
  })
})
