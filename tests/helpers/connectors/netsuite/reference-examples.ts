import { readFileSync } from 'node:fs'

/**
 * The NetSuite reference examples (shared/reference/netsuite-examples), read where they live so the tests
 * check against the independent vectors themselves rather than a copy that could drift.
 */
const examples = new URL('../../../../../shared/reference/netsuite-examples/', import.meta.url)

/** A file of the examples folder as text, byte for byte. */
export function referenceText(name: string): string {
  return readFileSync(new URL(name, examples), 'utf8')
}

/** A file of the examples folder, parsed. */
export function referenceJson<T = unknown>(name: string): T {
  return JSON.parse(referenceText(name)) as T
}
