import { mkdirSync } from 'node:fs'
import { Connection as JsforceConnection } from 'jsforce'
import { type Browser, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../src/connectors/netsuite/sandbox/server.ts'
import { type SalesforceSandbox, startSalesforceSandbox } from '../../src/connectors/salesforce/sandbox/server.ts'
import { type ServiceProcess, startTandem } from '../helpers/service-process.ts'
import { createTandemHome, type TandemHome } from '../helpers/tandem-home.ts'
import { waitFor } from '../helpers/wait-for.ts'

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * The dashboard in headless Chromium against the service as a process: sign in with the token the service
 * prints, see the flows, open a failed record's timeline, replay its dead letter after fixing the record and
 * watch it clear, switch to Vietnamese. The main view is saved as reports/dashboard.png.
 */
describe('dashboard', () => {
  let crm: SalesforceSandbox
  let erp: NetSuiteSandbox
  let home: TandemHome
  let service: ServiceProcess
  let browser: Browser
  let page: Page
  let sf: JsforceConnection
  let failingId: string

  beforeAll(async () => {
    crm = await startSalesforceSandbox({})
    erp = await startNetSuiteSandbox({})
    // A record whose Description says "no subsidiary" maps without one: NetSuite refuses it for good.
    home = createTandemHome({
      crm,
      erp,
      flows: ['customers'],
      edit: {
        customers: (yaml) =>
          yaml
            .replace(/\nlink:[\s\S]*$/, '\n')
            .replace(
              'subsidiary: { value: { id: "1" } }',
              `subsidiary: { expr: "Description = 'no subsidiary' ? null : { 'id': '1' }" }`,
            ),
      },
    })
    service = await startTandem(['serve'], {
      ...home.env,
      PORT: '0',
      TANDEM_JOB_ATTEMPTS: '2',
      TANDEM_RETRY_BASE_MS: '20',
      TANDEM_RETRY_MAX_MS: '50',
    })
    const c = crm.credentials
    sf = new JsforceConnection({ oauth2: { loginUrl: crm.url, clientId: c.clientId, clientSecret: c.clientSecret } })
    await sf.login(c.username!, c.password!)
    const created = await sf
      .sobject('Account')
      .create({ Name: 'Công ty TNHH Thiếu Chi Nhánh', Description: 'no subsidiary' })
    failingId = (created as { id: string }).id
    await sf.sobject('Account').create({ Name: 'Northwind Traders' })
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  })

  afterAll(async () => {
    await browser?.close()
    await service?.kill()
    await crm?.close()
    await erp?.close()
    home?.dir.remove()
  })

  it('signs in with the printed token, refusing a wrong one', async () => {
    const token = /admin token \(shown once\): (\S+)/.exec(service.output())?.[1]
    expect(token).toMatch(/^tdm_/)
    await page.goto(service.url)
    await page.getByTestId('token').fill('tdm_wrong')
    await page.getByTestId('sign-in').click()
    await page.getByRole('alert').waitFor()
    await page.getByTestId('token').fill(token!)
    await page.getByTestId('sign-in').click()
    await page.getByTestId('flows').locator('tr[data-flow="customers"]').waitFor()
  })

  it('shows the flows, live', async () => {
    await waitFor(
      async () => Number((await page.getByTestId('synced-customers').textContent())?.replace(/\D/g, '')) > 0,
      {
        what: 'the synced account counted',
      },
    )
    expect(await page.getByTestId('status-customers').textContent()).toBe('running')
  })

  it('opens the failed record’s timeline', async () => {
    await page
      .getByTestId(/^dead-letter-\d+$/)
      .first()
      .waitFor({ timeout: 30_000 })
    await page.getByTestId('record-id').fill(failingId)
    await page.getByTestId('record-id').press('Enter')
    await page.getByTestId('timeline').getByText('failed').first().waitFor()
    expect(await page.getByTestId('timeline').textContent()).toContain('NS_USER_ERROR')
  })

  it('replays a dead letter after the record is fixed, and watches it clear', async () => {
    await sf.sobject('Account').update({ Id: failingId, Description: 'fixed' })
    const row = page.getByTestId(/^dead-letter-\d+$/).first()
    await row.getByRole('button').click()
    await row.waitFor({ state: 'detached', timeout: 30_000 })
    await waitFor(() => erp.customers().some((c) => c.externalId === failingId), {
      what: 'the replayed customer in the ERP',
    })
  })

  it('switches to Vietnamese, and keeps a screenshot of the main view', async () => {
    await page.getByTestId('language').click()
    await page.getByRole('heading', { name: 'Luồng đồng bộ' }).waitFor()
    expect(await page.getByTestId('status-customers').textContent()).toBe('đang chạy')
    mkdirSync('reports', { recursive: true })
    await page.screenshot({ path: 'reports/dashboard.png', fullPage: false })
  })
})
