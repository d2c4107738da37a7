import { Writable } from 'node:stream'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildChangeEventRequest } from '../../../src/connectors/salesforce/webhook.ts'
import { createApp } from '../../../src/http/app.ts'
import { requestContext } from '../../../src/http/request-context.ts'
import { createLogger, runWithLogContext } from '../../../src/lib/logger.ts'
import { type RuntimeFixture, startRuntimeFixture } from '../../helpers/runtime-fixture.ts'

const bootstrap = 'request-id-admin-token-0123456789abcdef'

interface LogLine {
  msg: string
  level: number
  requestId?: string
  [key: string]: unknown
}

/** A logger whose JSON lines are kept in memory, parsed, with the raw text beside them. */
function capturingLogger(level = 'debug') {
  const raw: string[] = []
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(...chunk.toString().split('\n').filter(Boolean))
      done()
    },
  })
  const logger = createLogger(level, {}, sink)
  return { logger, raw, lines: () => raw.map((l) => JSON.parse(l) as LogLine) }
}

describe('request ids', () => {
  let fx: RuntimeFixture
  let app: ReturnType<typeof createApp>
  let logs: ReturnType<typeof capturingLogger>

  beforeAll(async () => {
    fx = await startRuntimeFixture({ flows: ['customers'], env: { TANDEM_ADMIN_TOKEN: bootstrap } })
    logs = capturingLogger()
    app = createApp(fx.rt, logs.logger)
  })
  afterAll(async () => {
    await fx?.close()
  })

  const linesOf = (id: string) => logs.lines().filter((l) => l.requestId === id)
  const webhook = async (headers: Record<string, string> = {}, secret = fx.crm.credentials.webhookSecret!) => {
    const signed = await buildChangeEventRequest(secret, [
      { object: 'Account', recordIds: ['001000000000777AAA'], changeType: 'UPDATE' },
    ])
    return app.request('/webhooks/crm', {
      method: 'POST',
      headers: { ...signed.headers, ...headers },
      body: signed.body,
    })
  }

  it('keeps a sane incoming X-Request-Id, echoes it, and writes it on every line of the request', async () => {
    const res = await webhook({ 'x-request-id': 'lb-trace-0042' })
    expect(res.status).toBe(202)
    expect(res.headers.get('x-request-id')).toBe('lb-trace-0042')
    const lines = linesOf('lb-trace-0042')
    expect(lines.map((l) => l.msg)).toEqual(['webhook accepted', 'request done'])
    expect(lines[1]).toMatchObject({ method: 'POST', path: '/webhooks/crm', status: 202 })
    // Bound once: pino would write a duplicated key if both the child and the mixin added it.
    for (const raw of logs.raw.filter((l) => l.includes('lb-trace-0042'))) {
      expect(raw.match(/"requestId"/g)).toHaveLength(1)
    }
  })

  it('generates an id when none is sent, and replaces one that is unsafe to echo or log', async () => {
    const none = await app.request('/healthz')
    const generated = none.headers.get('x-request-id')
    expect(generated).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)

    for (const unsafe of ['has spaces in it', 'x'.repeat(129), 'semi;colon', '{"json":1}']) {
      const res = await app.request('/healthz', { headers: { 'x-request-id': unsafe } })
      const id = res.headers.get('x-request-id')
      expect(id).not.toBe(unsafe)
      expect(id).toMatch(/^[0-9a-f-]{36}$/)
    }
    const distinct = new Set(
      await Promise.all([1, 2, 3].map(async () => (await app.request('/healthz')).headers.get('x-request-id'))),
    )
    expect(distinct.size).toBe(3)
  })

  it('puts the request id into error answers, and the rejection is logged under it', async () => {
    const res = await webhook({}, 'not-the-configured-secret')
    expect(res.status).toBe(401)
    const id = res.headers.get('x-request-id')!
    const body = (await res.json()) as { error: { code: string; requestId: string } }
    expect(body.error).toMatchObject({ code: 'WEBHOOK_UNAUTHORIZED', requestId: id })
    expect(linesOf(id).map((l) => l.msg)).toEqual(['webhook rejected', 'request refused'])
    expect(linesOf(id)[1]).toMatchObject({ status: 401, level: 30 })
  })

  it('carries the id in admin API errors and their log line', async () => {
    const denied = await app.request('/api/v1/flows', { headers: { 'x-request-id': 'admin-call-1' } })
    expect(denied.status).toBe(401)
    expect(((await denied.json()) as { error: { requestId: string } }).error.requestId).toBe('admin-call-1')
    expect(linesOf('admin-call-1')).toMatchObject([{ msg: 'request refused', status: 401, path: '/api/v1/flows' }])

    const unknown = await app.request('/api/v1/flows/no-such-flow/reconcile', {
      method: 'POST',
      headers: { authorization: `Bearer ${bootstrap}`, 'content-type': 'application/json', 'x-request-id': 'op-2' },
      body: '{}',
    })
    const answer = (await unknown.json()) as { error: { requestId: string } }
    expect(answer.error.requestId).toBe('op-2')
    expect(linesOf('op-2').at(-1)).toMatchObject({ msg: 'request refused', status: unknown.status })
  })

  it('never logs the query string, where a token could travel', async () => {
    const res = await app.request('/api/v1/flows?access_token=do-not-log-me', { headers: { 'x-request-id': 'q-1' } })
    expect(res.status).toBe(401)
    expect(linesOf('q-1')).toHaveLength(1)
    expect(logs.raw.join('\n')).not.toContain('do-not-log-me')
  })
})

describe('the request-context middleware', () => {
  it('echoes the id also on a Response a handler built itself', async () => {
    const app = new Hono()
    app.use(...requestContext(createLogger('silent')))
    app.post('/soap', () => new Response('<ack/>', { headers: { 'content-type': 'text/xml' } }))
    const res = await app.request('/soap', { method: 'POST', headers: { 'x-request-id': 'soap-7' } })
    expect(res.headers.get('x-request-id')).toBe('soap-7')
    expect(res.headers.get('content-type')).toBe('text/xml')
    expect(await res.text()).toBe('<ack/>')
  })
})

describe('the process logger inside a request', () => {
  it('adds the request id to lines written by code below the HTTP layer, across awaits and timers', async () => {
    const logs = capturingLogger('info')
    await runWithLogContext({ requestId: 'deep-1' }, async () => {
      logs.logger.info('engine line')
      await new Promise((resolve) => setTimeout(resolve, 1))
      logs.logger.child({ flow: 'customers' }).warn('store line')
    })
    logs.logger.info('outside any request')
    expect(logs.lines().map((l) => [l.msg, l.requestId])).toEqual([
      ['engine line', 'deep-1'],
      ['store line', 'deep-1'],
      ['outside any request', undefined],
    ])
  })
})
