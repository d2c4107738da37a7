import { randomBytes } from 'node:crypto'
import { Connection as JsforceConnection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../src/connectors/netsuite/sandbox/server.ts'
import { type SalesforceSandbox, startSalesforceSandbox } from '../../src/connectors/salesforce/sandbox/server.ts'
import { buildChangeEventRequest } from '../../src/connectors/salesforce/webhook.ts'
import { type ServiceProcess, startTandem } from '../helpers/service-process.ts'
import { createTandemHome, type TandemHome } from '../helpers/tandem-home.ts'
import { waitFor } from '../helpers/wait-for.ts'

/**
 * The ERP's User Event posts end to end: an edit made by a person in the ERP is posted, signed, to Tandem
 * and syncs to the CRM; the customer Tandem itself writes through REST is not posted back (no echo).
 */
describe('User Event posts from the ERP', () => {
  let crm: SalesforceSandbox
  let erp: NetSuiteSandbox
  let home: TandemHome
  let service: ServiceProcess
  let sf: JsforceConnection

  beforeAll(async () => {
    crm = await startSalesforceSandbox({})
    erp = await startNetSuiteSandbox({})
    // Polls are slowed to an hour: only posts can bring changes over.
    home = createTandemHome({ crm, erp, flows: ['customers', 'customer-balance'], pollEvery: '1h' })
    service = await startTandem(['serve'], {
      ...home.env,
      PORT: '0',
      TANDEM_ADMIN_TOKEN: `e2e-${randomBytes(16).toString('hex')}`,
    })
    erp.notifications.settings.url = `${service.url}/webhooks/erp`
    const c = crm.credentials
    sf = new JsforceConnection({ oauth2: { loginUrl: crm.url, clientId: c.clientId, clientSecret: c.clientSecret } })
    await sf.login(c.username!, c.password!)
  })
  afterAll(async () => {
    await service?.kill()
    await crm?.close()
    await erp?.close()
    home?.dir.remove()
  })

  it('syncs a person’s edit in the ERP, and does not echo the customer Tandem wrote', async () => {
    const accountId = ((await sf.sobject('Account').create({ Name: 'Echo Free Trading Co' })) as { id: string }).id
    const { body, headers } = await buildChangeEventRequest(crm.credentials.webhookSecret!, [
      { object: 'Account', recordIds: [accountId], changeType: 'CREATE', transactionKey: `echo-${accountId}` },
    ])
    expect((await fetch(`${service.url}/webhooks/crm`, { method: 'POST', headers, body })).status).toBe(202)
    const customer = await waitFor(() => erp.customers().find((c) => c.externalId === accountId), {
      what: 'the customer',
    })
    await erp.notifications.idle()
    // Tandem's own REST write was filtered by the script's execution-context check: nothing was posted.
    expect(erp.notifications.stats().sent.filter((e) => e.id === customer.id)).toEqual([])
    expect(erp.notifications.stats().skipped).toBeGreaterThan(0)

    // A person changes the customer's terms in the ERP: the post brings it to the Account.
    erp.records.update('customer', customer.id, { terms: { id: '2' } })
    await waitFor(
      async () => {
        const [a] = (
          await sf.query<{ ERP_Payment_Terms__c: string | null }>(
            `SELECT ERP_Payment_Terms__c FROM Account WHERE Id = '${accountId}'`,
          )
        ).records
        return a?.ERP_Payment_Terms__c === 'Net 30'
      },
      { what: 'the terms on the Account' },
    )
    const sent = erp.notifications.stats().sent.filter((e) => e.id === customer.id)
    expect(sent.map((e) => [e.type, e.executionContext])).toEqual([['edit', 'USERINTERFACE']])
  })
})
