import type { Connection } from '../connectors/types.ts'
import { valuesMatch } from '../mapping/compare-values.ts'

export type Lookup = (object: string, where: Readonly<Record<string, unknown>>, field: string) => Promise<unknown>

/** How long a looked-up value is trusted: reference tables (price books, terms) change rarely. */
const ttlMs = 10 * 60_000

/**
 * Finds a value on a small reference table of a connection by scanning it once and caching the answer per
 * (object, conditions, field). A failed scan is not cached, so the next record retries it.
 */
export function createLookup(conn: Connection, now = () => Date.now()): Lookup {
  const cache = new Map<string, { at: number; value: Promise<unknown> }>()
  return (object, where, field) => {
    const key = JSON.stringify([object, where, field])
    const hit = cache.get(key)
    if (hit && now() - hit.at < ttlMs) return hit.value
    const value = scan(conn, object, where, field)
    cache.set(key, { at: now(), value })
    value.catch(() => cache.delete(key))
    return value
  }
}

async function scan(conn: Connection, object: string, where: Readonly<Record<string, unknown>>, field: string) {
  const fields = [...new Set([...Object.keys(where), field])].filter((f) => f !== 'id')
  for await (const page of conn.object(object).listAll({ fields })) {
    for (const rec of page) {
      const data: Record<string, unknown> = { ...rec.data, id: rec.id }
      if (Object.entries(where).every(([k, v]) => valuesMatch(v, data[k]))) return data[field]
    }
  }
  return undefined
}
