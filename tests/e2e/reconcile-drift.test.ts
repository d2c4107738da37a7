import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { Connection as JsforceConnection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NetSuiteClient } from '../../src/connectors/netsuite/client.ts'
import { resolveBaseUrl } from '../../src/connectors/netsuite/config-schema.ts'
import { netsuite } from '../../src/connectors/netsuite/index.ts'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../src/connectors/netsuite/sandbox/server.ts'
import { type SalesforceSandbox, startSalesforceSandbox } from '../../src/connectors/salesforce/sandbox/server.ts'
import { type ServiceProcess, startTandem } from '../helpers/service-process.ts'
import { createTandemHome, type TandemHome } from '../helpers/tandem-home.ts'
import { waitFor } from '../helpers/wait-for.ts'

const repoRoot = new URL('../../', import.meta.url).pathname
const adminToken = `e2e-${randomBytes(16).toString('hex')}`

type Row = Record<string, unknown> & { Id: string }
interface Finding {
  kind: 'missing' | 'orphaned' | 'mismatched' | 'failed'
  sourceId: string | null
  targetId: string | null
  field: string | null
  expected: unknown
  actual: unknown
  detail: string | null
}
interface Summary {
  runId: number
  mode: 'full' | 'incremental'
  read: { source: number; target: number }
  counts: { matched: number; missing: number; orphaned: number; mismatched: number; failed: number }
  repaired: number
}

/**
 * Reconciliation end to end: customers and won deals with their lines are synced by the running service;
 * then the ERP is changed behind its back over its own REST API (a field edited, a customer deleted, a
 * customer added that no CRM Account explains, a line's quantity changed). Reconciliation, through the CLI
 * and the admin API, reports exactly that drift; `--repair` syncs the missing and mismatched records again
 * and leaves the orphan alone; once an operator removes the orphan, the next run finds nothing.
 */
describe('reconciliation finds injected drift exactly and repairs it', () => {
  let crm: SalesforceSandbox
  let erp: NetSuiteSandbox
  let home: TandemHome
  let service: ServiceProcess
  let sf: JsforceConnection
  let ns: NetSuiteClient
  const query = async (soql: string) => (await sf.query<Row>(soql)).records
  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${service.url}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', ...init.headers },
    })
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`)
    return res.json() as Promise<Record<string, unknown>>
  }

  /** `tandem reconcile <args>` as an operator runs it, beside the service; its JSON summary. */
  async function cli(args: string[]): Promise<Summary> {
    const child = spawn(process.execPath, ['src/main.ts', 'reconcile', ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...home.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString()
    })
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    if (code !== 0) throw new Error(`tandem reconcile ${args.join(' ')} exited ${code}:\n${err}`)
    // Progress goes to stderr; it names the phases the run went through.
    expect(err).toContain('comparing')
    return JSON.parse(out) as Summary
  }

  /** Starts a run through the admin API and waits for it to finish; its summary. */
  async function apiRun(flow: string, body: { repair?: boolean }): Promise<Summary> {
    const started = (await api(`/flows/${flow}/reconcile`, { method: 'POST', body: JSON.stringify(body) })) as {
      run: { id: number }
    }
    const run = await waitFor(
      async () => {
        const { run } = (await api(`/reconciliations/${started.run.id}`)) as {
          run: { state: string; summary: Summary; error: string | null }
        }
        if (run.state === 'failed') throw new Error(`reconciliation failed: ${run.error}`)
        return run.state === 'done' ? run : undefined
      },
      { what: `reconciliation ${started.run.id} of ${flow}` },
    )
    return { ...run.summary, runId: started.run.id }
  }

  async function findings(runId: number): Promise<Finding[]> {
    const body = (await api(`/reconciliations/${runId}/findings?limit=1000`)) as { findings: Finding[] }
    return body.findings.map(({ id: _id, ...f }: Finding & { id?: number }) => f)
  }

  const customerByExternalId = async (externalId: string) => {
    const res = await ns
      .request({ method: 'GET', path: `/record/v1/customer/eid:${externalId}` })
      .catch((err: { code?: string }) => {
        if (err.code === 'NS_NONEXISTENT_ID') return undefined
        throw err
      })
    return res?.body as Record<string, unknown> | undefined
  }
  const orderLines = async (orderId: string) => {
    const res = await ns.request({
      method: 'GET',
      path: `/record/v1/salesOrder/${orderId}`,
      query: { expandSubResources: 'true' },
    })
    return ((res.body as { item: { items: { line: number; quantity: number }[] } }).item.items ?? []).map((l) => ({
      line: l.line,
      quantity: l.quantity,
    }))
  }

  // The CRM's records and what became of them in the ERP.
  const accounts: Record<'ordered' | 'edited' | 'deleted' | 'untouched', string> = {
    ordered: '',
    edited: '',
    deleted: '',
    untouched: '',
  }
  const erpIds: Record<string, string> = {}
  let opportunityId: string
  let orderId: string
  let orphanId: string

  beforeAll(async () => {
    crm = await startSalesforceSandbox({ schemaFile: join(repoRoot, 'connectors/crm.schema.json') })
    erp = await startNetSuiteSandbox({})
    for (const [itemId, displayName, price] of [
      ['REC-COFFEE', 'Cà phê Arabica 500 g', 9.5],
      ['REC-TILE', 'Gạch men 30×30', 4.25],
    ] as const) {
      erp.records.create('inventoryItem', {
        itemId,
        displayName,
        externalId: `SEED-${itemId}`,
        price: { items: [{ priceLevel: { id: '1' }, currencyPage: { id: '1' }, quantity: 0, price }] },
      })
    }
    home = createTandemHome({ crm, erp, flows: ['customers', 'products', 'product-prices', 'orders'] })
    service = await startTandem(['serve'], {
      ...home.env,
      PORT: '0',
      TANDEM_ADMIN_TOKEN: adminToken,
      TANDEM_RETRY_BASE_MS: '100',
      TANDEM_RETRY_MAX_MS: '1000',
    })
    const c = crm.credentials
    sf = new JsforceConnection({ oauth2: { loginUrl: crm.url, clientId: c.clientId, clientSecret: c.clientSecret } })
    await sf.login(c.username!, c.password!)
    const config = netsuite.configSchema.parse(
      netsuite.sandboxConfig({ type: 'netsuite', accountId: '', auth: {} }, erp),
    )
    ns = new NetSuiteClient({
      accountId: config.accountId,
      baseUrl: resolveBaseUrl(config),
      auth: config.auth,
      maxConcurrent: 2,
    })
  })

  afterAll(async () => {
    await ns?.close()
    await service?.kill()
    await crm?.close()
    await erp?.close()
    home?.dir.remove()
  })

  it('syncs customers and a won deal with its lines first', async () => {
    const names = {
      ordered: 'Công ty TNHH Đối Soát',
      edited: 'Hanoi Ledger Supplies JSC',
      deleted: 'CTCP Vật liệu Sông Hồng',
      untouched: 'Lakeview Accounting LLC',
    }
    for (const [role, Name] of Object.entries(names) as [keyof typeof accounts, string][]) {
      const created = await sf
        .sobject('Account')
        .create({ Name, Phone: '028 3822 7000', Website: 'https://doisoat.vn' })
      accounts[role] = created.id!
    }
    const entries = await waitFor(
      async () => {
        const rows = await query(
          "SELECT Id, UnitPrice FROM PricebookEntry WHERE ERP_Price_Key__c != null AND Product2.ProductCode IN ('REC-COFFEE', 'REC-TILE') ORDER BY Product2.ProductCode",
        )
        return rows.length === 2 ? rows : undefined
      },
      { what: 'the ERP items in the CRM price book' },
    )
    const [book] = await query('SELECT Id FROM Pricebook2 WHERE IsStandard = true')
    opportunityId = (
      (await sf.sobject('Opportunity').create({
        Name: 'Đối Soát — đơn hàng quý 3',
        AccountId: accounts.ordered,
        StageName: 'Prospecting',
        CloseDate: '2026-09-30',
        Pricebook2Id: book!.Id,
      })) as { id: string }
    ).id
    for (const [i, e] of entries.entries()) {
      await sf
        .sobject('OpportunityLineItem')
        .create({ OpportunityId: opportunityId, PricebookEntryId: e.Id, Quantity: (i + 1) * 2, UnitPrice: e.UnitPrice })
    }
    await sf.sobject('Opportunity').update({ Id: opportunityId, StageName: 'Closed Won' })

    for (const [role, accountId] of Object.entries(accounts)) {
      const customer = await waitFor(() => customerByExternalId(accountId), { what: `the ${role} customer` })
      erpIds[role] = String(customer.id)
    }
    const order = await waitFor(
      async () => {
        const rows = erp.records.list('salesOrder').filter((o) => o.externalId === opportunityId)
        return rows.length === 1 && (await orderLines(String(rows[0]!.id))).length === 2 ? rows[0] : undefined
      },
      { timeoutMs: 30_000, what: 'the sales order with its two lines' },
    )
    orderId = String(order.id)
    expect(await orderLines(orderId)).toEqual([
      { line: 1, quantity: 2 },
      { line: 2, quantity: 4 },
    ])
  })

  it('reports no drift while both systems agree', async () => {
    const customers = await cli(['customers'])
    expect(customers.counts).toEqual({ matched: 4, missing: 0, orphaned: 0, mismatched: 0, failed: 0 })
    const orders = await apiRun('orders', {})
    expect(orders.counts).toEqual({ matched: 1, missing: 0, orphaned: 0, mismatched: 0, failed: 0 })
  })

  it('reports a changed field, a deleted customer, an extra customer and a changed line quantity, and nothing else', async () => {
    await ns.request({
      method: 'PATCH',
      path: `/record/v1/customer/${erpIds.edited}`,
      body: { companyName: 'Hanoi Ledger Supplies (renamed in ERP)' },
    })
    await ns.request({ method: 'DELETE', path: `/record/v1/customer/${erpIds.deleted}` })
    const created = await ns.request({
      method: 'POST',
      path: '/record/v1/customer',
      body: { companyName: 'Khách lẻ nhập tay', subsidiary: { id: '1' } },
    })
    orphanId = String(created.headers.location).split('/').at(-1)!
    await ns.request({
      method: 'PATCH',
      path: `/record/v1/salesOrder/${orderId}`,
      body: { item: { items: [{ line: 2, quantity: 40 }] } },
    })
    expect(await orderLines(orderId)).toEqual([
      { line: 1, quantity: 2 },
      { line: 2, quantity: 40 },
    ])

    const customers = await cli(['customers'])
    expect(customers.counts).toEqual({ matched: 2, missing: 1, orphaned: 1, mismatched: 1, failed: 0 })
    expect(sortFindings(await findings(customers.runId))).toEqual(
      sortFindings([
        {
          kind: 'mismatched',
          sourceId: accounts.edited,
          targetId: erpIds.edited!,
          field: 'companyName',
          expected: 'Hanoi Ledger Supplies JSC',
          actual: 'Hanoi Ledger Supplies (renamed in ERP)',
          detail: null,
        },
        {
          kind: 'missing',
          sourceId: accounts.deleted,
          targetId: null,
          field: null,
          expected: expect.objectContaining({ externalId: accounts.deleted, companyName: 'CTCP Vật liệu Sông Hồng' }),
          actual: null,
          detail: null,
        },
        {
          kind: 'orphaned',
          sourceId: null,
          targetId: orphanId,
          field: null,
          expected: null,
          actual: null,
          detail: 'no external id: not created by this flow',
        },
      ]),
    )

    const orders = await apiRun('orders', {})
    expect(orders.counts).toEqual({ matched: 0, missing: 0, orphaned: 0, mismatched: 1, failed: 0 })
    expect(await findings(orders.runId)).toEqual([
      {
        kind: 'mismatched',
        sourceId: opportunityId,
        targetId: orderId,
        field: 'item[1].quantity',
        expected: 4,
        actual: 40,
        detail: null,
      },
    ])
  })

  it('repairs the missing and mismatched records, leaves the orphan, and then finds no drift', async () => {
    const customers = await cli(['customers', '--repair'])
    expect(customers.repaired).toBe(2)
    const orders = await apiRun('orders', { repair: true })
    expect(orders.repaired).toBe(1)

    await waitFor(
      async () => (await customerByExternalId(accounts.deleted))?.companyName === 'CTCP Vật liệu Sông Hồng',
      { what: 'the deleted customer created again' },
    )
    await waitFor(
      async () => (await customerByExternalId(accounts.edited))?.companyName === 'Hanoi Ledger Supplies JSC',
      { what: 'the edited customer restored' },
    )
    // The sync writes the order's whole line list (`replace=item`), so the lines come back renumbered.
    await waitFor(async () => (await orderLines(orderId)).map((l) => l.quantity).join() === '2,4', {
      what: 'the line quantity restored',
    })
    // Orphans are only reported: Tandem never deletes what it did not create.
    const orphan = await ns.request({ method: 'GET', path: `/record/v1/customer/${orphanId}` })
    expect(orphan.status).toBe(200)

    const after = await apiRun('customers', {})
    expect(after.counts).toEqual({ matched: 4, missing: 0, orphaned: 1, mismatched: 0, failed: 0 })
    // The operator removes the stray customer after reading the report.
    await ns.request({ method: 'DELETE', path: `/record/v1/customer/${orphanId}` })

    const clean = await cli(['customers'])
    expect(clean.counts).toEqual({ matched: 4, missing: 0, orphaned: 0, mismatched: 0, failed: 0 })
    expect(await findings(clean.runId)).toEqual([])
    const cleanOrders = await apiRun('orders', {})
    expect(cleanOrders.counts).toEqual({ matched: 1, missing: 0, orphaned: 0, mismatched: 0, failed: 0 })
    expect(await findings(cleanOrders.runId)).toEqual([])
  })

  it('compares only what changed since the last run when asked, and still finds drift there', async () => {
    await ns.request({
      method: 'PATCH',
      path: `/record/v1/customer/${erpIds.untouched}`,
      body: { url: 'https://typed-in-the-erp.example.com' },
    })
    const since = await cli(['customers', '--since', 'last'])
    expect(since).toMatchObject({ mode: 'incremental', counts: { missing: 0, orphaned: 0, mismatched: 1, failed: 0 } })
    // The ERP customer changed and was read; its CRM Account did not, and was fetched by id to compare.
    expect(since.read.target).toBeLessThan(4)
    expect(await findings(since.runId)).toEqual([
      {
        kind: 'mismatched',
        sourceId: accounts.untouched,
        targetId: erpIds.untouched!,
        field: 'url',
        expected: 'https://doisoat.vn',
        actual: 'https://typed-in-the-erp.example.com',
        detail: null,
      },
    ])
  })
})

function sortFindings(list: Finding[]): Finding[] {
  return [...list].sort((a, b) => a.kind.localeCompare(b.kind))
}
