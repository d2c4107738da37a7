import { readdirSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { PartitionSpill } from '../../../src/reconcile/spill.ts'
import { createTempDir, type TestDir } from '../../helpers/databases.ts'

type Entry = { key: string; n: number; text?: string }

describe('PartitionSpill', () => {
  let dir: TestDir
  afterEach(() => dir?.remove())

  const collect = (spill: PartitionSpill<Entry>) => {
    const parts = [...spill.partitions()]
    return { parts, source: parts.flatMap((p) => p.source), target: parts.flatMap((p) => p.target) }
  }

  it('puts both sides of a key in the same partition and gives every entry back once', () => {
    dir = createTempDir()
    const spill = new PartitionSpill<Entry>(`${dir.path}/spill`, 8)
    for (let n = 0; n < 1_000; n++) {
      spill.write('source', { key: `k${n}`, n })
      if (n % 2 === 0) spill.write('target', { key: `k${n}`, n })
    }
    const { parts, source, target } = collect(spill)
    for (const part of parts) {
      const keys = new Set(part.source.map((e) => e.key))
      for (const t of part.target) expect(keys.has(t.key)).toBe(true)
    }
    expect(source.map((e) => e.n).sort((a, b) => a - b)).toEqual(Array.from({ length: 1_000 }, (_, n) => n))
    expect(target).toHaveLength(500)
  })

  it('keeps text intact across block boundaries, multi-byte characters and lines longer than a block', () => {
    dir = createTempDir()
    // 512 partitions: the smallest blocks (8 KB); a 20,000-character line does not fit one.
    const spill = new PartitionSpill<Entry>(`${dir.path}/spill`, 512)
    const long = 'Đ'.repeat(20_000)
    const written: Entry[] = []
    for (let n = 0; n < 5_000; n++) {
      const entry = { key: `k${n % 700}`, n, text: n === 2_500 ? long : `Công ty Số ${n} — “quoted”\n line` }
      written.push(entry)
      spill.write('source', entry)
    }
    const { source } = collect(spill)
    expect(source.sort((a, b) => a.n - b.n)).toEqual(written)
  })

  it('removes its files', () => {
    dir = createTempDir()
    const spill = new PartitionSpill<Entry>(`${dir.path}/spill`, 4)
    spill.write('target', { key: 'a', n: 1 })
    collect(spill)
    spill.remove()
    expect(readdirSync(dir.path)).toEqual([])
  })
})
