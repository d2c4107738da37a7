import { afterEach, describe, expect, it } from 'vitest'
import { bindHttp, type HttpFront } from '../../../src/serve.ts'

/** A promise with its resolve function, to hold a request in its handler for as long as a test needs. */
function deferred() {
  let release!: () => void
  const promise = new Promise<void>((resolve) => {
    release = resolve
  })
  return { promise, release }
}

describe('the HTTP front draining at shutdown', () => {
  let front: HttpFront | undefined
  afterEach(async () => {
    await front?.drain()
    front = undefined
  })

  it('answers 503 while the engine is starting', async () => {
    front = await bindHttp(0, '127.0.0.1')
    const res = await fetch(`http://127.0.0.1:${front.port}/readyz`)
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ status: 'starting' })
  })

  it('refuses new requests with 503, lets the ones being handled answer, ends event streams, then closes', async () => {
    front = await bindHttp(0, '127.0.0.1')
    const url = `http://127.0.0.1:${front.port}`
    const hold = deferred()
    const entered = deferred()
    front.use(async (req) => {
      const path = new URL(req.url).pathname
      if (path === '/events') {
        const never = new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('event: hello\n\n')) })
        return new Response(never, { headers: { 'content-type': 'text/event-stream' } })
      }
      if (path === '/webhook') {
        entered.release()
        await hold.promise
        return Response.json({ accepted: 1 }, { status: 202 })
      }
      return Response.json({ ok: true })
    })

    expect((await fetch(`${url}/other`)).status).toBe(200)
    const events = await fetch(`${url}/events`)
    const stream = events.body!.getReader()
    expect((await stream.read()).done).toBe(false)
    const inFlight = fetch(`${url}/webhook`, { method: 'POST', body: '{}' })
    await entered.promise

    let drained = false
    const draining = front.drain().then(() => {
      drained = true
    })

    // Intake has stopped: a new request is told to come back, and asked to close its connection.
    const refused = await fetch(`${url}/webhook`, { method: 'POST', body: '{}' })
    expect(refused.status).toBe(503)
    expect(refused.headers.get('connection')).toBe('close')
    expect(refused.headers.get('retry-after')).toBe('5')
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('SHUTTING_DOWN')
    // The event stream is ended rather than holding the shutdown open.
    await expect(
      (async () => {
        for (;;) if ((await stream.read()).done) return 'ended'
      })().catch(() => 'ended'),
    ).resolves.toBe('ended')
    // The request already being handled still holds the drain.
    expect(drained).toBe(false)

    hold.release()
    const accepted = await inFlight
    expect(accepted.status).toBe(202)
    expect(await accepted.json()).toEqual({ accepted: 1 })
    await draining
    await expect(fetch(`${url}/other`)).rejects.toThrow()
    front = undefined
  })
})
