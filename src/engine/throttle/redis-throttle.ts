import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { ConnectionLimits, RequestThrottle } from '../../connectors/types.ts'
import { easeOffMs } from './local-throttle.ts'

/**
 * One admission step, atomic in Redis and timed by Redis's own clock so processes on different machines
 * agree. KEYS: slots (zset token → lease expiry), window (zset of request times), pause (ms timestamp),
 * reduced (the lowered ceiling, expiring). ARGV: token, max concurrent, lease ms, window requests (0: no
 * window), window ms. Returns 0 when admitted, else how long to wait (ms).
 */
const admitScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local pause = tonumber(redis.call('GET', KEYS[3]) or '0')
if pause > now then return pause - now end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local ceiling = tonumber(ARGV[2])
local reduced = redis.call('GET', KEYS[4])
if reduced then ceiling = math.min(ceiling, tonumber(reduced)) end
if redis.call('ZCARD', KEYS[1]) >= ceiling then return -1 end
local per = tonumber(ARGV[4])
if per > 0 then
  local span = tonumber(ARGV[5])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - span)
  if redis.call('ZCARD', KEYS[2]) >= per then
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    return math.max(1, tonumber(oldest[2]) + span - now)
  end
  redis.call('ZADD', KEYS[2], now, ARGV[1])
  redis.call('PEXPIRE', KEYS[2], span)
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
return 0
`

/** A 429: halve the ceiling for a while, and pause everyone for the Retry-After when there is one. */
const slowDownScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if tonumber(ARGV[1]) > 0 then
  local until_ = now + tonumber(ARGV[1])
  local pause = tonumber(redis.call('GET', KEYS[1]) or '0')
  if until_ > pause then redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1])) end
end
local current = tonumber(redis.call('GET', KEYS[2]) or ARGV[2])
redis.call('SET', KEYS[2], math.max(1, math.floor(current / 2)), 'PX', tonumber(ARGV[3]))
return 0
`

/** A slot is leased, not owned: a process that dies holding one gives it back when the lease lapses. */
const defaultLeaseMs = 60_000

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/**
 * The throttle for scale mode: every process of the deployment shares the connection's ceilings through
 * Redis. Waiting processes poll with a short jittered delay (a few ms), which keeps admission fair enough
 * without a notification channel.
 */
export function createRedisThrottle(
  redis: Redis,
  key: string,
  limits: ConnectionLimits,
  opts: { leaseMs?: number } = {},
): RequestThrottle {
  const leaseMs = opts.leaseMs ?? defaultLeaseMs
  const keys = [`${key}:slots`, `${key}:window`, `${key}:pause`, `${key}:reduced`]
  const per = limits.perInterval

  async function acquire(token: string): Promise<void> {
    for (;;) {
      const wait = Number(
        await redis.eval(
          admitScript,
          4,
          ...keys,
          token,
          limits.maxConcurrent,
          leaseMs,
          per?.requests ?? 0,
          per?.ms ?? 0,
        ),
      )
      if (wait === 0) return
      // -1: all slots busy; poll soon. Otherwise the pause or window says when.
      await sleep(wait < 0 ? 2 + Math.random() * 8 : wait)
    }
  }

  return {
    async run(request) {
      const token = randomUUID()
      await acquire(token)
      try {
        return await request()
      } finally {
        await redis.zrem(keys[0]!, token).catch(() => {})
      }
    },
    slowDown(retryAfterMs = 0) {
      void redis
        .eval(slowDownScript, 2, keys[2]!, keys[3]!, retryAfterMs, limits.maxConcurrent, easeOffMs)
        .catch(() => {})
    },
  }
}
