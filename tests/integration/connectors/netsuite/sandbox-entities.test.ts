import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../../../src/connectors/netsuite/sandbox/server.ts'
import { call, example, idOf, suiteQl } from './signed-call.ts'

/** Entities, addresses, items and list filters of the sandbox, against the reference payloads. */

describe('NetSuite sandbox entities and items', () => {
  let sb: NetSuiteSandbox

  beforeAll(async () => {
    sb = await startNetSuiteSandbox({ seed: true })
  })
  afterAll(async () => {
    await sb.close()
  })

  it('creates the reference customer with its address book, read back expanded and keyed by address id', async () => {
    const { salesRep: _rep, ...body } = example('customer-create-request.json')
    const id = idOf(await call(sb, 'POST', '/record/v1/customer', { body: { ...body, subsidiary: { id: '2' } } }))
    const read = await call(sb, 'GET', `/record/v1/customer/${id}?expandSubResources=true`)
    const line = read.body.addressBook.items[0]
    const href = `${sb.url}/services/rest/record/v1/customer/${id}/addressBook/${line.id}`
    expect(line).toMatchObject({
      links: [{ rel: 'self', href }],
      defaultBilling: true,
      defaultShipping: true,
      label: 'New York HQ',
      addressBookAddress: {
        links: [{ rel: 'self', href: `${href}/addressBookAddress` }],
        addr1: '417 Washington Blvd',
        city: 'New York',
        country: { id: 'US', refName: 'United States' },
        addrText: '417 Washington Blvd\nNew York NY 10001\nUnited States',
      },
      addressBookAddress_text: '417 Washington Blvd\nNew York NY 10001\nUnited States',
    })
    expect(read.body.defaultAddress).toBe('417 Washington Blvd\nNew York NY 10001\nUnited States')

    // PATCH merges address lines by id: the known one is updated, a new one is added.
    await call(sb, 'PATCH', `/record/v1/customer/${id}`, {
      body: {
        addressBook: {
          items: [
            { id: line.id, label: 'HQ' },
            { label: 'Hà Nội', addressBookAddress: { city: 'Hà Nội', country: { id: 'VN' } } },
          ],
        },
      },
    })
    const after = sb.records.get('customer', id) as { addressBook: { items: Record<string, unknown>[] } }
    expect(after.addressBook.items.map((l) => l.label)).toEqual(['HQ', 'Hà Nội'])
  })

  it('answers a second POST with the same external ID as NetSuite does', async () => {
    const reference = example<{ status: number; body: unknown }>('error-400-user-error-duplicate-externalid.json')
    const body = { companyName: 'Twice', subsidiary: { id: '1' }, externalId: 'DUP-1' }
    expect((await call(sb, 'POST', '/record/v1/customer', { body })).status).toBe(204)
    const again = await call(sb, 'POST', '/record/v1/customer', { body })
    expect([again.status, again.body]).toEqual([reference.status, reference.body])
  })

  it('defaults a contact’s subsidiary from its company and reads the reference back by name', async () => {
    const id = idOf(
      await call(sb, 'POST', '/record/v1/contact', {
        body: { firstName: 'Dwight', lastName: 'Schrute', company: { externalId: 'DEMO-006' } },
      }),
    )
    const read = await call(sb, 'GET', `/record/v1/contact/${id}`)
    expect(read.body).toMatchObject({
      entityId: 'Dwight Schrute',
      company: { refName: expect.stringContaining('Acme Industrial Supply') },
      subsidiary: { id: '2', refName: 'Tandem US' },
    })
  })

  it('requires an employee’s names, listing every missing one', async () => {
    const reply = await call(sb, 'POST', '/record/v1/employee', { body: { email: 'x@example.com' } })
    expect(reply.body['o:errorDetails'][0].detail).toBe(
      'Error while accessing a resource. Please enter value(s) for: First Name, Last Name, Subsidiary',
    )
  })

  it('shows customers, contacts and employees in the entity view, with their type codes', async () => {
    const rows = await suiteQl(sb, "SELECT type, e.entityid FROM entity e WHERE e.email LIKE '%tandem%' ORDER BY id")
    expect(rows.body.items.map((r: Record<string, string>) => r.type)).toEqual(['Employee', 'Employee'])
    const kinds = await suiteQl(sb, 'SELECT DISTINCT type FROM entity ORDER BY type')
    expect(kinds.body.items.map((r: Record<string, string>) => r.type)).toEqual(['Contact', 'CustJob', 'Employee'])
  })

  it('keeps item prices in the price sublist, not as a body field; fields= selects body fields only', async () => {
    const [item] = sb.records.ids('inventoryItem')
    const read = await call(sb, 'GET', `/record/v1/inventoryItem/${item}?expandSubResources=true`)
    expect(read.body.basePrice).toBeUndefined()
    expect(read.body.itemType).toEqual({ id: 'InvtPart', refName: 'InvtPart' })
    expect(read.body.price.items[0]).toMatchObject({ priceLevel: { id: '1', refName: 'Base Price' }, price: 12.5 })
    const some = await call(sb, 'GET', `/record/v1/inventoryItem/${item}?fields=itemId,price`)
    expect(Object.keys(some.body)).toEqual(['links', 'itemId'])
  })

  it('filters lists by date and enum fields with q', async () => {
    const today = (sb.records.get('salesOrder', sb.records.ids('salesOrder')[0]!) as { tranDate: string }).tranDate
    const [y, m, d] = today.split('-').map(Number)
    const onDay = await call(sb, 'GET', `/record/v1/salesOrder?q=${encodeURIComponent(`tranDate ON "${m}/${d}/${y}"`)}`)
    expect(onDay.body.totalResults).toBe(1)
    const billed = await call(sb, 'GET', `/record/v1/salesOrder?q=${encodeURIComponent('status ANY_OF [F, G]')}`)
    expect(billed.body.items.map((i: { id: string }) => i.id)).toEqual(sb.records.ids('salesOrder'))
    const sublist = await call(sb, 'GET', `/record/v1/salesOrder?q=${encodeURIComponent('item IS 1')}`)
    expect(sublist.body['o:errorDetails'][0]).toMatchObject({
      'o:errorCode': 'INVALID_PARAMETER',
      'o:errorQueryParam': 'q',
    })
  })

  it('starts seeded with a paid-in-part demo invoice and the customer balance it leaves', async () => {
    const acme = sb.customers().find((c) => c.externalId === 'DEMO-006')!
    const invoice = sb.records.list('invoice')[0]!
    expect(invoice).toMatchObject({ entity: acme.id, total: 319.5, amountPaid: 200, amountRemaining: 119.5 })
    expect(acme.balance).toBe(119.5)
  })
})
