import { describe, expect, it } from 'vitest'
import { salesforceConfigSchema } from '../../../../src/connectors/salesforce/config-schema.ts'

const base = {
  type: 'salesforce',
  loginUrl: 'https://login.salesforce.com/',
  auth: { method: 'password', clientId: '3MVG9x', clientSecret: 's3cr3t', username: 'u@x.io', password: 'pw' },
}

describe('Salesforce connection config', () => {
  it('fills the defaults and wraps secrets so they never print', () => {
    const config = salesforceConfigSchema.parse(base)
    expect(config).toMatchObject({
      loginUrl: 'https://login.salesforce.com',
      apiVersion: '62.0',
      limits: { maxBatch: 200, maxConcurrent: 10 },
    })
    expect(JSON.stringify(config)).not.toContain('s3cr3t')
    expect(JSON.stringify(config)).not.toContain('"pw"')
    if (config.auth.method !== 'password') throw new Error('expected the password method')
    expect(config.auth.password.reveal()).toBe('pw')
  })

  it('accepts client credentials and a webhook secret with a previous one for rotation', () => {
    const config = salesforceConfigSchema.parse({
      ...base,
      auth: { method: 'client_credentials', clientId: '3MVG9x', clientSecret: 's' },
      webhook: { secret: 'new', previousSecret: 'old' },
    })
    expect(config.auth.method).toBe('client_credentials')
    expect(config.webhook?.previousSecret?.reveal()).toBe('old')
  })

  it('refuses unknown keys, unknown auth methods, old API versions, batches over 200 and non-HTTP URLs', () => {
    const fails = (patch: object) => salesforceConfigSchema.safeParse({ ...base, ...patch }).success
    expect(fails({ extra: 1 })).toBe(false)
    expect(fails({ auth: { ...base.auth, token: 'x' } })).toBe(false)
    expect(fails({ auth: { method: 'jwt', clientId: 'x' } })).toBe(false)
    expect(fails({ apiVersion: '45.0' })).toBe(false)
    expect(fails({ apiVersion: '62' })).toBe(false)
    expect(fails({ limits: { maxBatch: 201 } })).toBe(false)
    expect(fails({ loginUrl: 'ftp://login.salesforce.com' })).toBe(false)
    expect(fails({ sandbox: 'auto' })).toBe(false)
    expect(fails({ apiVersion: '66.0', limits: { maxBatch: 50 } })).toBe(true)
  })
})
