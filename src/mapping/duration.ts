import { z } from 'zod'

const durationPattern = /^(\d+)(ms|s|m|h|d)$/
const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

/** `30s`, `5m`, `1h`, `250ms`, `7d`, or a number of seconds; parsed to milliseconds. */
export const durationSchema = z
  .union([z.number().positive(), z.string().regex(durationPattern, 'use a duration such as 30s, 5m or 1h')])
  .transform((v) => {
    if (typeof v === 'number') return v * 1_000
    const [, n, unit] = durationPattern.exec(v) ?? []
    return Number(n) * unitMs[unit as keyof typeof unitMs]
  })
