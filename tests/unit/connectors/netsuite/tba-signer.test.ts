import { describe, expect, it } from 'vitest'
import {
  createNonce,
  percentEncode,
  signingKey,
  signTbaRequest,
} from '../../../../src/connectors/netsuite/tba-signer.ts'
import { referenceJson } from '../../../helpers/connectors/netsuite/reference-examples.ts'

interface Vector {
  id: string
  inputs: {
    realm: string
    consumerKey: string
    consumerSecret: string
    tokenId: string
    tokenSecret: string
    nonce: string
    timestamp: string
    method: string
    url: string
  }
  outputs: {
    baseStringUri: string
    normalizedParameters: string
    signatureBaseString: string
    signingKey: string
    signatureBase64: string
    signatureInHeader: string
    authorizationHeader: string
  }
  wrong_signature_if_encodeURIComponent_used?: string
}

const { vectors } = referenceJson<{ vectors: Vector[] }>('oauth1-tba-signature-vectors.json')

describe('signTbaRequest', () => {
  it('has vectors to check', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(5)
  })

  for (const v of vectors) {
    it(`reproduces every output of vector ${v.id}`, () => {
      const { inputs, outputs } = v
      const signed = signTbaRequest(
        { method: inputs.method, url: inputs.url },
        {
          realm: inputs.realm,
          consumerKey: inputs.consumerKey,
          consumerSecret: inputs.consumerSecret,
          tokenId: inputs.tokenId,
          tokenSecret: inputs.tokenSecret,
        },
        { nonce: inputs.nonce, timestamp: inputs.timestamp },
      )
      expect(signed.baseStringUri).toBe(outputs.baseStringUri)
      expect(signed.normalizedParameters).toBe(outputs.normalizedParameters)
      expect(signed.signatureBaseString).toBe(outputs.signatureBaseString)
      expect(signingKey(inputs.consumerSecret, inputs.tokenSecret)).toBe(outputs.signingKey)
      expect(signed.signatureBase64).toBe(outputs.signatureBase64)
      expect(percentEncode(signed.signatureBase64)).toBe(outputs.signatureInHeader)
      expect(signed.authorization).toBe(outputs.authorizationHeader)
      if (v.wrong_signature_if_encodeURIComponent_used) {
        expect(signed.signatureBase64).not.toBe(v.wrong_signature_if_encodeURIComponent_used)
      }
    })
  }
})

describe('percentEncode', () => {
  it('encodes everything but the RFC 3986 unreserved set, with upper-case hex', () => {
    expect(percentEncode("a b!*'()~._-+/=&ệ")).toBe('a%20b%21%2A%27%28%29~._-%2B%2F%3D%26%E1%BB%87')
  })
})

describe('createNonce', () => {
  it('makes 20 alphanumeric characters, different each time', () => {
    const nonces = new Set(Array.from({ length: 200 }, createNonce))
    expect(nonces.size).toBe(200)
    for (const n of nonces) expect(n).toMatch(/^[A-Za-z0-9]{20}$/)
  })
})

describe('query and form parameters', () => {
  const creds = { realm: 'R', consumerKey: 'ck', consumerSecret: 'cs', tokenId: 't', tokenSecret: 'ts' }
  const fixed = { nonce: 'abcdefgh', timestamp: 1 }

  it('decodes + in the query as a space before re-encoding it (form-urlencoded rules)', () => {
    const plus = signTbaRequest({ method: 'GET', url: 'https://h/p?q=a+b' }, creds, fixed)
    const pct = signTbaRequest({ method: 'GET', url: 'https://h/p?q=a%20b' }, creds, fixed)
    expect(plus.normalizedParameters).toContain('q=a%20b')
    expect(plus.signatureBase64).toBe(pct.signatureBase64)
  })

  it('signs form bodies and keeps query parameters out of the header', () => {
    const signed = signTbaRequest({ method: 'POST', url: 'https://H:443/p?limit=5', formBody: 'a=1' }, creds, fixed)
    expect(signed.baseStringUri).toBe('https://h/p')
    expect(signed.normalizedParameters.startsWith('a=1&limit=5&oauth_consumer_key=ck')).toBe(true)
    expect(signed.authorization).not.toContain('limit')
  })
})
