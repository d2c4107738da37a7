import { describe, expect, it } from 'vitest'
import { netsuiteConfigSchema, resolveBaseUrl } from '../../../../src/connectors/netsuite/config-schema.ts'
import { netsuite } from '../../../../src/connectors/netsuite/index.ts'
import type { RunningSandbox } from '../../../../src/connectors/types.ts'
import { Secret } from '../../../../src/lib/secret.ts'

const file = {
  type: 'netsuite',
  accountId: '1234567_sb1',
  auth: { method: 'tba', consumerKey: 'ck', consumerSecret: 'cs', tokenId: 'ti', tokenSecret: 'ts' },
}

describe('netsuiteConfigSchema', () => {
  it('upper-cases the account ID (the OAuth realm) and fills the defaults', () => {
    const config = netsuiteConfigSchema.parse(file)
    expect(config.accountId).toBe('1234567_SB1')
    expect(config.timeZone).toBe('America/Los_Angeles')
    expect(config.limits).toEqual({ maxBatch: 1, maxConcurrent: 5 })
    expect(config.auth.method === 'tba' && config.auth.consumerSecret).toBeInstanceOf(Secret)
    expect(JSON.stringify(config)).not.toContain('"cs"')
  })

  it('derives the host from the account ID unless a base URL is given; an empty one means the default', () => {
    expect(resolveBaseUrl(netsuiteConfigSchema.parse(file))).toBe('https://1234567-sb1.suitetalk.api.netsuite.com')
    expect(resolveBaseUrl(netsuiteConfigSchema.parse({ ...file, baseUrl: '' }))).toBe(
      'https://1234567-sb1.suitetalk.api.netsuite.com',
    )
    expect(resolveBaseUrl(netsuiteConfigSchema.parse({ ...file, baseUrl: 'http://127.0.0.1:4020/' }))).toBe(
      'http://127.0.0.1:4020',
    )
  })

  it.each([
    [{ ...file, extra: 1 }, 'extra'],
    [{ ...file, accountId: '1234567 SB1' }, 'accountId'],
    [{ ...file, timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ ...file, auth: { ...file.auth, method: 'basic' } }, 'auth.method'],
    [{ ...file, auth: { ...file.auth, tokenSecret: '' } }, 'auth.tokenSecret'],
    [{ ...file, limits: { maxConcurrent: 0 } }, 'limits.maxConcurrent'],
    [{ ...file, baseUrl: 'ftp://x' }, 'baseUrl'],
  ])('refuses %j at %s', (value, path) => {
    const result = netsuiteConfigSchema.safeParse(value)
    expect(result.success).toBe(false)
    const paths = result.error!.issues.map((i) => [...i.path, ...('keys' in i ? (i.keys as string[]) : [])].join('.'))
    expect(paths.some((p) => p.startsWith(path))).toBe(true)
  })
})

describe('m2m auth', () => {
  it('takes a client ID, certificate ID and private key, keeping key and client ID secret', () => {
    const config = netsuiteConfigSchema.parse({
      ...file,
      auth: { method: 'm2m', clientId: 'cid', certificateId: 'kid-1', privateKey: '-----BEGIN PRIVATE KEY-----' },
    })
    expect(config.auth).toMatchObject({ method: 'm2m', certificateId: 'kid-1', scope: ['rest_webservices'] })
    expect(JSON.stringify(config)).not.toContain('BEGIN PRIVATE KEY')
    expect(JSON.stringify(config)).not.toContain('"cid"')
  })

  it('refuses RS256, which NetSuite does not list for client credentials', () => {
    const auth = { method: 'm2m', clientId: 'c', certificateId: 'k', privateKey: 'p', algorithm: 'RS256' }
    expect(netsuiteConfigSchema.safeParse({ ...file, auth }).success).toBe(false)
  })
})

describe('sandboxConfig', () => {
  it("points the file's settings at the sandbox and validates", () => {
    const sandbox: RunningSandbox = {
      system: 'netsuite',
      url: 'http://127.0.0.1:4020',
      credentials: {
        accountId: '1234567_SB1',
        consumerKey: 'k',
        consumerSecret: 's',
        tokenId: 't',
        tokenSecret: 'u',
        webhookSecret: 'w',
        timeZone: 'Asia/Ho_Chi_Minh',
      },
      close: async () => {},
    }
    const settings = netsuite.sandboxConfig({ ...file, accountId: '', limits: { maxConcurrent: 3 } }, sandbox)
    const config = netsuiteConfigSchema.parse(settings)
    expect(config).toMatchObject({
      accountId: '1234567_SB1',
      baseUrl: 'http://127.0.0.1:4020',
      timeZone: 'Asia/Ho_Chi_Minh',
    })
    expect(config.limits).toEqual({ maxBatch: 1, maxConcurrent: 3 })
    expect(config.auth.method === 'tba' && config.auth.tokenId.reveal()).toBe('t')
    expect(config.webhook?.secret.reveal()).toBe('w')
  })

  it('gives a file asking for m2m the sandbox integration: client ID, certificate ID and private key', () => {
    const sandbox: RunningSandbox = {
      system: 'netsuite',
      url: 'http://127.0.0.1:4020',
      credentials: {
        accountId: '1234567_SB1',
        consumerKey: 'k',
        consumerSecret: 's',
        tokenId: 't',
        tokenSecret: 'u',
        clientId: 'cid',
        certificateId: 'kid',
        privateKey: '-----BEGIN PRIVATE KEY-----',
        webhookSecret: 'w',
        timeZone: 'UTC',
      },
      close: async () => {},
    }
    const m2m = netsuiteConfigSchema.parse(
      netsuite.sandboxConfig({ ...file, accountId: '', auth: { method: 'm2m', clientId: '' } }, sandbox),
    )
    expect(m2m.auth).toMatchObject({ method: 'm2m', certificateId: 'kid' })
    expect(m2m.auth.method === 'm2m' && m2m.auth.clientId.reveal()).toBe('cid')
    const tba = netsuiteConfigSchema.parse(netsuite.sandboxConfig({ ...file, accountId: '' }, sandbox))
    expect(tba.auth.method).toBe('tba')
  })
})
