import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

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

/** What all write buffers together may hold, whatever the number of partitions. */
const bufferBudget = 8 * 1024 * 1024
const newline = 0x0a
/** UTF-8 takes at most three bytes per UTF-16 code unit. */
const maxBytesPerChar = 3

/**
 * Hash-partitioned spill files: both sides of a reconciliation are written to disk as NDJSON, split by the
 * hash of their join key, then joined one partition at a time. Memory holds one partition and a fixed
 * budget of write buffers, whatever the number of records.
 *
 * Each partition file has a byte buffer outside the JS heap; a line is encoded straight into it and the
 * buffer is appended to its file when full. The line strings therefore die young, instead of waiting in
 * the heap for their partition to fill, and a file is opened only to append a full block, so the number of
 * partitions is not bounded by open files. Appends are synchronous: a block is a few tens of KB, written in
 * microseconds, far apart.
 */
export class PartitionSpill<T extends { key: string }> {
  readonly #dir: string
  readonly #partitions: number
  readonly #size: number
  readonly #buffers: Record<Side, (Buffer | undefined)[]>
  readonly #used: Record<Side, number[]>

  constructor(dir: string, partitions = 128) {
    this.#dir = dir
    this.#partitions = partitions
    this.#size = Math.min(64 * 1024, Math.max(4 * 1024, Math.floor(bufferBudget / (2 * partitions))))
    this.#buffers = { source: new Array(partitions), target: new Array(partitions) }
    this.#used = { source: new Array(partitions).fill(0), target: new Array(partitions).fill(0) }
    mkdirSync(dir, { recursive: true })
  }

  #file(side: Side, p: number): string {
    return join(this.#dir, `${side}-${p}.ndjson`)
  }

  /** Adds one entry to its partition's file. */
  write(side: Side, entry: T): void {
    const p = partitionOf(entry.key, this.#partitions)
    const line = `${JSON.stringify(entry)}\n`
    const worst = line.length * maxBytesPerChar
    if (this.#used[side][p]! + worst > this.#size) this.#flush(side, p)
    if (worst > this.#size) {
      // Longer than a block (an order with many lines): straight to the file, after what was buffered.
      appendFileSync(this.#file(side, p), line)
      return
    }
    let buffer = this.#buffers[side][p]
    if (!buffer) {
      buffer = Buffer.allocUnsafe(this.#size)
      this.#buffers[side][p] = buffer
    }
    this.#used[side][p]! += buffer.write(line, this.#used[side][p]!)
  }

  #flush(side: Side, p: number): void {
    const used = this.#used[side][p]!
    if (used === 0) return
    appendFileSync(this.#file(side, p), this.#buffers[side][p]!.subarray(0, used))
    this.#used[side][p] = 0
  }

  #read(side: Side, p: number): T[] {
    let bytes: Buffer
    try {
      bytes = readFileSync(this.#file(side, p))
    } catch (err) {
      // A side that wrote nothing to this partition has no file.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
    // Decoded line by line from the bytes: one string of the whole file would be a large object, which V8
    // puts straight into the old generation, growing the heap with every partition read.
    const out: T[] = []
    let start = 0
    for (let end = bytes.indexOf(newline); end !== -1; end = bytes.indexOf(newline, start)) {
      if (end > start) out.push(JSON.parse(bytes.toString('utf8', start, end)) as T)
      start = end + 1
    }
    return out
  }

  /** Writes what is buffered and lets the buffers go, then yields each partition's entries of both sides. */
  *partitions(): Generator<{ index: number; source: T[]; target: T[] }> {
    for (const side of ['source', 'target'] as const) {
      for (let p = 0; p < this.#partitions; p++) this.#flush(side, p)
      this.#buffers[side].fill(undefined)
    }
    for (let p = 0; p < this.#partitions; p++) {
      yield { index: p, source: this.#read('source', p), target: this.#read('target', p) }
    }
  }

  get count(): number {
    return this.#partitions
  }

  remove(): void {
    rmSync(this.#dir, { recursive: true, force: true })
  }
}
