import { describe, expect, it } from 'vitest'
import type { TargetRecord, UpsertResult } from '../../../src/connectors/types.ts'
import { createCallBatcher } from '../../../src/engine/call-batcher.ts'
import { PermanentError } from '../../../src/errors.ts'

describe('call batcher', () => {
  it('gathers concurrent items into full batches and hands each its own result', async () => {
    const calls: TargetRecord[][] = []
    const batcher = createCallBatcher<TargetRecord, UpsertResult>(
      async (rows) => {
        calls.push([...rows])
        return rows.map(
          (r): UpsertResult =>
            r.n === 3
              ? { ok: false, error: new PermanentError('INVALID', 'row 3 refused') }
              : { ok: true, id: `id-${r.n}`, created: true },
        )
      },
      { max: 4, lingerMs: 10_000 },
    )
    const results = await Promise.all(Array.from({ length: 8 }, (_, n) => batcher.call({ n })))
    expect(calls.map((c) => c.length)).toEqual([4, 4])
    expect(results[0]).toEqual({ ok: true, id: 'id-0', created: true })
    expect(results[3]).toMatchObject({ ok: false, error: { code: 'INVALID' } })
    expect(results[7]).toEqual({ ok: true, id: 'id-7', created: true })
  })

  it('sends a partial batch after the linger, and fails every item of a failed or short call', async () => {
    let call = 0
    const batcher = createCallBatcher<number, string>(
      async (items) => {
        call++
        if (call === 1) throw new Error('503')
        if (call === 2) return ['only one']
        return items.map(String)
      },
      { max: 200, lingerMs: 5 },
    )
    const first = await Promise.allSettled([batcher.call(1), batcher.call(2)])
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    const short = await Promise.allSettled([batcher.call(3), batcher.call(4)])
    expect(short.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    await expect(batcher.call(5)).resolves.toBe('5')
  })
})
