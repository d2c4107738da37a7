import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type NetSuiteSandbox, startNetSuiteSandbox } from '../../../../src/connectors/netsuite/sandbox/server.ts'
import { call, example, idOf, suiteQl } from './signed-call.ts'

/**
 * Orders, invoices and payments in the sandbox over HTTP: item sublists keyed by line, `replace=`, the
 * transform to an invoice, and accounts receivable (invoice amounts paid and remaining, customer balance)
 * moving exactly as NetSuite moves them when payments are applied, changed and deleted.
 */

describe('NetSuite sandbox sales transactions', () => {
  let sb: NetSuiteSandbox
  let widget: string
  let service: string
  let customer: string

  beforeAll(async () => {
    sb = await startNetSuiteSandbox({})
    widget = idOf(
      await call(sb, 'POST', '/record/v1/inventoryItem', {
        body: {
          itemId: 'WIDGET-BLUE',
          displayName: 'Blue Widget',
          salesDescription: 'Widget, blue',
          externalId: 'SKU-WIDGET-BLUE',
          price: { items: [{ priceLevel: { id: '1' }, price: 19.95 }] },
        },
      }),
    )
    service = idOf(
      await call(sb, 'POST', '/record/v1/nonInventorySaleItem', {
        body: { itemId: 'GADGET-7', displayName: 'Gadget 7', externalId: 'SKU-GADGET-7' },
      }),
    )
    customer = idOf(
      await call(sb, 'POST', '/record/v1/customer', {
        body: { companyName: 'Another Company', subsidiary: { id: '2' }, terms: { id: '2' } },
      }),
    )
  })
  afterAll(async () => {
    await sb.close()
  })

  /** The reference sales order request, pointed at this account's customer. */
  function orderBody(): Record<string, unknown> {
    const { salesRep: _rep, location: _location, ...body } = example('salesorder-create-request.json')
    return { ...body, entity: { id: customer }, externalId: `SO-${Math.random().toString(36).slice(2)}` }
  }

  it('creates an order from the reference request: lines keyed by line, priced, totalled, read back expanded', async () => {
    const body = orderBody()
    // The reference names item 98 by id; here the widget's id stands in for it.
    ;(body.item as { items: { item: unknown }[] }).items[0]!.item = { id: widget }
    const created = await call(sb, 'POST', '/record/v1/salesOrder', { body })
    expect(created.status).toBe(204)
    const id = idOf(created)

    const collapsed = await call(sb, 'GET', `/record/v1/salesOrder/${id}`)
    expect(collapsed.body.item).toEqual({
      links: [{ rel: 'self', href: `${sb.url}/services/rest/record/v1/salesOrder/${id}/item` }],
    })
    expect(collapsed.body.status).toEqual({ id: 'B', refName: 'Pending Fulfillment' })
    expect(collapsed.body.currency).toMatchObject({ id: '1', refName: 'USD' })

    const expanded = await call(sb, 'GET', `/record/v1/salesOrder/${id}?expandSubResources=true`)
    const lines = expanded.body.item.items
    expect(expanded.body.item.totalResults).toBe(2)
    expect(lines[0]).toMatchObject({
      links: [{ rel: 'self', href: `${sb.url}/services/rest/record/v1/salesOrder/${id}/item/1` }],
      line: 1,
      quantity: 2,
      rate: 19.95,
      amount: 39.9,
      description: 'Widget, blue',
      isClosed: false,
      quantityBilled: 0,
      itemType: { id: 'InvtPart', refName: 'InvtPart' },
      item: {
        links: [{ rel: 'self', href: `${sb.url}/services/rest/record/v1/inventoryitem/${widget}` }],
        id: widget,
        refName: 'WIDGET-BLUE',
      },
    })
    // The second line named its item by external ID.
    expect(lines[1]).toMatchObject({ line: 2, item: { id: service, refName: 'GADGET-7' }, amount: 120 })
    expect(expanded.body).toMatchObject({ subtotal: 159.9, total: 159.9, taxTotal: 0, tranId: `SO${id}` })

    const simple = await call(sb, 'GET', `/record/v1/salesOrder/${id}?simpleEnumFormat=true`)
    expect(simple.body.status).toBe('B')
    expect(simple.body.orderStatus).toBe('B')

    const sublist = await call(sb, 'GET', `/record/v1/salesOrder/${id}/item`)
    expect(sublist.body.items).toHaveLength(2)
  })

  it('merges keyed lines on PATCH and removes unsent ones with replace=item', async () => {
    const id = idOf(
      await call(sb, 'POST', '/record/v1/salesOrder', {
        body: {
          entity: { id: customer },
          item: {
            items: [
              { item: { id: widget }, quantity: 1 },
              { item: { id: service }, quantity: 1, rate: 100 },
            ],
          },
        },
      }),
    )
    await call(sb, 'PATCH', `/record/v1/salesOrder/${id}`, {
      body: {
        item: {
          items: [
            { line: 1, quantity: 3 },
            { item: { id: service }, quantity: 2, rate: 0.1 },
          ],
        },
      },
    })
    let order = sb.records.get('salesOrder', id) as { item: { items: Record<string, unknown>[] }; total: number }
    expect(order.item.items.map((l) => [l.line, l.quantity, l.amount])).toEqual([
      [1, 3, 59.85],
      [2, 1, 100],
      [3, 2, 0.2],
    ])
    expect(order.total).toBe(160.05)

    const replaced = await call(sb, 'PATCH', `/record/v1/salesOrder/${id}?replace=item`, {
      body: { item: { items: [{ line: 3, quantity: 3 }] } },
    })
    expect(replaced.status).toBe(204)
    order = sb.records.get('salesOrder', id) as typeof order
    expect(order.item.items.map((l) => [l.line, l.amount])).toEqual([[3, 0.3]])
    expect(order.total).toBe(0.3)
  })

  it('answers an unknown line item with the reference INVALID_CONTENT body and its path', async () => {
    const reference = example<{ body: { 'o:errorDetails': Record<string, string>[] } }>(
      'error-400-invalid-content.json',
    )
    const reply = await call(sb, 'POST', '/record/v1/salesOrder', {
      body: { entity: { id: customer }, item: { items: [{ item: { id: 9999 }, amount: 1 }] } },
    })
    expect(reply.status).toBe(400)
    expect(reply.body['o:errorDetails']).toEqual(reference.body['o:errorDetails'])
    const noEntity = await call(sb, 'POST', '/record/v1/salesOrder', {
      body: { item: { items: [{ item: { id: widget } }] } },
    })
    expect(noEntity.body['o:errorDetails'][0]).toEqual({
      detail: 'Error while accessing a resource. Please enter value(s) for: Customer',
      'o:errorCode': 'USER_ERROR',
    })
  })

  describe('billing and payment', () => {
    let order: string
    let invoice: string
    const invoiceState = () =>
      sb.records.get('invoice', invoice) as {
        amountPaid: number
        amountRemaining: number
        status: unknown
        total: number
      }
    const balance = () => sb.customers().find((c) => c.id === customer)!

    beforeAll(async () => {
      order = idOf(
        await call(sb, 'POST', '/record/v1/salesOrder', {
          body: {
            entity: { id: customer },
            tranDate: '2025-01-15',
            item: {
              items: [
                { item: { id: widget }, quantity: 2 },
                { item: { id: service }, quantity: 1, rate: 120 },
              ],
            },
          },
        }),
      )
    })

    it('transforms the order into an invoice with the reference body, billing only the lines asked for', async () => {
      const { _request, ...body } = example('invoice-transform-from-salesorder-request.json')
      expect(_request).toContain('!transform/invoice')
      const reply = await call(sb, 'POST', `/record/v1/salesOrder/${order}/!transform/invoice`, { body })
      expect(reply.status).toBe(204)
      expect(reply.headers.get('location')).toMatch(/\/record\/v1\/invoice\/\d+$/)
      invoice = idOf(reply)
      const read = await call(sb, 'GET', `/record/v1/invoice/${invoice}?expandSubResources=true`)
      expect(read.body).toMatchObject({
        createdFrom: { id: order },
        entity: { id: customer },
        total: 39.9,
        amountPaid: 0,
        amountRemaining: 39.9,
        status: { id: 'Open', refName: 'Open' },
        terms: { id: '2', refName: 'Net 30' },
      })
      expect(read.body.dueDate).toBe(
        new Date(Date.parse(`${read.body.tranDate}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10),
      )
      expect(read.body.item.items).toEqual([expect.objectContaining({ orderLine: 1, quantity: 2, amount: 39.9 })])
      const so = sb.records.get('salesOrder', order) as {
        item: { items: { quantityBilled: number }[] }
        status: unknown
      }
      expect(so.item.items.map((l) => l.quantityBilled)).toEqual([2, 0])
      expect(so.status).toEqual({ id: 'E', refName: 'Pending Billing/Partially Fulfilled' })
      expect(balance()).toMatchObject({ balance: 39.9, overdueBalance: 0 })
    })

    it('applies a partial payment: invoice paid and remaining, customer balance, to the cent', async () => {
      const reference = example('customerpayment-create-request.json')
      const body = {
        ...reference,
        customer: { id: customer },
        payment: 10.1,
        apply: { items: [{ doc: { id: invoice }, apply: true, amount: 10.1 }] },
      }
      const reply = await call(sb, 'POST', '/record/v1/customerPayment', { body })
      expect(reply.status).toBe(204)
      const payment = sb.records.get('customerPayment', idOf(reply))!
      expect(payment).toMatchObject({ applied: 10.1, unapplied: 0, status: { id: 'B', refName: 'Not Deposited' } })
      expect(invoiceState()).toMatchObject({ amountPaid: 10.1, amountRemaining: 29.8, status: { id: 'Open' } })
      expect(balance().balance).toBe(29.8)
    })

    it('applies the rest by default, keeps the surplus unapplied as a credit, and marks the invoice paid', async () => {
      const reply = await call(sb, 'POST', '/record/v1/customerPayment', {
        body: { customer: { id: customer }, payment: 50, apply: { items: [{ doc: { id: invoice }, apply: true }] } },
      })
      const payment = sb.records.get('customerPayment', idOf(reply)) as Record<string, unknown>
      expect(payment).toMatchObject({ applied: 29.8, unapplied: 20.2 })
      expect(invoiceState()).toMatchObject({
        amountPaid: 39.9,
        amountRemaining: 0,
        status: { id: 'Paid In Full', refName: 'Paid In Full' },
      })
      expect(balance().balance).toBe(-20.2)

      const rows = await suiteQl(
        sb,
        'SELECT id, status, BUILTIN.DF(status) AS statustext, foreigntotal, foreignamountpaid FROM transaction WHERE id = ?',
        [invoice],
      )
      expect(rows.body.items).toEqual([
        {
          links: [],
          id: invoice,
          status: 'B',
          statustext: 'Invoice : Paid In Full',
          foreigntotal: '39.9',
          foreignamountpaid: '39.9',
        },
      ])
    })

    it('refuses applying more than is due or more than the payment, changing nothing', async () => {
      const other = idOf(await call(sb, 'POST', `/record/v1/salesOrder/${order}/!transform/invoice`, { body: {} }))
      const before = balance().balance
      const tooMuch = await call(sb, 'POST', '/record/v1/customerPayment', {
        body: {
          customer: { id: customer },
          payment: 500,
          apply: { items: [{ doc: { id: other }, apply: true, amount: 120.01 }] },
        },
      })
      expect(tooMuch.status).toBe(400)
      expect(tooMuch.body['o:errorDetails'][0]).toMatchObject({
        'o:errorCode': 'USER_ERROR',
        'o:errorPath': 'apply.items[0].amount',
      })
      const overPayment = await call(sb, 'POST', '/record/v1/customerPayment', {
        body: {
          customer: { id: customer },
          payment: 1,
          apply: { items: [{ doc: { id: other }, apply: true, amount: 2 }] },
        },
      })
      expect(overPayment.body['o:errorDetails'][0]['o:errorCode']).toBe('USER_ERROR')
      expect(balance().balance).toBe(before)
      // The rest of the order (the service line, 120) was billed by this second transform.
      expect(before).toBe(-20.2 + 120)
    })

    it('reverses an application when its payment is deleted, and refuses deleting a paid invoice', async () => {
      const [first] = sb.records.ids('customerPayment')
      const blocked = await call(sb, 'DELETE', `/record/v1/invoice/${invoice}`)
      expect(blocked.status).toBe(400)
      expect(blocked.body['o:errorDetails'][0].detail).toContain('dependent records')
      expect((await call(sb, 'DELETE', `/record/v1/customerPayment/${first}`)).status).toBe(204)
      expect(invoiceState()).toMatchObject({ amountPaid: 29.8, amountRemaining: 10.1, status: { id: 'Open' } })
      // Open: 10.1 + 120; the second payment's 20.2 is still unapplied.
      expect(balance().balance).toBe(109.9)
    })
  })

  it('shows transactions and their lines in SuiteQL with the type codes, header lines and GL signs', async () => {
    const rows = await suiteQl(
      sb,
      "SELECT t.id, t.type, BUILTIN.DF(t.status) AS statustext, TO_CHAR(t.trandate, 'YYYY-MM-DD') AS td FROM transaction t WHERE t.type IN ('SalesOrd', 'CustInvc') AND t.trandate BETWEEN TO_DATE('2025-01-01', 'YYYY-MM-DD') AND TO_DATE('2025-01-31', 'YYYY-MM-DD') ORDER BY t.id",
    )
    expect(rows.status).toBe(200)
    const billed = rows.body.items.filter((r: Record<string, string>) => r.statustext === 'Sales Order : Billed')
    expect(billed).toEqual([expect.objectContaining({ type: 'SalesOrd', td: '2025-01-15' })])
    // The invoices were billed today, outside the January window; only the two January orders match.
    expect(rows.body.items.map((r: Record<string, string>) => r.type)).toEqual(['SalesOrd', 'SalesOrd'])
    const lines = await suiteQl(
      sb,
      "SELECT transaction, linesequencenumber, mainline, item, quantity, rate, foreignamount FROM transactionline WHERE mainline = 'F' AND transaction = ? ORDER BY linesequencenumber",
      [billed[0].id],
    )
    expect(
      lines.body.items.map((l: Record<string, string>) => [l.linesequencenumber, l.quantity, l.foreignamount]),
    ).toEqual([
      ['1', '-2', '-39.9'],
      ['2', '-1', '-120'],
    ])
  })
})
