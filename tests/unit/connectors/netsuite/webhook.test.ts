import { describe, expect, it } from 'vitest'
import { buildNetSuiteWebhook, parseNetSuiteWebhook } from '../../../../src/connectors/netsuite/webhook.ts'

const event = {
  recordType: 'customer',
  id: '614',
  type: 'delete' as const,
  eventId: 'customer:614:d',
  occurredAt: '2025-01-14T17:05:31+07:00',
  executionContext: 'CSVIMPORT',
}
const now = 1_736_874_331

async function request(secret: string, events: unknown[], signedAt = now) {
  const { body, headers } = await buildNetSuiteWebhook(secret, events as never, signedAt)
  return new Request('http://t/webhooks/erp', { method: 'POST', body, headers })
}

describe('parseNetSuiteWebhook', () => {
  it('maps a User Event post to change events', async () => {
    const inbound = await parseNetSuiteWebhook(await request('s', [event]), ['s'], { nowSeconds: now })
    expect(inbound.events).toEqual([
      {
        object: 'customer',
        recordId: '614',
        changeType: 'delete',
        eventId: 'customer:614:d',
        occurredAt: event.occurredAt,
        origin: 'CSVIMPORT',
      },
    ])
  })

  it("drops events saved through REST web services: Tandem's own writes, echoed by an unfiltered script", async () => {
    const events = [
      { ...event, eventId: 'a', executionContext: 'RESTWEBSERVICES' },
      { ...event, eventId: 'b', executionContext: 'REST_WEBSERVICES' },
      { ...event, eventId: 'c', executionContext: 'USERINTERFACE' },
    ]
    const inbound = await parseNetSuiteWebhook(await request('s', events), ['s'], { nowSeconds: now })
    expect(inbound.events.map((e) => e.eventId)).toEqual(['c'])
    const keepAll = await parseNetSuiteWebhook(await request('s', events), ['s'], { nowSeconds: now, skipContexts: [] })
    expect(keepAll.events).toHaveLength(3)
  })

  it('accepts the previous secret during a rotation', async () => {
    await expect(
      parseNetSuiteWebhook(await request('old', [event]), ['new', 'old'], { nowSeconds: now }),
    ).resolves.toBeDefined()
  })

  it.each([
    ['a stale signature', async () => request('s', [event], now - 301), ['s']],
    ['a wrong secret', async () => request('x', [event]), ['s']],
    ['no configured secret', async () => request('s', [event]), []],
    ['no signature headers', async () => new Request('http://t', { method: 'POST', body: '{}' }), ['s']],
  ])('refuses %s as WEBHOOK_UNAUTHORIZED', async (_what, make, secrets) => {
    await expect(parseNetSuiteWebhook(await make(), secrets as string[], { nowSeconds: now })).rejects.toMatchObject({
      code: 'WEBHOOK_UNAUTHORIZED',
      message: 'webhook signature missing, invalid or expired',
    })
  })

  it.each([
    [[], 'events: '],
    [[{ ...event, id: 'abc' }], 'events[0].id: '],
    [[{ ...event, occurredAt: 'yesterday' }], 'events[0].occurredAt: '],
    [[event, { ...event, eventId: '' }], 'events[1].eventId: '],
  ])('refuses %j naming the path', async (events, prefix) => {
    const err = await parseNetSuiteWebhook(await request('s', events), ['s'], { nowSeconds: now }).catch(
      (e: Error) => e,
    )
    expect(err).toMatchObject({ kind: 'permanent', code: 'WEBHOOK_INVALID_BODY' })
    expect((err as Error).message.startsWith(prefix)).toBe(true)
  })
})
