import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Connection as JsforceConnection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { unstable_readConfig, unstable_startWorker } from 'wrangler'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../src/connectors/netsuite/sandbox/server.ts'
import { type SalesforceSandbox, startSalesforceSandbox } from '../../src/connectors/salesforce/sandbox/server.ts'
import { buildChangeEventRequest } from '../../src/connectors/salesforce/webhook.ts'
import { edgeSettingsSchema } from '../../src/edge/edge-settings.ts'
import { type EdgeDelivery, forwardedBatchPath, signForwardedBatch } from '../../src/lib/forwarded-batch.ts'
import { signWebhook } from '../../src/lib/webhook-signature.ts'
import { type ServiceProcess, startTandem } from '../helpers/service-process.ts'
import { createTandemHome, type TandemHome } from '../helpers/tandem-home.ts'
import { waitFor } from '../helpers/wait-for.ts'

/**
 * The edge ingress end to end: the Worker of wrangler.toml running in workerd (wrangler's local runtime,
 * its queue simulated by Miniflare), the core as a child process on loopback, both sandboxes over HTTP.
 * Polling is switched off, so webhooks through the edge are the only way a change can travel.
 *
 * Between the Worker and the core sits a transparent loopback relay. It lets the test see what the queue
 * consumer does while the core is stopped (its connection attempts, refused by the dead port) and lose one
 * answer of the core on purpose, which is how a real queue comes to redeliver a batch the core already has.
 */

const repoRoot = new URL('../../', import.meta.url).pathname
const adminToken = `e2e-admin-${randomBytes(16).toString('hex')}`
const edgeSecret = randomBytes(32).toString('hex')

interface Relay {
  url: string
  /** Where the core is now; a stopped core's old address refuses connections, as it would in production. */
  upstream: string
  /** Posts that reached no core: the connection failed, and the consumer saw a network error. */
  failed: number
  /** What the core answered, in order, including answers the relay then lost. */
  answers: { status: number; body: string }[]
  /** Forward the next post but drop the core's answer, closing the connection before replying. */
  loseNextAnswer(): void
  close(): Promise<void>
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

async function startRelay(upstream: string): Promise<Relay> {
  let lose = false
  const relay: Omit<Relay, 'url' | 'close'> = {
    upstream,
    failed: 0,
    answers: [],
    loseNextAnswer: () => {
      lose = true
    },
  }
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req)
    const headers: Record<string, string> = {}
    for (const name of ['content-type', 'x-tandem-timestamp', 'x-tandem-signature']) {
      const value = req.headers[name]
      if (typeof value === 'string') headers[name] = value
    }
    let answer: Response
    try {
      answer = await fetch(`${relay.upstream}${req.url}`, { method: req.method ?? 'POST', headers, body })
    } catch {
      relay.failed++
      res.socket?.destroy()
      return
    }
    const text = await answer.text()
    relay.answers.push({ status: answer.status, body: text })
    if (lose) {
      lose = false
      res.socket?.destroy()
      return
    }
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' }).end(text)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return Object.assign(relay, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  })
}

describe('edge ingress on workerd', () => {
  let crm: SalesforceSandbox
  let erp: NetSuiteSandbox
  let home: TandemHome
  let env: Record<string, string>
  let core: ServiceProcess | undefined
  let relay: Relay
  let edge: Awaited<ReturnType<typeof unstable_startWorker>>
  let edgeUrl: string
  let sf: JsforceConnection

  beforeAll(async () => {
    crm = await startSalesforceSandbox({})
    erp = await startNetSuiteSandbox({})
    const noPolling = (yaml: string) => yaml.replace(/\n\s*poll: \{[^}]*\}/, '')
    home = createTandemHome({
      crm,
      erp,
      flows: ['customers', 'customer-balance'],
      edit: { customers: noPolling, 'customer-balance': noPolling },
    })
    env = {
      ...home.env,
      PORT: '0',
      TANDEM_ADMIN_TOKEN: adminToken,
      TANDEM_EDGE_SECRET: edgeSecret,
      TANDEM_RETRY_BASE_MS: '50',
      TANDEM_RETRY_MAX_MS: '500',
    }
    core = await startTandem(['serve'], env)
    relay = await startRelay(core.url)
    edge = await unstable_startWorker({
      config: `${repoRoot}wrangler.toml`,
      bindings: {
        TANDEM_CORE_URL: { type: 'plain_text', value: relay.url },
        // Retry every second rather than backing off towards minutes, to keep the test short.
        FORWARD_RETRY_BASE_SECONDS: { type: 'plain_text', value: '1' },
        FORWARD_RETRY_MAX_SECONDS: { type: 'plain_text', value: '1' },
        TANDEM_EDGE_SECRET: { type: 'secret_text', value: edgeSecret },
        CRM_WEBHOOK_SECRET: { type: 'secret_text', value: crm.credentials.webhookSecret! },
        ERP_WEBHOOK_SECRET: { type: 'secret_text', value: erp.credentials.webhookSecret! },
      },
      dev: {
        server: { hostname: '127.0.0.1', port: 0 },
        inspector: false,
        persist: false,
        watch: false,
        logLevel: 'warn',
      },
      sendMetrics: false,
    })
    edgeUrl = (await edge.url).origin
    // The ERP's User Event script posts to the edge, as an integrator would point it.
    erp.notifications.settings.url = `${edgeUrl}/webhooks/erp`
    const c = crm.credentials
    sf = new JsforceConnection({ oauth2: { loginUrl: crm.url, clientId: c.clientId, clientSecret: c.clientSecret } })
    await sf.login(c.username!, c.password!)
  })

  afterAll(async () => {
    await edge?.dispose()
    await relay?.close()
    await core?.kill()
    await crm?.close()
    await erp?.close()
    home?.dir.remove()
  })

  const customersOf = (accountId: string) => erp.customers().filter((c) => c.externalId === accountId)
  const createAccount = async (name: string) =>
    ((await sf.sobject('Account').create({ Name: name })) as { id: string }).id

  async function postToEdge(accountIds: string[], transactionKey: string, override: Record<string, string> = {}) {
    const { body, headers } = await buildChangeEventRequest(crm.credentials.webhookSecret!, [
      { object: 'Account', recordIds: accountIds, changeType: 'CREATE', transactionKey },
    ])
    return fetch(`${edgeUrl}/webhooks/crm`, { method: 'POST', headers: { ...headers, ...override }, body })
  }

  async function pending(): Promise<number> {
    const res = await fetch(`${core!.url}/api/v1/flows`, { headers: { authorization: `Bearer ${adminToken}` } })
    const { flows } = (await res.json()) as { flows: { counts: { pending: number } }[] }
    return flows.reduce((n, f) => n + f.counts.pending, 0)
  }

  it('declares in every environment of wrangler.toml a queue with a dead letter queue, the secrets, valid vars', () => {
    const queues = new Set<string>()
    for (const env of [undefined, 'staging', 'production']) {
      const config = unstable_readConfig({ config: `${repoRoot}wrangler.toml`, env }, { hideWarnings: true })
      const settings = edgeSettingsSchema.parse(config.vars)
      expect(Object.keys(config.vars).sort()).toEqual([
        'FORWARD_RETRY_BASE_SECONDS',
        'FORWARD_RETRY_MAX_SECONDS',
        'TANDEM_CONNECTIONS',
        'TANDEM_CORE_URL',
      ])
      const [producer, ...others] = config.queues.producers
      expect(others).toEqual([])
      expect(producer?.binding).toBe('INGRESS')
      const consumer = config.queues.consumers?.find((c: { queue: string }) => c.queue === producer?.queue)
      expect(consumer?.max_retries).toBeGreaterThan(0)
      expect(consumer?.dead_letter_queue).toMatch(/-dlq$/)
      queues.add(producer!.queue)
      const named = Object.values(settings.TANDEM_CONNECTIONS).flatMap((c) => [
        ...(c.webhook ? Object.values(c.webhook) : []),
        ...(c.type === 'salesforce' && c.outboundMessages?.token ? [c.outboundMessages.token] : []),
      ])
      expect(config.secrets?.required).toEqual(expect.arrayContaining(['TANDEM_EDGE_SECRET', ...named]))
    }
    expect(queues.size).toBe(3)
  })

  it('syncs an Account to the ERP from a signed change event accepted at the edge', async () => {
    const id = await createAccount('Công ty Cổ phần Biên Giới')
    const res = await postToEdge([id], `edge-${id}`)
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ queued: 1 })
    const [customer] = await waitFor(() => (customersOf(id).length > 0 ? customersOf(id) : undefined), {
      what: 'the ERP customer',
    })
    expect(customer).toMatchObject({ companyName: 'Công ty Cổ phần Biên Giới' })
  })

  it('answers 401 at the edge to a bad or stale signature, 400 to a bad body, and forwards none of them', async () => {
    const refused = await createAccount('Forged Signature Ltd')
    const bad = await postToEdge([refused], `bad-${refused}`, { 'x-tandem-signature': `v1=${'0'.repeat(64)}` })
    expect(bad.status).toBe(401)
    expect(await bad.json()).toEqual({
      error: { code: 'WEBHOOK_UNAUTHORIZED', message: 'signature invalid or stale' },
    })
    const stale = await buildChangeEventRequest(
      crm.credentials.webhookSecret!,
      [{ object: 'Account', recordIds: [refused], changeType: 'CREATE', transactionKey: `stale-${refused}` }],
      Date.now() - 6 * 60_000,
    )
    const staleRes = await fetch(`${edgeUrl}/webhooks/crm`, { method: 'POST', ...stale })
    expect(staleRes.status).toBe(401)

    // Signed but not a change-event batch: the edge names the bad path, as the core does.
    const body = JSON.stringify({ events: [{ payload: { ChangeEventHeader: { entityName: 'Account' } } }] })
    const invalid = await fetch(`${edgeUrl}/webhooks/crm`, {
      method: 'POST',
      headers: { ...(await signWebhook(crm.credentials.webhookSecret!, body)), 'content-type': 'application/json' },
      body,
    })
    expect(invalid.status).toBe(400)
    const invalidError = ((await invalid.json()) as { error: { code: string; message: string } }).error
    expect(invalidError.code).toBe('WEBHOOK_INVALID_BODY')
    expect(invalidError.message).toMatch(/^events\.0\.payload\.ChangeEventHeader\.recordIds: /)

    const elsewhere = await fetch(`${edgeUrl}/webhooks/nowhere`, { method: 'POST', body: '{}' })
    expect(elsewhere.status).toBe(404)
    expect(((await elsewhere.json()) as { error: { code: string } }).error.code).toBe('CONNECTION_UNKNOWN')

    // The good one was queued after the refused ones: once it has arrived, the refused would have too.
    const accepted = await createAccount('Rightly Signed Ltd')
    expect((await postToEdge([accepted], `good-${accepted}`)).status).toBe(202)
    await waitFor(() => customersOf(accepted).length === 1, { what: 'the rightly signed account' })
    expect(customersOf(refused)).toEqual([])
    expect(relay.answers.every((a) => a.status === 200)).toBe(true)
  })

  it('keeps accepting while the core is stopped, and delivers everything once it is back', async () => {
    const linked = await createAccount('Outage Survivor Trading')
    expect((await postToEdge([linked], `linked-${linked}`)).status).toBe(202)
    const customer = await waitFor(() => customersOf(linked)[0], { what: 'the linked customer' })
    await waitFor(async () => (await pending()) === 0, { what: 'nothing pending before the outage' })

    await core!.kill()
    core = undefined
    const ids = [await createAccount('Queued During Outage A'), await createAccount('Queued During Outage B')]
    for (const id of ids) expect((await postToEdge([id], `outage-${id}`)).status).toBe(202)
    // A person changes the customer's terms in the ERP: its User Event post goes to the edge too.
    erp.records.update('customer', customer.id, { terms: { id: '2' } })
    await erp.notifications.idle()
    expect(erp.notifications.stats().sent.filter((e) => e.id === customer.id)).toHaveLength(1)

    // The consumer tried, found no core, and tried again: the events are waiting in the queue.
    const failedBefore = relay.failed
    await waitFor(() => relay.failed >= failedBefore + 2, { what: 'the consumer to retry against the stopped core' })
    for (const id of ids) expect(customersOf(id)).toEqual([])

    core = await startTandem(['serve'], env)
    relay.upstream = core.url
    await waitFor(() => ids.every((id) => customersOf(id).length === 1), {
      timeoutMs: 30_000,
      what: 'the accounts queued during the outage',
    })
    await waitFor(
      async () => {
        const [a] = (
          await sf.query<{ ERP_Payment_Terms__c: string | null }>(
            `SELECT ERP_Payment_Terms__c FROM Account WHERE Id = '${linked}'`,
          )
        ).records
        return a?.ERP_Payment_Terms__c === 'Net 30'
      },
      { what: 'the ERP edit made during the outage to reach the Account' },
    )
  })

  it('creates no duplicate when the queue redelivers a batch the core already stored', async () => {
    await waitFor(async () => (await pending()) === 0, { what: 'a quiet queue' })
    const id = await createAccount('Delivered Twice Co')
    const answersBefore = relay.answers.length
    relay.loseNextAnswer()
    expect((await postToEdge([id], `twice-${id}`)).status).toBe(202)
    // The core stored the batch, its answer was lost, the consumer sent the batch again.
    const [first, second] = await waitFor(
      () => (relay.answers.length >= answersBefore + 2 ? relay.answers.slice(answersBefore) : undefined),
      { what: 'the redelivery' },
    )
    expect(JSON.parse(first!.body)).toEqual({ deliveries: 1, accepted: 1, duplicates: 0, ignored: 0 })
    expect(JSON.parse(second!.body)).toEqual({ deliveries: 1, accepted: 0, duplicates: 1, ignored: 0 })
    await waitFor(() => customersOf(id).length === 1, { what: 'the customer' })
    await waitFor(async () => (await pending()) === 0, { what: 'nothing pending' })
    expect(customersOf(id)).toHaveLength(1)
  })

  it('guards the core ingest endpoint: 401 without the edge secret, 400 naming the bad field', async () => {
    const url = `${core!.url}${forwardedBatchPath}`
    const delivery: EdgeDelivery = {
      connection: 'crm',
      events: [{ object: 'Account', recordId: '001000000000001AAA', changeType: 'create', eventId: 'x:1' }],
      receivedAt: new Date().toISOString(),
    }
    const forged = await signForwardedBatch('not-the-edge-secret-but-long-enough-to-look-real', {
      deliveries: [delivery],
    })
    const unauthorized = await fetch(url, { method: 'POST', ...forged })
    expect(unauthorized.status).toBe(401)
    const text = await unauthorized.text()
    expect(JSON.parse(text).error.code).toBe('EDGE_UNAUTHORIZED')
    expect(text).not.toContain(edgeSecret)
    expect(text).not.toContain('not-the-edge-secret')
    expect((await fetch(url, { method: 'POST', body: forged.body })).status).toBe(401)

    // Rightly signed, wrongly shaped: the answer names the field, and nothing is stored.
    const post = async (deliveries: EdgeDelivery[]) => {
      const signed = await signForwardedBatch(edgeSecret, { deliveries })
      const res = await fetch(url, { method: 'POST', ...signed })
      return { status: res.status, error: ((await res.json()) as { error: { code: string; message: string } }).error }
    }
    const emptyId = { ...delivery, events: [{ ...delivery.events[0]!, recordId: '' }] }
    expect(await post([emptyId])).toEqual({
      status: 400,
      error: expect.objectContaining({
        code: 'EDGE_BATCH_INVALID',
        message: expect.stringMatching(/^deliveries\[0\]\.events\[0\]\.recordId: /),
      }),
    })
    expect(await post([delivery, { ...delivery, connection: 'ledger' }])).toEqual({
      status: 400,
      error: expect.objectContaining({ message: "deliveries[1].connection: no connection named 'ledger'" }),
    })
    const accepted = await fetch(url, {
      method: 'POST',
      ...(await signForwardedBatch(edgeSecret, { deliveries: [delivery] })),
    })
    expect(await accepted.json()).toEqual({ deliveries: 1, accepted: 1, duplicates: 0, ignored: 0 })
  })
})
