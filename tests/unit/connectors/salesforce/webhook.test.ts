import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { isOwnChange } from '../../../../src/connectors/salesforce/call-options.ts'
import { changeEventSchema } from '../../../../src/connectors/salesforce/change-event-schema.ts'
import { buildChangeEventRequest, parseChangeEvents } from '../../../../src/connectors/salesforce/webhook.ts'
import { signWebhook } from '../../../../src/lib/webhook-signature.ts'

const secret = 'webhook-secret-for-tests'
const examples = new URL('../../../../../shared/reference/salesforce-examples/', import.meta.url)
const example = (name: string) => JSON.parse(readFileSync(new URL(name, examples), 'utf8'))
const request = (body: string, headers: Record<string, string>) =>
  new Request('http://tandem.test/webhooks/crm', { method: 'POST', headers, body })

async function signed(payload: unknown) {
  const body = JSON.stringify(payload)
  return request(body, await signWebhook(secret, body))
}

describe('Salesforce change-event webhooks', () => {
  it('round-trips what the builder signs into one event per record', async () => {
    const now = Date.now()
    const { body, headers } = await buildChangeEventRequest(
      secret,
      [{ object: 'Account', recordIds: ['001A', '001B'], changeType: 'UPDATE', transactionKey: 't1', replayId: 7 }],
      now,
    )
    const { events } = await parseChangeEvents(request(body, headers), [secret])
    const common = { object: 'Account', changeType: 'update', eventId: 't1:1', occurredAt: new Date(now).toISOString() }
    expect(events).toEqual([
      { ...common, recordId: '001A', origin: 'com/salesforce/api/rest/62.0' },
      { ...common, recordId: '001B', origin: 'com/salesforce/api/rest/62.0' },
    ])
  })

  it('accepts the CDC messages of the reference examples', async () => {
    const messages = [
      example('cdc-account-create-cometd.json').data,
      example('cdc-account-update-cometd.json').data,
      example('cdc-account-delete-and-gap-cometd.json').delete.data,
      example('cdc-account-delete-and-gap-cometd.json').gap_update.data,
    ]
    const { events } = await parseChangeEvents(await signed({ events: messages }), [secret])
    expect(events.map((e) => [e.recordId, e.changeType])).toEqual([
      ['0015g00000QwErTAAV', 'create'],
      ['0015g00000QwErTAAV', 'update'],
      ['0015g00000QwErTAAV', 'delete'],
      ['0015g00000QwErUAAV', 'delete'],
      ['0015g00000QwErUAAV', 'update'],
    ])
    expect(events[0]).toMatchObject({
      eventId: '001b7375-0086-250e-e6ca-b99bc3a8b69f:1',
      occurredAt: '2024-05-02T09:55:00.000Z',
    })
  })

  it('drops the echoes of Tandem’s own writes (client=tandem), and only those', async () => {
    expect(isOwnChange('com/salesforce/api/rest/62.0;client=tandem')).toBe(true)
    expect(isOwnChange('com/salesforce/api/rest/62.0;client=tandem/')).toBe(true)
    expect(isOwnChange('com/salesforce/api/rest/62.0;client=tandem-demo')).toBe(false)
    expect(isOwnChange('com/salesforce/api/rest/62.0;client=erp-sync')).toBe(false)
    expect(isOwnChange(undefined)).toBe(false)
    const { body, headers } = await buildChangeEventRequest(secret, [
      {
        object: 'Account',
        recordIds: ['001A'],
        changeType: 'UPDATE',
        origin: 'com/salesforce/api/rest/62.0;client=tandem',
      },
      { object: 'Account', recordIds: ['001B'], changeType: 'CREATE' },
    ])
    const { events } = await parseChangeEvents(request(body, headers), [secret])
    expect(events.map((e) => e.recordId)).toEqual(['001B'])
  })

  it('identifies an event by its replay id when the header has no transaction key', async () => {
    const message = {
      payload: { ChangeEventHeader: { entityName: 'Account', recordIds: ['001A'], changeType: 'UPDATE' } },
      event: { replayId: 42 },
    }
    const { events } = await parseChangeEvents(await signed({ events: [message] }), [secret])
    expect(events[0]?.eventId).toBe('replay:42')
  })

  it('maps GAP events to the change they stand for, and names nothing for GAP_OVERFLOW', async () => {
    const header = (changeType: string, recordIds: string[]) => ({
      payload: {
        ChangeEventHeader: {
          entityName: 'Account',
          recordIds,
          changeType,
          transactionKey: changeType,
          sequenceNumber: 1,
        },
      },
    })
    const { events } = await parseChangeEvents(
      await signed({
        events: [header('GAP_CREATE', ['001A']), header('GAP_OVERFLOW', []), header('SOMETHING_NEW', ['001B'])],
      }),
      [secret],
    )
    expect(events.map((e) => [e.recordId, e.changeType])).toEqual([
      ['001A', 'create'],
      ['001B', 'unknown'],
    ])
  })

  it('accepts the previous secret during a rotation', async () => {
    const { body, headers } = await buildChangeEventRequest('old-secret', [
      { object: 'Account', recordIds: ['001A'], changeType: 'CREATE' },
    ])
    await expect(parseChangeEvents(request(body, headers), [secret, 'old-secret'])).resolves.toMatchObject({
      events: [{ recordId: '001A' }],
    })
  })

  it('refuses a wrong, stale, missing or unconfigured signature with one vague message', async () => {
    const events = [{ object: 'Account', recordIds: ['001A'], changeType: 'CREATE' as const }]
    const wrong = await buildChangeEventRequest('not-the-secret', events)
    const stale = await buildChangeEventRequest(secret, events, Date.now() - 10 * 60_000)
    const good = await buildChangeEventRequest(secret, events)
    const cases = [
      () => parseChangeEvents(request(wrong.body, wrong.headers), [secret]),
      () => parseChangeEvents(request(stale.body, stale.headers), [secret]),
      () => parseChangeEvents(request(good.body, {}), [secret]),
      () => parseChangeEvents(request(`${good.body} `, good.headers), [secret]),
      () => parseChangeEvents(request(good.body, good.headers), []),
    ]
    for (const c of cases) {
      await expect(c()).rejects.toMatchObject({
        kind: 'permanent',
        code: 'WEBHOOK_UNAUTHORIZED',
        message: 'signature invalid or stale',
      })
    }
  })

  it('refuses a signed body that does not validate, naming the path', async () => {
    const invalid = async (payload: unknown) => parseChangeEvents(await signed(payload), [secret])
    await expect(invalid({ events: [{ payload: {} }] })).rejects.toMatchObject({
      code: 'WEBHOOK_INVALID_BODY',
      message: expect.stringMatching(/^events\.0\.payload\.ChangeEventHeader: /),
    })
    await expect(invalid({ events: [] })).rejects.toMatchObject({ message: expect.stringMatching(/^events: /) })
    await expect(
      invalid({
        events: [
          { payload: { ChangeEventHeader: { entityName: 'Account', recordIds: ['001A'], changeType: 'UPDATE' } } },
        ],
      }),
    ).rejects.toMatchObject({
      message: 'events.0.payload.ChangeEventHeader: needs transactionKey and sequenceNumber, or event.replayId',
    })
    await expect(invalid({ events: [], extra: 1 })).rejects.toMatchObject({ code: 'WEBHOOK_INVALID_BODY' })
    const body = 'not json'
    await expect(parseChangeEvents(request(body, await signWebhook(secret, body)), [secret])).rejects.toMatchObject({
      code: 'WEBHOOK_INVALID_BODY',
      message: 'body: not JSON',
    })
  })

  it('exports the message schema for the edge Worker', () => {
    expect(changeEventSchema.safeParse(example('cdc-account-create-cometd.json').data).success).toBe(true)
  })
})
