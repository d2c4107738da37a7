import { randomBytes } from 'node:crypto'
import { Connection as JsforceConnection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../src/connectors/netsuite/sandbox/server.ts'
import { buildNetSuiteWebhook } from '../../src/connectors/netsuite/webhook.ts'
import { type SalesforceSandbox, startSalesforceSandbox } from '../../src/connectors/salesforce/sandbox/server.ts'
import { buildChangeEventRequest } from '../../src/connectors/salesforce/webhook.ts'
import {
  createPostgresSchema,
  dropRedisPrefix,
  type TestDatabase,
  testRedisUrl,
  uniqueName,
} from '../helpers/databases.ts'
import { findLeaks } from '../helpers/secret-leaks.ts'
import { type ServiceProcess, startTandem } from '../helpers/service-process.ts'
import { createTandemHome, type TandemHome } from '../helpers/tandem-home.ts'
import { waitFor } from '../helpers/wait-for.ts'

/**
 * No secret in any log line or API answer (issue 7/9). The service runs in scale mode with every secret it
 * can be given set to a distinctive value: both connections' credentials, both webhook secrets, the admin
 * and edge tokens, and passwords in the database and Redis URLs. Traffic covers the paths where secrets
 * are handled and errors are reported: signed and badly signed webhooks, an expired CRM session, the ERP
 * refusing the service's signature, dead letters, every admin API route, /metrics, the dashboard. Then
 * all it logged (stdout and stderr, at trace level) and every answer it gave are searched for each secret,
 * plain and encoded.
 */

const canary = (label: string) => `${label}-${randomBytes(18).toString('base64url')}`
const hexCanary = () => randomBytes(32).toString('hex')

const secrets = {
  SALESFORCE_CLIENT_SECRET: canary('sfcs'),
  SALESFORCE_PASSWORD: canary('sfpw'),
  CRM_WEBHOOK_SECRET: canary('crmwh'),
  // NetSuite shows TBA keys and secrets as 64 hex characters; the token id and consumer key are half a login.
  NETSUITE_CONSUMER_KEY: hexCanary(),
  NETSUITE_CONSUMER_SECRET: hexCanary(),
  NETSUITE_TOKEN_ID: hexCanary(),
  NETSUITE_TOKEN_SECRET: hexCanary(),
  ERP_WEBHOOK_SECRET: canary('erpwh'),
  TANDEM_ADMIN_TOKEN: canary('admin-token'),
  TANDEM_EDGE_SECRET: canary('edge-secret-0123456789'),
  DATABASE_PASSWORD: canary('pgpw'),
  REDIS_PASSWORD: canary('redispw'),
}

describe('secrets stay out of logs and API answers', () => {
  let crm: SalesforceSandbox
  let erp: NetSuiteSandbox
  let home: TandemHome
  let db: TestDatabase
  let prefix: string
  let service: ServiceProcess
  let sf: JsforceConnection
  /** Every answer the service gave this test: status line, headers and body. */
  const answers: string[] = []
  /** Tokens the API issued during the test: shown once in their create answer, never in a log. */
  const issued: Record<string, string> = {}
  const good: string[] = []
  let invalid: string

  /** Calls the service and keeps the whole answer for the scan. */
  async function call(path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
    const { token = secrets.TANDEM_ADMIN_TOKEN, ...rest } = init
    const headers = new Headers(rest.headers)
    if (token) headers.set('authorization', `Bearer ${token}`)
    if (typeof rest.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json')
    const res = await fetch(`${service.url}${path}`, { ...rest, headers, redirect: 'manual' })
    const body = await res.text()
    answers.push(`${rest.method ?? 'GET'} ${path} → ${res.status}\n${[...res.headers].join('\n')}\n\n${body}`)
    return new Response(res.status === 204 || res.status === 304 ? null : body, {
      status: res.status,
      headers: res.headers,
    })
  }
  const json = async <T>(path: string, init?: RequestInit & { token?: string | null }) =>
    (await (await call(path, init)).json()) as T
  const accountWebhook = (ids: string[], key: string, secret = secrets.CRM_WEBHOOK_SECRET, at?: number) =>
    buildChangeEventRequest(
      secret,
      [{ object: 'Account', recordIds: ids, changeType: 'UPDATE', transactionKey: key }],
      at ?? Date.now(),
    )
  const postWebhook = async (connection: string, signed: { body: string; headers: Record<string, string> }) =>
    call(`/webhooks/${connection}`, { method: 'POST', token: null, headers: signed.headers, body: signed.body })
  const erpCustomer = (id: string) => erp.customers().find((c) => c.externalId === id)
  const deadLetterOf = async (id: string) =>
    (
      await json<{ deadLetters: { id: number; sourceId: string; error: { code: string } }[] }>('/api/v1/dead-letters')
    ).deadLetters.find((d) => d.sourceId === id)

  beforeAll(async () => {
    crm = await startSalesforceSandbox({
      credentials: {
        clientSecret: secrets.SALESFORCE_CLIENT_SECRET,
        password: secrets.SALESFORCE_PASSWORD,
        webhookSecret: secrets.CRM_WEBHOOK_SECRET,
      },
    })
    erp = await startNetSuiteSandbox({
      credentials: {
        consumerKey: secrets.NETSUITE_CONSUMER_KEY,
        consumerSecret: secrets.NETSUITE_CONSUMER_SECRET,
        tokenId: secrets.NETSUITE_TOKEN_ID,
        tokenSecret: secrets.NETSUITE_TOKEN_SECRET,
        webhookSecret: secrets.ERP_WEBHOOK_SECRET,
      },
    })
    home = createTandemHome({
      crm,
      erp,
      flows: ['customers', 'customer-balance'],
      // A record the ERP refuses (no subsidiary) becomes a dead letter carrying the ERP's error.
      edit: {
        customers: (yaml) =>
          yaml.replace(
            'subsidiary: { value: { id: "1" } }',
            `subsidiary: { expr: "Description = 'no subsidiary' ? null : { 'id': '1' }" }`,
          ),
      },
    })
    for (const [name, value] of Object.entries(secrets)) {
      if (name in home.env) expect(home.env[name], `${name} reaches the service`).toBe(value)
    }
    db = await createPostgresSchema()
    prefix = uniqueName('tandem-secrets')
    const databaseUrl = new URL(db.url)
    databaseUrl.password = secrets.DATABASE_PASSWORD
    const redisUrl = new URL(testRedisUrl)
    redisUrl.password = secrets.REDIS_PASSWORD
    service = await startTandem(['serve', '--workers'], {
      ...home.env,
      PORT: '0',
      LOG_LEVEL: 'trace',
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: redisUrl.toString(),
      TANDEM_QUEUE_PREFIX: prefix,
      TANDEM_ADMIN_TOKEN: secrets.TANDEM_ADMIN_TOKEN,
      TANDEM_EDGE_SECRET: secrets.TANDEM_EDGE_SECRET,
      TANDEM_JOB_ATTEMPTS: '2',
      TANDEM_RETRY_BASE_MS: '20',
      TANDEM_RETRY_MAX_MS: '100',
      TANDEM_SWEEP_EVERY_MS: '200',
      TANDEM_SWEEP_GRACE_MS: '1000',
    })
    const c = crm.credentials
    sf = new JsforceConnection({ oauth2: { loginUrl: crm.url, clientId: c.clientId, clientSecret: c.clientSecret } })
    await sf.login(c.username!, c.password!)
    const created = await sf
      .sobject('Account')
      .create([
        { Name: 'Công ty Bảo Mật' },
        { Name: 'Quiet Keys Ltd' },
        { Name: 'Sealed Vault GmbH' },
        { Name: 'No Subsidiary Co', Description: 'no subsidiary' },
      ])
    good.push(...created.slice(0, 3).map((r) => r.id!))
    invalid = created[3]!.id!
  })

  afterAll(async () => {
    await service?.kill()
    await crm?.close()
    await erp?.close()
    await db?.drop()
    await dropRedisPrefix(prefix)
    home?.dir.remove()
  })

  it('finds a secret hidden in encodings, so a clean scan means something', () => {
    const secret = secrets.SALESFORCE_PASSWORD
    const basic = `Authorization: Basic ${Buffer.from(`integration@tandem.example:${secret}`).toString('base64')}`
    const form = `grant_type=password&password=${encodeURIComponent(`${secret} +&`)}`
    const found = findLeaks({ secret }, { basic, form }).map((l) => `${l.where}:${l.form}`)
    expect(found).toContain('form:url-encoded')
    expect(found.filter((f) => f.startsWith('basic:base64'))).not.toEqual([])
    // Whatever the secret's offset inside the encoded text.
    for (const lead of ['', 'a', 'ab']) {
      const wrapped = Buffer.from(`${lead}${secret}!`).toString('base64url')
      expect(findLeaks({ secret }, { wrapped }), lead).not.toEqual([])
    }
    expect(findLeaks({ secret }, { clean: 'nothing to see here' })).toEqual([])
  })

  it('runs on with a CRM login refused, and reports it without the password it tried', async () => {
    const wrongPassword = canary('wrong-sfpw')
    const embedded = await startTandem(['serve'], {
      ...home.env,
      PORT: '0',
      LOG_LEVEL: 'trace',
      SALESFORCE_PASSWORD: wrongPassword,
      TANDEM_ADMIN_TOKEN: secrets.TANDEM_ADMIN_TOKEN,
      TANDEM_EDGE_SECRET: secrets.TANDEM_EDGE_SECRET,
      TANDEM_HOME: `${home.dir.path}/.tandem-refused`,
    })
    try {
      await waitFor(() => embedded.output().includes('Salesforce login refused'), { what: 'the refused login' })
      const headers = { authorization: `Bearer ${secrets.TANDEM_ADMIN_TOKEN}`, 'content-type': 'application/json' }
      const preview = await fetch(`${embedded.url}/api/v1/flows/customers/preview`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ sourceId: good[0] }),
      })
      const previewText = await preview.text()
      expect(previewText).toContain('Salesforce login refused')
      const connections = await (await fetch(`${embedded.url}/api/v1/connections`, { headers })).text()
      await embedded.kill()
      const output = embedded.output()
      expect(
        findLeaks({ ...secrets, SALESFORCE_PASSWORD: wrongPassword }, { output, previewText, connections }),
      ).toEqual([])
      // The admin token an embedded start prints is for the person at the terminal, never for the log.
      const startupToken = /admin token \(shown once\): (\S+)/.exec(output)![1]!
      const logs = output.split('\n').filter((l) => l.startsWith('{'))
      expect(findLeaks({ startupToken }, { logs: logs.join('\n') })).toEqual([])
    } finally {
      await embedded.kill()
    }
  })

  it('syncs, refuses, fails and reports without showing any secret', async () => {
    // Normal traffic, and a record the ERP refuses.
    expect((await postWebhook('crm', await accountWebhook([...good, invalid], 'first'))).status).toBe(202)
    await waitFor(() => good.every(erpCustomer), { what: 'the valid accounts in the ERP' })
    await waitFor(() => deadLetterOf(invalid), { what: 'the refused account as a dead letter' })

    // Webhooks that must be refused: wrong secret, stale, unsigned, malformed, unknown connection, and the
    // same for the ERP's webhooks and the edge ingress.
    const wrong = await accountWebhook(good, 'wrong', canary('not-the-secret'))
    expect((await postWebhook('crm', wrong)).status).toBe(401)
    const stale = await accountWebhook(good, 'stale', secrets.CRM_WEBHOOK_SECRET, Date.now() - 3_600_000)
    expect((await postWebhook('crm', stale)).status).toBe(401)
    expect((await postWebhook('crm', { body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401)
    const malformed = await buildChangeEventRequest(secrets.CRM_WEBHOOK_SECRET, [])
    expect(
      (await postWebhook('crm', { headers: malformed.headers, body: malformed.body.replace('"events"', '"evnts"') }))
        .status,
    ).toBe(401)
    expect((await postWebhook('nowhere', await accountWebhook(good, 'x'))).status).toBe(404)
    const erpEvent = {
      recordType: 'customer',
      id: '1',
      type: 'edit' as const,
      eventId: 'customer:1:1',
      occurredAt: new Date().toISOString(),
      executionContext: 'USERINTERFACE',
    }
    const badErp = await buildNetSuiteWebhook(canary('not-the-erp-secret'), [erpEvent])
    expect((await postWebhook('erp', badErp)).status).toBe(401)
    const garbled = await buildNetSuiteWebhook(secrets.ERP_WEBHOOK_SECRET, [{ ...erpEvent, type: 'explode' as 'edit' }])
    expect((await postWebhook('erp', garbled)).status).toBe(400)
    const edge = await call('/ingest/edge', { method: 'POST', token: null, ...(await accountWebhook(good, 'edge')) })
    expect(edge.status).toBe(401)

    // The CRM session expires: the connector logs in again with its password and client secret.
    crm.expireSessions()
    await sf.sobject('Account').update({ Id: good[0]!, Name: 'Công ty Bảo Mật (renamed)' })
    await postWebhook('crm', await accountWebhook([good[0]!], 'after-expiry'))
    await waitFor(() => erpCustomer(good[0]!)?.companyName === 'Công ty Bảo Mật (renamed)', {
      what: 'the sync after the CRM session expired',
    })

    // The ERP stops accepting the service's token (a revoked or rotated TBA token): its calls fail with
    // NetSuite's INVALID_LOGIN and the record becomes a dead letter; then the token is good again.
    const tokenSecret = erp.credentials.tokenSecret
    erp.credentials.tokenSecret = hexCanary()
    await sf.sobject('Account').update({ Id: good[1]!, Name: 'Quiet Keys Ltd (renamed)' })
    await postWebhook('crm', await accountWebhook([good[1]!], 'while-refused'))
    const refused = await waitFor(() => deadLetterOf(good[1]!), { what: 'the ERP login failure as a dead letter' })
    erp.credentials.tokenSecret = tokenSecret

    // Every admin API route, found in the OpenAPI document, with real ids where there are some.
    const reconcile = await json<{ run: { id: number } }>('/api/v1/flows/customers/reconcile', {
      method: 'POST',
      body: '{}',
    })
    await waitFor(
      async () =>
        (await json<{ run: { status: string } }>(`/api/v1/reconciliations/${reconcile.run.id}`)).run.status !==
        'running',
      { what: 'the reconciliation to finish' },
    )
    const issue = async (name: string, role: string) => {
      const t = await json<{ id: number; token: string }>('/api/v1/tokens', {
        method: 'POST',
        body: JSON.stringify({ name, role }),
      })
      issued[name] = t.token
      return t.id
    }
    await issue('scan-viewer', 'viewer')
    // Path parameters by the collection they name, else by name; one token is there to be revoked.
    const real: Record<string, string> = {
      flow: 'customers',
      'link-reviews/sourceId': good[2]!,
      'dead-letters/id': String(refused.id),
      'reconciliations/id': String(reconcile.run.id),
      'records/id': good[1]!,
      'tokens/id': String(await issue('scan-revoked', 'viewer')),
    }
    const doc = await json<{ paths: Record<string, Record<string, unknown>> }>('/api/openapi.json', { token: null })
    const bodies: Record<string, string> = {
      'POST /flows/{flow}/preview': JSON.stringify({ sourceId: good[2] }),
      'POST /dead-letters/replay': JSON.stringify({ ids: [refused.id] }),
      'POST /dead-letters/discard': JSON.stringify({ ids: [987654] }),
      'POST /tokens': JSON.stringify({ name: 'scan-operator', role: 'operator' }),
    }
    const order = (m: string) => ['get', 'post', 'put', 'patch', 'delete'].indexOf(m)
    const operations = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ path, method })))
      .filter((op) => order(op.method) >= 0)
      .sort((a, b) => order(a.method) - order(b.method))
    expect(operations.length).toBeGreaterThanOrEqual(15)
    for (const { path, method } of operations) {
      const filled = path.replaceAll(
        /\/([^/]+)\/\{(\w+)\}/g,
        (_, collection: string, name: string) =>
          `/${collection}/${encodeURIComponent(real[`${collection}/${name}`] ?? real[name] ?? 'x')}`,
      )
      const body = bodies[`${method.toUpperCase()} ${path}`] ?? (method === 'get' ? undefined : '{}')
      const res = await call(`/api/v1${filled}`, { method: method.toUpperCase(), ...(body ? { body } : {}) })
      expect(res.status, `${method} ${filled}`).toBeLessThan(500)
      if (method === 'post' && path === '/tokens') issued.operator = ((await res.json()) as { token: string }).token
    }
    // The sweep paused and resumed the flow in the document's order; make sure it runs.
    await call('/api/v1/flows/customers/resume', { method: 'POST' })
    // The replay above runs now that the ERP takes the token again.
    await waitFor(() => erpCustomer(good[1]!)?.companyName === 'Quiet Keys Ltd (renamed)', {
      what: 'the replayed dead letter to sync',
    })
    for (const state of ['open', 'resolved', 'discarded']) await call(`/api/v1/dead-letters?state=${state}`)

    // The operator's other windows: metrics, health, docs, the dashboard signed in with an issued token.
    for (const path of ['/metrics', '/healthz', '/readyz', '/api/docs', '/dashboard/app.js', '/', '/nowhere']) {
      await call(path, { token: null })
    }
    const login = await call('/login', {
      method: 'POST',
      token: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: issued['scan-viewer']! }).toString(),
    })
    expect(login.status).toBe(303)
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    const page = await call('/?lang=vi', { token: null, headers: { cookie } })
    expect(page.status).toBe(200)
    const events = await fetch(`${service.url}/dashboard/events`, { headers: { cookie } })
    const reader = events.body!.getReader()
    let snapshot = ''
    const reading = (async () => {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        snapshot += new TextDecoder().decode(chunk.value)
      }
    })()
    // The first snapshot, or the warning that it could not be taken (that line is searched too).
    await waitFor(() => snapshot.includes('\n\n') || service.output().includes('dashboard snapshot failed'), {
      what: 'a dashboard snapshot',
    })
    await reader.cancel()
    await reading
    answers.push(`GET /dashboard/events → ${events.status}\n\n${snapshot}`)
    await call('/login', {
      method: 'POST',
      token: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: secrets.TANDEM_ADMIN_TOKEN.slice(0, -1) }).toString(),
    })

    // Stop the service so every line it would write is written, then search everything.
    await service.kill('SIGTERM')
    const output = service.output()
    const logLines = output.split('\n').filter((l) => l.startsWith('{'))
    // The failures really happened and were reported, so their paths were searched too.
    expect(output).toContain('webhook rejected')
    expect(output).toContain('request refused')
    expect(answers.join('\n')).toContain('INVALID_LOGIN')

    const leaks = findLeaks(
      { ...secrets },
      { output, ...Object.fromEntries(answers.map((a, i) => [`answer ${a.split('\n')[0]} #${i}`, a])) },
    )
    expect(leaks).toEqual([])
    // A token the API issued is shown once, in the answer that created it, and never logged.
    expect(findLeaks(issued, { logs: logLines.join('\n') })).toEqual([])
    console.info(
      `scanned ${logLines.length} log lines and ${answers.length} answers (${output.length} bytes of output)`,
    )
  })
})
