import { describe, expect, it } from 'vitest'
import { type EdgeBindings, edgeSettings, readSecret } from '../../../src/edge/edge-settings.ts'

const base = {
  INGRESS: {} as EdgeBindings['INGRESS'],
  TANDEM_CORE_URL: 'https://tandem.example.com/',
  TANDEM_CONNECTIONS: { erp: { type: 'netsuite', webhook: { secret: 'ERP_WEBHOOK_SECRET' } } },
}

// Each case is a fresh object: settings are parsed once per env object.
const settingsOf = (overrides: Record<string, unknown>) => () => edgeSettings({ ...base, ...overrides })

describe('edge settings', () => {
  it('reads the vars with defaults, trimming the core URL', () => {
    expect(edgeSettings({ ...base })).toEqual({
      TANDEM_CORE_URL: 'https://tandem.example.com',
      TANDEM_CONNECTIONS: base.TANDEM_CONNECTIONS,
      FORWARD_RETRY_BASE_SECONDS: 5,
      FORWARD_RETRY_MAX_SECONDS: 300,
    })
  })

  it('takes TANDEM_CONNECTIONS as a JSON string too, as a var set in the dashboard or .dev.vars arrives', () => {
    expect(
      edgeSettings({ ...base, TANDEM_CONNECTIONS: JSON.stringify(base.TANDEM_CONNECTIONS) }).TANDEM_CONNECTIONS,
    ).toEqual(base.TANDEM_CONNECTIONS)
  })

  it.each([
    ['a core URL that is not http(s)', { TANDEM_CORE_URL: 'ftp://core' }, /^TANDEM_CORE_URL: /],
    ['no connections var', { TANDEM_CONNECTIONS: undefined }, /^TANDEM_CONNECTIONS: /],
    ['an unknown type', { TANDEM_CONNECTIONS: { erp: { type: 'sap' } } }, /^TANDEM_CONNECTIONS\.erp\.type: /],
    [
      'a secret value where its name belongs',
      { TANDEM_CONNECTIONS: { erp: { type: 'netsuite', webhook: { secret: 'hunter2-hunter2' } } } },
      /^TANDEM_CONNECTIONS\.erp\.webhook\.secret: the name of a Worker secret/,
    ],
    [
      'Outbound Messages on a NetSuite connection',
      { TANDEM_CONNECTIONS: { erp: { type: 'netsuite', outboundMessages: { organizationId: '00D000000000001' } } } },
      /^TANDEM_CONNECTIONS\.erp: /,
    ],
    ['a zero retry delay', { FORWARD_RETRY_BASE_SECONDS: '0' }, /^FORWARD_RETRY_BASE_SECONDS: /],
    [
      'a max below the base',
      { FORWARD_RETRY_BASE_SECONDS: '60', FORWARD_RETRY_MAX_SECONDS: '30' },
      /^FORWARD_RETRY_MAX_SECONDS: must be at least FORWARD_RETRY_BASE_SECONDS$/,
    ],
  ])('refuses %s, naming the var', (_what, overrides, message) => {
    expect(settingsOf(overrides)).toThrow(message)
    try {
      settingsOf(overrides)()
    } catch (err) {
      expect(err).toMatchObject({ kind: 'config', code: 'EDGE_CONFIG_INVALID' })
      expect((err as Error).message).not.toContain('hunter2')
    }
  })

  it('reads a secret by name and says how to set a missing one, without a value', () => {
    const env = { ...base, ERP_WEBHOOK_SECRET: 's3cret-value' }
    expect(readSecret(env, 'ERP_WEBHOOK_SECRET', 'here')).toBe('s3cret-value')
    expect(() => readSecret({ ...env, ERP_WEBHOOK_SECRET: '' }, 'ERP_WEBHOOK_SECRET', 'there')).toThrow(
      'there names ERP_WEBHOOK_SECRET, which is not set: wrangler secret put ERP_WEBHOOK_SECRET',
    )
  })
})
