import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { callContext, changeOrigin } from '../call-context.ts'
import type { Org, RecordChange } from '../org.ts'
import { buildChangeEvent, type ChangeEventMessage, signedBatch } from './change-events.ts'
import { buildNotifications, isAck, type OutboundNotification } from './outbound-message.ts'
import { Outbox, type OutboxStats, salesforceRetry } from './outbox.ts'

export const notificationSettingsSchema = z.strictObject({
  /** Where notifications go (Tandem's `/webhooks/<connection>`); none are sent without it. */
  url: z.url().nullable().default(null),
  /** Change events for every object (true), none (false), or the named objects. */
  changeEvents: z.union([z.boolean(), z.array(z.string().min(1))]).default(true),
  /** Outbound Message actions: one per object, fired on create and on every edit, with the chosen fields. */
  outboundMessages: z
    .array(
      z.strictObject({
        object: z.string().min(1),
        /** Fields to send besides Id; every field when absent. */
        fields: z.array(z.string().min(1)).optional(),
        /** An endpoint of its own (default `url`). */
        url: z.url().optional(),
      }),
    )
    .default([]),
  retry: z
    .strictObject({
      initialMs: z.number().int().min(1),
      maxMs: z.number().int().min(1),
      giveUpMs: z.number().int().min(1),
    })
    .default(salesforceRetry),
})

export type NotificationSettings = z.output<typeof notificationSettingsSchema>
export type NotificationSettingsInput = z.input<typeof notificationSettingsSchema>

/** A timeout for one delivery, so a listener that hangs counts as not acknowledged. */
const deliveryTimeoutMs = 10_000

/**
 * Sends the org's changes out as a real org would: Change Data Capture-shaped events (JSON, HMAC-signed
 * with the webhook secret, as the shipped Apex relay sends them) and Outbound Messages (SOAP, retried
 * until acknowledged). Changes are taken as they commit; what each carries is fixed then (change events)
 * or read when sent (Outbound Messages carry current values).
 */
export class Notifier {
  settings: NotificationSettings
  readonly #org: Org
  readonly #secret: string
  #baseUrl = ''
  #commitNumber = 0
  #replayId = 0
  #changeEvents: Outbox<ChangeEventMessage>
  readonly #outbound = new Map<string, { actionId: string; outbox: Outbox<OutboundNotification> }>()

  constructor(org: Org, webhookSecret: string, settings: NotificationSettingsInput = {}) {
    this.#org = org
    this.#secret = webhookSecret
    this.settings = notificationSettingsSchema.parse(settings)
    this.#changeEvents = this.#changeEventOutbox()
    this.configure(settings)
  }

  /** Starts listening to the org (after seeding: demo data is not news) and learns the sandbox's own URL. */
  attach(baseUrl: string): void {
    this.#baseUrl = baseUrl
    this.#org.onChange((change) => this.#onChange(change))
  }

  configure(input: NotificationSettingsInput): NotificationSettings {
    const settings = notificationSettingsSchema.parse(input)
    this.#changeEvents.close()
    for (const { outbox } of this.#outbound.values()) outbox.close()
    this.#outbound.clear()
    this.settings = settings
    this.#changeEvents = this.#changeEventOutbox()
    for (const om of settings.outboundMessages) {
      const object = this.#org.object(om.object)
      const actionId = this.#org.newId('04k')
      const url = om.url ?? settings.url
      const outbox = new Outbox<OutboundNotification>((items) => this.#sendOutbound(url, actionId, om.fields, items), {
        batch: 100,
        policy: settings.retry,
      })
      this.#outbound.set(object.name, { actionId, outbox })
    }
    return settings
  }

  /** Delivery counters: change events, and Outbound Messages by object. */
  stats(): { changeEvents: OutboxStats; outboundMessages: Record<string, OutboxStats> } {
    return {
      changeEvents: { ...this.#changeEvents.stats },
      outboundMessages: Object.fromEntries([...this.#outbound].map(([name, o]) => [name, { ...o.outbox.stats }])),
    }
  }

  /** Retries everything pending now rather than at its scheduled time. */
  flush(): void {
    this.#changeEvents.flush()
    for (const { outbox } of this.#outbound.values()) outbox.flush()
  }

  close(): void {
    this.#changeEvents.close()
    for (const { outbox } of this.#outbound.values()) outbox.close()
  }

  #changeEventOutbox(): Outbox<ChangeEventMessage> {
    return new Outbox<ChangeEventMessage>((events) => this.#sendChangeEvents(events), {
      batch: 200,
      policy: this.settings.retry,
    })
  }

  #onChange(change: RecordChange): void {
    if (!this.settings.url && this.settings.outboundMessages.every((o) => !o.url)) return
    const object = this.#org.object(change.object)
    const record = this.#org.find(object.name, change.id)
    const wantsEvents = this.settings.changeEvents
    if (
      this.settings.url &&
      (wantsEvents === true || (Array.isArray(wantsEvents) && wantsEvents.includes(object.name)))
    ) {
      const ctx = callContext.getStore()
      if (ctx) ctx.sequence++
      this.#changeEvents.add(
        buildChangeEvent({
          change,
          object,
          record,
          origin: changeOrigin(ctx),
          transactionKey: ctx?.transactionKey ?? randomUUID(),
          sequenceNumber: ctx?.sequence ?? 1,
          commitNumber: ++this.#commitNumber,
          commitUser: this.#org.userId,
          replayId: ++this.#replayId,
        }),
      )
    }
    const om = this.#outbound.get(object.name)
    if (om && change.changeType !== 'DELETE') {
      om.outbox.add({ id: this.#org.newId('04l'), object: object.name, recordId: change.id })
    }
  }

  async #sendChangeEvents(events: ChangeEventMessage[]): Promise<boolean> {
    if (!this.settings.url) return false
    const { body, headers } = await signedBatch(this.#secret, events)
    const res = await fetch(this.settings.url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(deliveryTimeoutMs),
    })
    await res.arrayBuffer()
    return res.ok
  }

  async #sendOutbound(
    url: string | null,
    actionId: string,
    fields: readonly string[] | undefined,
    items: OutboundNotification[],
  ): Promise<boolean> {
    if (!url) return false
    const object = this.#org.object(items[0]?.object ?? '')
    const body = buildNotifications({
      orgId: this.#org.orgId,
      actionId,
      baseUrl: this.#baseUrl,
      version: '62.0',
      object,
      fields,
      notifications: items.flatMap((n) => {
        const record = this.#org.find(object.name, n.recordId)
        return record ? [{ id: n.id, record }] : []
      }),
    })
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', SOAPAction: '""' },
      body,
      signal: AbortSignal.timeout(deliveryTimeoutMs),
    })
    return isAck(res.status, await res.text())
  }
}
