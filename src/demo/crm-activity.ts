import type { Runtime } from '../engine/runtime.ts'
import type { Logger } from '../lib/logger.ts'

const apiVersion = '62.0'
const everyMs = 3_000

const companies = [
  ['Công ty TNHH Cà phê Tây Nguyên', 'Buôn Ma Thuột', 'VND'],
  ['CTCP Thủy sản Cửu Long', 'Cần Thơ', 'VND'],
  ['Công ty Cổ phần Dệt may Hòa Bình', 'Hà Nội', 'VND'],
  ['Nhà sách Phương Nam', 'TP. Hồ Chí Minh', 'VND'],
  ['Hải Phòng Logistics JSC', 'Hải Phòng', 'VND'],
  ['Đà Nẵng Seafood Co., Ltd', 'Đà Nẵng', 'VND'],
  ['Northwind Traders', 'Seattle', 'USD'],
  ['Contoso Pharmaceuticals', 'Boston', 'USD'],
  ['Fabrikam Outdoor Gear', 'Denver', 'USD'],
  ['Tailspin Toys', 'Austin', 'USD'],
  ['Wide World Importers', 'San Francisco', 'USD'],
  ['Blue Yonder Airlines', 'Chicago', 'USD'],
] as const

/**
 * `npm start`'s demo: every few seconds creates or edits an Account in the CRM sandbox through its REST
 * API, like a salesperson would, and now and then wins a deal with two product lines. The sandbox announces each change to Tandem with a signed change event, as
 * the Apex relay does in a real org. Runs only when the CRM is a local sandbox; returns undefined otherwise.
 */
export function startDemoActivity(rt: Runtime, opts: { logger: Logger }) {
  const entry = [...rt.sandboxes].find(([, s]) => s.system === 'salesforce')
  if (!entry) return undefined
  const [connection, sandbox] = entry
  const creds = sandbox.credentials
  const base = `${sandbox.url}/services/data/v${apiVersion}`
  const created: string[] = []
  let token: string | undefined
  let n = 0

  async function login(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'password',
      client_id: creds.clientId ?? '',
      client_secret: creds.clientSecret ?? '',
      username: creds.username ?? '',
      password: creds.password ?? '',
    })
    const res = await fetch(`${sandbox.url}/services/oauth2/token`, { method: 'POST', body: form })
    if (!res.ok) throw new Error(`demo login failed: ${res.status}`)
    return ((await res.json()) as { access_token: string }).access_token
  }

  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    token ??= await login()
    const init = {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }
    let res = await fetch(`${base}${path}`, init)
    if (res.status === 401) {
      token = await login()
      res = await fetch(`${base}${path}`, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } })
    }
    return res
  }

  async function soql<T>(q: string): Promise<T[]> {
    const res = await call('GET', `/query?q=${encodeURIComponent(q)}`)
    if (!res.ok) throw new Error(`demo query failed: ${res.status} ${await res.text()}`)
    return ((await res.json()) as { records: T[] }).records
  }

  /**
   * Every fifth step a salesperson wins a deal: an Opportunity on one of the demo's accounts with two lines
   * from the standard price book (once the ERP's items have reached it), so the orders flow has work.
   */
  async function winDeal(): Promise<void> {
    const entries = await soql<{ Id: string; UnitPrice: number }>(
      'SELECT Id, UnitPrice FROM PricebookEntry WHERE ERP_Price_Key__c != null AND IsActive = true LIMIT 10',
    )
    const [book] = await soql<{ Id: string }>('SELECT Id FROM Pricebook2 WHERE IsStandard = true')
    const accountId = created[n % created.length]
    if (entries.length < 2 || !book || !accountId) return
    const res = await call('POST', '/sobjects/Opportunity', {
      Name: `Đơn hàng demo #${n}`,
      AccountId: accountId,
      StageName: 'Prospecting',
      CloseDate: new Date().toISOString().slice(0, 10),
      Pricebook2Id: book.Id,
    })
    if (!res.ok) throw new Error(`demo opportunity failed: ${res.status} ${await res.text()}`)
    const opportunityId = ((await res.json()) as { id: string }).id
    for (const [i, e] of [entries[n % entries.length]!, entries[(n + 1) % entries.length]!].entries()) {
      await call('POST', '/sobjects/OpportunityLineItem', {
        OpportunityId: opportunityId,
        PricebookEntryId: e.Id,
        Quantity: i + 1,
        UnitPrice: e.UnitPrice,
      })
    }
    await call('PATCH', `/sobjects/Opportunity/${opportunityId}`, { StageName: 'Closed Won' })
  }

  async function step(): Promise<void> {
    n++
    if (n % 5 === 0 && created.length > 0) return winDeal()
    let id: string
    let changeType: 'CREATE' | 'UPDATE'
    if (created.length === 0 || n % 3 !== 0) {
      const [name, city, currency] = companies[n % companies.length]!
      const res = await call('POST', '/sobjects/Account', {
        Name: `${name} #${n}`,
        BillingCity: city,
        CurrencyIsoCode: currency,
        Phone:
          currency === 'VND' ? `+84 28 3822 ${String(1000 + n).slice(-4)}` : `+1 206 555 ${String(1000 + n).slice(-4)}`,
      })
      if (!res.ok) throw new Error(`demo create failed: ${res.status} ${await res.text()}`)
      id = ((await res.json()) as { id: string }).id
      created.push(id)
      changeType = 'CREATE'
    } else {
      id = created[n % created.length]!
      const res = await call('PATCH', `/sobjects/Account/${id}`, { Website: `https://example.com/${n}` })
      if (!res.ok) throw new Error(`demo update failed: ${res.status} ${await res.text()}`)
      changeType = 'UPDATE'
    }
    opts.logger.debug({ connection, id, changeType }, 'demo activity')
  }

  let timer: NodeJS.Timeout | undefined
  let current: Promise<void> = Promise.resolve()
  let stopped = false
  const tick = () => {
    current = step()
      .catch((err) => opts.logger.warn({ err }, 'demo activity step failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, everyMs)
      })
  }
  timer = setTimeout(tick, everyMs)
  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await current
    },
  }
}
