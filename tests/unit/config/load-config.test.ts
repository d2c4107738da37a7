import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { loadConfig } from '../../../src/config/load-config.ts'
import type { ConnectorType } from '../../../src/connectors/types.ts'
import { ConfigErrors } from '../../../src/errors.ts'
import { Secret, secretSchema } from '../../../src/lib/secret.ts'
import { createTempDir, type TestDir } from '../../helpers/databases.ts'

// A connector type reduced to what the loader uses: its name and its settings schema.
const demoType: ConnectorType = {
  type: 'demo',
  configSchema: z.strictObject({
    type: z.literal('demo'),
    url: z.url(),
    auth: z.strictObject({ user: z.string(), password: secretSchema }),
  }),
  create: () => Promise.reject(new Error('not used')),
  startSandbox: () => Promise.reject(new Error('not used')),
  sandboxConfig: (settings, sandbox) => ({ ...settings, url: sandbox.url, auth: { user: 'sb', password: 'sb-pass' } }),
}

const goodConnection = `type: demo
url: \${DEMO_URL}
auth:
  user: me
  password: \${DEMO_PASSWORD}
`
const goodMapping = `flow: customers
source: { connection: crm, object: Account }
target: { connection: crm, object: customer, externalId: externalId }
triggers: { poll: { every: 30s } }
fields:
  companyName: { from: Name }
  subsidiary: { value: { id: "1" } }
`

let dir: TestDir
const env = { DEMO_URL: 'http://127.0.0.1:9', DEMO_PASSWORD: 's3cret' }

function write(rel: string, text: string) {
  mkdirSync(join(dir.path, rel, '..'), { recursive: true })
  writeFileSync(join(dir.path, rel), text)
}

function problems(fn: () => unknown): string[] {
  try {
    fn()
  } catch (err) {
    if (err instanceof ConfigErrors) return err.message.split('\n')
    throw err
  }
  throw new Error('expected configuration problems')
}

const load = (e: Record<string, string> = env) => loadConfig({ dir: dir.path, env: e, connectorTypes: [demoType] })

beforeEach(() => {
  dir = createTempDir()
})
afterEach(() => dir.remove())

describe('loadConfig', () => {
  it('loads connections and flows, resolving ${NAME} and binding secrets to their variable', () => {
    write('connectors/crm.yaml', goodConnection)
    write('mappings/customers.yaml', goodMapping)
    const config = load()
    const crm = config.connections.get('crm')!
    const auth = (crm.config as { auth: { password: Secret } }).auth
    expect(auth.password).toBeInstanceOf(Secret)
    expect(auth.password.reveal()).toBe('s3cret')
    expect(auth.password.source).toBe('DEMO_PASSWORD')
    expect(JSON.stringify(crm.config)).not.toContain('s3cret')
    expect(config.flows.get('customers')?.mapping.triggers.poll?.every).toBe(30_000)
  })

  it('names file, line, column and path of a schema violation', () => {
    write('connectors/crm.yaml', goodConnection.replace('user: me', 'user: 42'))
    expect(problems(() => load())).toEqual([expect.stringMatching(/^connectors\/crm\.yaml:4:9 auth\.user: .*string/i)])
  })

  it('names an unknown key at its own line', () => {
    write('connectors/crm.yaml', `${goodConnection}extra: 1\n`)
    expect(problems(() => load())).toEqual([expect.stringMatching(/^connectors\/crm\.yaml:6:1 extra: .*extra/i)])
  })

  it("reads a connection's retry policy, every key optional", () => {
    write('connectors/crm.yaml', `${goodConnection}retry:\n  attempts: 12\n  reads: { retries: 1 }\n`)
    write('connectors/erp.yaml', goodConnection)
    const config = load()
    expect(config.connections.get('crm')?.retry).toEqual({ attempts: 12, reads: { retries: 1, maxMs: 2_000 } })
    expect(config.connections.get('erp')?.retry).toEqual({})
  })

  it('locates a bad retry policy', () => {
    write(
      'connectors/crm.yaml',
      `${goodConnection}retry:\n  attempts: 0\n  baseMs: 9000\n  maxMs: 100\n  jitter: full\n`,
    )
    expect(problems(() => load())).toEqual([
      expect.stringMatching(/^connectors\/crm\.yaml:7:13 retry\.attempts: .*1/),
      expect.stringMatching(/^connectors\/crm\.yaml:10:3 retry\.jitter: .*jitter/),
      'connectors/crm.yaml:8:11 retry.baseMs: baseMs must not exceed maxMs',
    ])
  })

  it('reports every missing environment variable at once', () => {
    write('connectors/crm.yaml', goodConnection)
    expect(problems(() => load({}))).toEqual([
      'connectors/crm.yaml:2:6 url: environment variable DEMO_URL is not set',
      'connectors/crm.yaml:5:13 auth.password: environment variable DEMO_PASSWORD is not set',
    ])
  })

  it('refuses a secret written into the file', () => {
    write('connectors/crm.yaml', goodConnection.replace('${DEMO_PASSWORD}', 'hunter2'))
    const [line] = problems(() => load())
    expect(line).toMatch(/^connectors\/crm\.yaml:5:13 auth\.password: secrets must come from the environment/)
    expect(line).not.toContain('hunter2')
  })

  it('leaves a `sandbox: auto` connection without credentials for the runtime to complete', () => {
    write('connectors/crm.yaml', `sandbox: auto\n${goodConnection}`)
    const crm = load({}).connections.get('crm')!
    expect(crm.config).toBeNull()
    expect(crm.missing.map((m) => m.name)).toEqual(['DEMO_URL', 'DEMO_PASSWORD'])
  })

  it('rejects an unknown connector type, listing the known ones', () => {
    write('connectors/crm.yaml', 'type: sap\n')
    expect(problems(() => load())).toEqual([
      'connectors/crm.yaml:1:7 type: unknown connector type "sap"; known types: demo',
    ])
  })

  it('checks a mapping against the connections and its own file name', () => {
    write('connectors/crm.yaml', goodConnection)
    write(
      'mappings/clients.yaml',
      goodMapping.replace('connection: crm, object: Account', 'connection: cmr, object: Account'),
    )
    expect(problems(() => load())).toEqual([
      "mappings/clients.yaml:1:7 flow: flow is 'customers' but the file is clients.yaml; name the file after the flow",
      "mappings/clients.yaml:2:23 source.connection: no connection 'cmr' in connectors/ (known: crm)",
    ])
  })

  it('reports YAML syntax errors with their position', () => {
    write('connectors/crm.yaml', 'type: demo\nauth: [unclosed\n')
    expect(problems(() => load())[0]).toMatch(/^connectors\/crm\.yaml:\d+:\d+: /)
  })

  it('collects problems from several files in one pass', () => {
    write('connectors/crm.yaml', goodConnection.replace('user: me', 'user: 1'))
    write('connectors/erp.yaml', 'type: nope\n')
    expect(problems(() => load())).toHaveLength(2)
  })

  it('locates expression, reference and ping-pong problems across the mapping set', () => {
    write('connectors/crm.yaml', goodConnection)
    write('connectors/erp.yaml', goodConnection)
    write(
      'mappings/customers.yaml',
      `flow: customers
source: { connection: crm, object: Account }
target: { connection: erp, object: customer, externalId: externalId }
fields:
  companyName: { from: Name }
  memo: { expr: "'CRM ' &" }
  parent: { from: ParentId, ref: accounts }
`,
    )
    write(
      'mappings/customer-names.yaml',
      `flow: customer-names
source: { connection: erp, object: customer }
target: { connection: crm, object: Account, updateThrough: customers }
fields:
  Name: { from: companyName }
`,
    )
    expect(problems(() => load())).toEqual([
      'mappings/customers.yaml:6:17 fields.memo.expr: JSONata syntax error: Unexpected end of expression at character 8 (S0207)',
      "mappings/customers.yaml:7:34 fields.parent.ref: no flow 'accounts' to resolve the reference through (flows: customer-names, customers)",
      'mappings/customer-names.yaml:5:9 fields.Name: ping-pong: this flow copies customer.companyName to Account.Name and flow customers copies it back; a field is owned by one direction',
      'mappings/customers.yaml:5:16 fields.companyName: ping-pong: this flow copies Account.Name to customer.companyName and flow customer-names copies it back; a field is owned by one direction',
    ])
  })
})
