import type { TargetRecord } from '../types.ts'

/**
 * A mapped row as NetSuite's record service takes it. Lists become `{ items: [...] }` (sublists and
 * multiselects are written that way, reference §4), and every sublist the row carries is named in
 * `replace=`: the row holds the record's whole list, so lines no longer in the source must go. Without
 * it NetSuite merges keyed lines and appends the rest, and each re-sync of an order would add its
 * lines again.
 */
export interface WriteBody {
  body: Record<string, unknown>
  /** Sublists to send in `?replace=`, empty when the row has none. */
  replace: string[]
}

const isItemsObject = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Array.isArray((v as { items?: unknown }).items)

/** True when the row carries a list, so knowing the record's sublists matters. */
export function carriesLists(row: TargetRecord): boolean {
  return Object.values(row).some((v) => Array.isArray(v) || isItemsObject(v))
}

/**
 * `sublists`: the record's sublist names from its metadata; undefined when unknown, and then every
 * list-valued field is taken for a sublist.
 */
export function writeBody(row: TargetRecord, sublists: ReadonlySet<string> | undefined): WriteBody {
  const body: Record<string, unknown> = {}
  const replace: string[] = []
  for (const [name, value] of Object.entries(row)) {
    const list = Array.isArray(value) || isItemsObject(value)
    body[name] = Array.isArray(value) ? { items: value } : value
    if (list && (sublists === undefined || sublists.has(name))) replace.push(name)
  }
  return { body, replace }
}
