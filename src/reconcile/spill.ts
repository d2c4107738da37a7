import { createReadStream, createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

export type Side = 'source' | 'target'

/** FNV-1a: fast and well spread for short ids; only used to pick a partition. */
function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) % partitions
}

/**
 * Hash-partitioned spill files: both sides of a reconciliation are written to disk as NDJSON, split by
 * the hash of their join key, then joined one partition at a time. Memory holds one partition, whatever
 * the number of records (100,000 per side over 64 partitions: about 1,600 entries each side at a time).
 */
export class PartitionSpill<T extends { key: string }> {
  readonly #dir: string
  readonly #partitions: number
  readonly #streams = new Map<string, WriteStream>()

  constructor(dir: string, partitions = 64) {
    this.#dir = dir
    this.#partitions = partitions
    mkdirSync(dir, { recursive: true })
  }

  #file(side: Side, p: number): string {
    return join(this.#dir, `${side}-${p}.ndjson`)
  }

  async write(side: Side, entry: T): Promise<void> {
    const p = partitionOf(entry.key, this.#partitions)
    const name = `${side}-${p}`
    let stream = this.#streams.get(name)
    if (!stream) {
      stream = createWriteStream(this.#file(side, p), { flags: 'a' })
      this.#streams.set(name, stream)
    }
    if (!stream.write(`${JSON.stringify(entry)}\n`)) await new Promise<void>((r) => stream.once('drain', r))
  }

  async #closeAll(): Promise<void> {
    await Promise.all([...this.#streams.values()].map((s) => new Promise<void>((r) => s.end(r))))
    this.#streams.clear()
  }

  async #read(side: Side, p: number): Promise<T[]> {
    const out: T[] = []
    const stream = createReadStream(this.#file(side, p), { encoding: 'utf8' })
    try {
      for await (const line of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
        if (line) out.push(JSON.parse(line) as T)
      }
    } catch (err) {
      // A side that wrote nothing to this partition has no file.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    return out
  }

  /** Closes the files, then yields each partition's entries of both sides. */
  async *partitions(): AsyncGenerator<{ index: number; source: T[]; target: T[] }> {
    await this.#closeAll()
    for (let p = 0; p < this.#partitions; p++) {
      yield { index: p, source: await this.#read('source', p), target: await this.#read('target', p) }
    }
  }

  get count(): number {
    return this.#partitions
  }

  async remove(): Promise<void> {
    await this.#closeAll()
    rmSync(this.#dir, { recursive: true, force: true })
  }
}
