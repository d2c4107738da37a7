import { describe, expect, it } from 'vitest'
import { PartitionSpill } from '../../../src/reconcile/spill.ts'
import { createTempDir } from '../../helpers/databases.ts'

describe('PartitionSpill', () => {
  it('puts both sides of a key in the same partition and gives every entry back once', async () => {
    const dir = createTempDir()
    const spill = new PartitionSpill<{ key: string; side: string; n: number }>(`${dir.path}/spill`, 8)
    for (let n = 0; n < 1_000; n++) {
      await spill.write('source', { key: `k${n}`, side: 's', n })
      if (n % 2 === 0) await spill.write('target', { key: `k${n}`, side: 't', n })
    }
    let sources = 0
    let targets = 0
    for await (const part of spill.partitions()) {
      const keys = new Set(part.source.map((e) => e.key))
      for (const t of part.target) expect(keys.has(t.key)).toBe(true)
      sources += part.source.length
      targets += part.target.length
    }
    expect([sources, targets]).toEqual([1_000, 500])
    await spill.remove()
    dir.remove()
  })
})
