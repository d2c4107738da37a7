import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { Connection as JsforceConnection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../src/connectors/netsuite/sandbox/server.ts'
import { type SalesforceSandbox, startSalesforceSandbox } from '../../src/connectors/salesforce/sandbox/server.ts'
import { roundHalfAway } from '../../src/mapping/transforms/number.ts'
import { type ServiceProcess, startTandem } from '../helpers/service-process.ts'
import { createTandemHome, type TandemHome } from '../helpers/tandem-home.ts'
import { waitFor } from '../helpers/wait-for.ts'

type Row = Record<string, unknown> & { Id: string }

const repoRoot = new URL('../../', import.meta.url).pathname

/**
 * The five shipped flows together, on seeded sandboxes, the service as a process: the ERP's items reach the
 * CRM's catalogue and standard price book; a won opportunity for a customer the ERP has never seen becomes
 * exactly one customer and one sales order with its three lines and its sales rep; billing and paying it in
 * the ERP shows in the CRM's Invoice__c and on the Account, which carries its ERP id and "Synced".
 */
describe('the five flows, end to end', () => {
  let crm: SalesforceSandbox
  let erp: NetSuiteSandbox
  let home: TandemHome
  let service: ServiceProcess
  let sf: JsforceConnection
  const query = async (soql: string) => (await sf.query<Row>(soql)).records

  beforeAll(async () => {
    // The org's own custom fields (the PricebookEntry key) come from the shipped schema file, as in production.
    crm = await startSalesforceSandbox({ seed: true, schemaFile: join(repoRoot, 'connectors/crm.schema.json') })
    erp = await startNetSuiteSandbox({ seed: true })
    home = createTandemHome({
      crm,
      erp,
      flows: ['customers', 'customer-balance', 'products', 'product-prices', 'orders', 'invoices'],
    })
    service = await startTandem(['serve'], {
      ...home.env,
      PORT: '0',
      TANDEM_ADMIN_TOKEN: `e2e-${randomBytes(16).toString('hex')}`,
      TANDEM_RETRY_BASE_MS: '100',
      TANDEM_RETRY_MAX_MS: '1000',
    })
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

  let accountId: string
  let opportunityId: string
  let customerId: string
  let orderId: string
  let invoiceId: string
  let total: number

  it('brings the ERP’s items into the CRM catalogue and its standard price book', async () => {
    const items = erp.records.list('inventoryItem')
    expect(items.length).toBeGreaterThan(2)
    const products = await waitFor(
      async () => {
        const rows = await query(
          'SELECT Id, Name, ProductCode, ERP_Item_Id__c FROM Product2 WHERE ERP_Item_Id__c != null',
        )
        return rows.length >= items.length ? rows : undefined
      },
      { timeoutMs: 60_000, what: 'Product2 for every ERP item' },
    )
    const robusta = items.find((i) => i.itemId === 'CF-ROBUSTA-1KG')!
    expect(products.find((p) => p.ERP_Item_Id__c === robusta.id)).toMatchObject({
      ProductCode: 'CF-ROBUSTA-1KG',
      Name: 'Cà phê Robusta 1 kg',
    })
    await waitFor(
      async () => {
        const entries = await query('SELECT Id FROM PricebookEntry WHERE ERP_Price_Key__c != null')
        return entries.length >= items.length
      },
      { timeoutMs: 60_000, what: 'standard price book entries' },
    )
    const [entry] = await query(
      `SELECT UnitPrice, Pricebook2.IsStandard FROM PricebookEntry WHERE ERP_Price_Key__c = '${robusta.id}'`,
    )
    expect(entry).toMatchObject({ UnitPrice: 12.5, Pricebook2: { IsStandard: true } })
  })

  it('turns a won opportunity for a new customer into one customer and one sales order with its lines and rep', async () => {
    const [rep] = await query("SELECT Id FROM User WHERE Email = 'anh.tran@tandem.example.vn'")
    const [book] = await query('SELECT Id FROM Pricebook2 WHERE IsStandard = true')
    const entries = await query(
      "SELECT Id, UnitPrice, Product2Id, Product2.ERP_Item_Id__c FROM PricebookEntry WHERE ERP_Price_Key__c != null AND Product2.ProductCode IN ('CF-ROBUSTA-1KG', 'TILE-60X60', 'WIDGET-BLUE')",
    )
    expect(entries).toHaveLength(3)
    accountId = (
      (await sf.sobject('Account').create({ Name: 'Công ty TNHH Năm Luồng', Phone: '028 3822 5555' })) as { id: string }
    ).id
    opportunityId = (
      (await sf.sobject('Opportunity').create({
        Name: 'Năm Luồng — đơn đầu tiên',
        AccountId: accountId,
        StageName: 'Prospecting',
        CloseDate: '2026-11-20',
        Pricebook2Id: book!.Id,
        OwnerId: rep!.Id,
      })) as { id: string }
    ).id
    for (const [i, e] of entries.entries()) {
      await sf.sobject('OpportunityLineItem').create({
        OpportunityId: opportunityId,
        PricebookEntryId: e.Id,
        Quantity: i + 1,
        UnitPrice: e.UnitPrice,
        ...(i === 2 ? { Discount: 10 } : {}),
      })
    }
    // Not won yet: no order.
    await sf.sobject('Opportunity').update({ Id: opportunityId, StageName: 'Closed Won' })

    const order = await waitFor(() => erp.records.list('salesOrder').find((o) => o.externalId === opportunityId), {
      timeoutMs: 60_000,
      what: 'the sales order',
    })
    const customers = erp.customers().filter((c) => c.externalId === accountId)
    expect(customers).toHaveLength(1)
    customerId = customers[0]!.id
    orderId = order.id
    expect(erp.records.list('salesOrder').filter((o) => o.externalId === opportunityId)).toHaveLength(1)
    expect(order).toMatchObject({ entity: customerId, salesRep: '3', tranDate: '2026-11-20' })
    const expected = entries.map((e, i) => ({
      item: (e.Product2 as { ERP_Item_Id__c: string }).ERP_Item_Id__c,
      quantity: i + 1,
      // Rounded the way the mapping rounds money: half away from zero on the decimal digits (17.955 → 17.96).
      rate: i === 2 ? roundHalfAway((e.UnitPrice as number) * (1 - 10 / 100), 2) : e.UnitPrice,
    }))
    type Order = { item: { items: Record<string, unknown>[] }; total: number }
    const linesOf = (o: Order) =>
      o.item.items.map((l) => ({ item: (l.item as { id: string }).id, quantity: l.quantity, rate: l.rate }))
    const full = await waitFor(
      () => {
        const o = erp.records.get('salesOrder', orderId) as Order
        return JSON.stringify(linesOf(o)) === JSON.stringify(expected) ? o : undefined
      },
      { what: `the order's lines to be ${JSON.stringify(expected)}` },
    )
    expect(linesOf(full)).toEqual(expected)
    total = full.total
  })

  it('shows the ERP id and the sync status on the Account', async () => {
    const account = await waitFor(
      async () => {
        const [a] = await query(
          `SELECT ERP_Customer_Id__c, Tandem_Sync_Status__c FROM Account WHERE Id = '${accountId}'`,
        )
        return a?.Tandem_Sync_Status__c === 'Synced' ? a : undefined
      },
      { what: 'the write-back on the Account' },
    )
    expect(account.ERP_Customer_Id__c).toBe(customerId)
  })

  it('shows the invoice, and its payment, in the CRM and on the Account', async () => {
    invoiceId = erp.records.transform(orderId)
    const invoice = await waitFor(
      async () => {
        const [i] = await query(
          `SELECT Account__c, Opportunity__c, Status__c, Amount__c, Amount_Remaining__c FROM Invoice__c WHERE ERP_Invoice_Id__c = '${invoiceId}'`,
        )
        return i
      },
      { timeoutMs: 60_000, what: 'the Invoice__c' },
    )
    expect(invoice).toMatchObject({
      Account__c: accountId,
      Opportunity__c: opportunityId,
      Status__c: 'Open',
      Amount__c: total,
      Amount_Remaining__c: total,
    })
    await waitFor(
      async () => {
        const [a] = await query(`SELECT ERP_Balance__c FROM Account WHERE Id = '${accountId}'`)
        return a?.ERP_Balance__c === total
      },
      { timeoutMs: 60_000, what: 'the balance on the Account' },
    )

    erp.records.create('customerPayment', {
      customer: { id: customerId },
      payment: total,
      apply: { items: [{ doc: { id: invoiceId }, apply: true, amount: total }] },
    })
    await waitFor(
      async () => {
        const [i] = await query(
          `SELECT Status__c, Amount_Remaining__c FROM Invoice__c WHERE ERP_Invoice_Id__c = '${invoiceId}'`,
        )
        return i?.Status__c === 'Paid' && i.Amount_Remaining__c === 0
      },
      { timeoutMs: 60_000, what: 'the invoice paid in the CRM' },
    )
    await waitFor(
      async () => {
        const [a] = await query(`SELECT ERP_Balance__c FROM Account WHERE Id = '${accountId}'`)
        return a?.ERP_Balance__c === 0
      },
      { timeoutMs: 60_000, what: 'the balance back to zero' },
    )
  })
})
