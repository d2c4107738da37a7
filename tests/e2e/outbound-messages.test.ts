import { appendFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { Connection as JsforceConnection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../src/connectors/netsuite/sandbox/server.ts'
import { type SalesforceSandbox, startSalesforceSandbox } from '../../src/connectors/salesforce/sandbox/server.ts'
import { type ServiceProcess, startTandem } from '../helpers/service-process.ts'
import { createTandemHome, type TandemHome } from '../helpers/tandem-home.ts'
import { waitFor } from '../helpers/wait-for.ts'

/** A free port, so the service can come back on the address the org keeps sending to. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/**
 * Salesforce Outbound Messages end to end: the org (sandbox) sends SOAP notifications to Tandem, which
 * acknowledges only once the events are in its inbox; a message sent while Tandem is down is redelivered by
 * the org until acknowledged, and the record syncs then.
 */
describe('Outbound Messages from the CRM', () => {
  let crm: SalesforceSandbox
  let erp: NetSuiteSandbox
  let home: TandemHome
  let service: ServiceProcess | undefined
  let sf: JsforceConnection
  let env: Record<string, string>
  let url: string

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${crm.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${sf.accessToken}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    })
    expect(res.ok, `${method} ${path}: ${res.status}`).toBe(true)
    return res.status === 204
      ? undefined
      : ((await res.json()) as {
          outboundMessages: Record<string, { pending: number; delivered: number; failedAttempts: number }>
        })
  }
  const customerFor = (accountId: string) => erp.customers().find((c) => c.externalId === accountId)

  beforeAll(async () => {
    crm = await startSalesforceSandbox({})
    erp = await startNetSuiteSandbox({})
    // Polling is slowed to an hour so that only the Outbound Message can bring the record over.
    home = createTandemHome({
      crm,
      erp,
      flows: ['customers'],
      pollEvery: '1h',
      edit: { customers: (yaml) => yaml.replace(/\nlink:[\s\S]*$/, '\n') },
    })
    appendFileSync(
      join(home.dir.path, 'connectors/crm.yaml'),
      `outboundMessages:\n  organizationId: "${crm.credentials.organizationId}"\n`,
    )
    const port = await freePort()
    url = `http://127.0.0.1:${port}`
    env = { ...home.env, PORT: String(port), TANDEM_SWEEP_EVERY_MS: '200', TANDEM_SWEEP_GRACE_MS: '1000' }
    service = await startTandem(['serve'], env)
    const c = crm.credentials
    sf = new JsforceConnection({ oauth2: { loginUrl: crm.url, clientId: c.clientId, clientSecret: c.clientSecret } })
    await sf.login(c.username!, c.password!)
    await admin('PUT', '/__sandbox/notifications', {
      url: `${url}/webhooks/crm`,
      changeEvents: false,
      outboundMessages: [{ object: 'Account', fields: ['Name'] }],
      retry: { initialMs: 100, maxMs: 400, giveUpMs: 120_000 },
    })
  })

  afterAll(async () => {
    await service?.kill()
    await crm?.close()
    await erp?.close()
    home?.dir.remove()
  })

  it('syncs a record announced by an Outbound Message, which Tandem acknowledges', async () => {
    const created = await sf.sobject('Account').create({ Name: 'Công ty TNHH Outbound Một' })
    const id = (created as { id: string }).id
    const customer = await waitFor(() => customerFor(id), { what: 'the ERP customer' })
    expect(customer.companyName).toBe('Công ty TNHH Outbound Một')
    const stats = await waitFor(async () => {
      const s = (await admin('GET', '/__sandbox/notifications'))!.outboundMessages.Account
      return s && s.delivered >= 1 && s.pending === 0 ? s : undefined
    })
    expect(stats.failedAttempts).toBe(0)
  })

  it('gets a message sent while Tandem was down redelivered, and syncs it once Tandem is back', async () => {
    await service!.kill()
    service = undefined
    const created = await sf.sobject('Account').create({ Name: 'Outbound While Down Ltd' })
    const id = (created as { id: string }).id
    // The org tries, is not acknowledged, and keeps the message.
    await waitFor(
      async () =>
        ((await admin('GET', '/__sandbox/notifications'))!.outboundMessages.Account?.failedAttempts ?? 0) >= 1,
    )
    expect(customerFor(id)).toBeUndefined()

    service = await startTandem(['serve'], env)
    const customer = await waitFor(() => customerFor(id), { what: 'the redelivered record in the ERP' })
    expect(customer.companyName).toBe('Outbound While Down Ltd')
    await waitFor(async () => (await admin('GET', '/__sandbox/notifications'))!.outboundMessages.Account?.pending === 0)
  })
})
