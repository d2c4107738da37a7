import { SandboxApiError, userError } from './ns-error.ts'
import { isRef, type LineValues, linesOf, type StoredRecord } from './record-types/record-type.ts'
import { billOrderLines } from './record-types/sales-effects.ts'
import { orderStatusOf } from './record-types/sales-transactions.ts'
import { createRecord, type WriteContext, type WriteOptions } from './record-writes.ts'

/**
 * `POST /salesOrder/{id}/!transform/invoice` (reference §4, invoice-transform-from-salesorder-request.json):
 * a new invoice billing the order's open quantities. The body overrides header fields and may list lines
 * by `orderLine` with the `quantity` to bill (0 leaves a line out); without lines, every open quantity
 * is billed. The order's `quantityBilled` and status follow.
 */
export function transformToInvoice(
  ctx: WriteContext,
  order: StoredRecord,
  body: unknown,
  at: number,
  opts: WriteOptions = {},
): StoredRecord {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SandboxApiError(400, {
      detail: 'The request could not be understood by the server due to malformed syntax.',
      'o:errorCode': 'INVALID_REQUEST',
    })
  }
  const { item: requested, ...header } = body as { item?: { items?: unknown } } & Record<string, unknown>
  const overrides = new Map<number, number>()
  if (requested !== undefined) {
    const items = Array.isArray(requested?.items) ? requested.items : []
    for (const [i, raw] of items.entries()) {
      const line = raw as { orderLine?: unknown; quantity?: unknown }
      if (typeof line.orderLine !== 'number' || (line.quantity !== undefined && typeof line.quantity !== 'number')) {
        throw new SandboxApiError(400, {
          detail: `Error while accessing resource: You have entered an Invalid Field Value ${JSON.stringify(raw)} for the following field: item`,
          'o:errorCode': 'INVALID_CONTENT',
          'o:errorPath': `item.items[${i}]`,
        })
      }
      overrides.set(line.orderLine, typeof line.quantity === 'number' ? line.quantity : Number.NaN)
    }
  }
  const lines: LineValues[] = []
  for (const line of linesOf(order.values.item)) {
    if (line.isClosed === true) continue
    const open = Number(line.quantity ?? 0) - Number(line.quantityBilled ?? 0)
    const asked = overrides.has(line.line as number) ? overrides.get(line.line as number)! : undefined
    // Lines the body leaves out are billed in full unless it lists lines at all, as the UI pre-selects them.
    const quantity = asked === undefined ? (requested === undefined ? open : 0) : Number.isNaN(asked) ? open : asked
    if (quantity <= 0) continue
    if (quantity > open) {
      throw userError(`You cannot bill more than the open quantity (${open}) of line ${String(line.line)}.`, {
        'o:errorPath': 'item',
      })
    }
    lines.push({
      item: line.item ?? null,
      quantity,
      rate: line.rate ?? null,
      ...(line.description ? { description: line.description } : {}),
      orderLine: line.line ?? null,
    })
  }
  if (lines.length === 0) throw userError('There are no lines to bill on this order.')

  const copy = (name: string) =>
    isRef(order.values[name]) ? { [name]: { id: (order.values[name] as { id: string }).id } } : {}
  const invoiceBody = {
    ...copy('entity'),
    ...copy('currency'),
    ...copy('subsidiary'),
    ...copy('terms'),
    ...copy('salesRep'),
    ...(typeof order.values.otherRefNum === 'string' ? { otherRefNum: order.values.otherRefNum } : {}),
    ...header,
    item: { items: lines.map(({ item, ...rest }) => ({ ...rest, item: isRef(item) ? { id: item.id } : item })) },
  }
  const def = ctx.store.types.find('invoice')!
  const invoice = createRecord(ctx, def, invoiceBody, at, {
    ...opts,
    internal: { createdFrom: { id: String(order.id) } },
  })
  billOrderLines(
    ctx.effects,
    String(order.id),
    linesOf(invoice.values.item),
    1,
    Math.floor(at / 1000) * 1000,
    orderStatusOf,
  )
  return invoice
}
