import type { Redis } from 'ioredis'
import type { ConnectionLimits, RequestThrottle } from '../../connectors/types.ts'
import { createLocalThrottle } from './local-throttle.ts'
import { createRedisThrottle } from './redis-throttle.ts'

/**
 * A throttle that learns its limits once the connection exists: the connector receives it at creation,
 * while the ceilings come from the connection it creates. Requests before that (none, in practice) wait.
 */
export function deferredThrottle(): RequestThrottle & { bind(throttle: RequestThrottle): void } {
  let bound: RequestThrottle | undefined
  let ready: () => void = () => {}
  const isReady = new Promise<void>((resolve) => {
    ready = resolve
  })
  return {
    bind(throttle) {
      bound = throttle
      ready()
    },
    async run(request) {
      if (!bound) await isReady
      return bound!.run(request)
    },
    slowDown(retryAfterMs) {
      bound?.slowDown(retryAfterMs)
    },
  }
}

/** In-process in embedded mode; shared through Redis when the deployment has one (scale mode). */
export function createThrottle(limits: ConnectionLimits, shared?: { redis: Redis; key: string }): RequestThrottle {
  return shared ? createRedisThrottle(shared.redis, shared.key, limits) : createLocalThrottle(limits)
}

/**
 * Counts every request a connector makes and how long it waited for its turn: remote calls per connection
 * and throttle waits are what an operator checks when a system slows down or a quota runs out.
 */
export function measuredThrottle(
  inner: RequestThrottle,
  measure: { waited(seconds: number): void; finished(ok: boolean): void },
): RequestThrottle {
  return {
    async run(request) {
      const asked = performance.now()
      return inner.run(async () => {
        measure.waited((performance.now() - asked) / 1000)
        try {
          const result = await request()
          measure.finished(true)
          return result
        } catch (err) {
          measure.finished(false)
          throw err
        }
      })
    },
    slowDown: (ms) => inner.slowDown(ms),
  }
}
