import { listRows } from './source-path.ts'

/**
 * Whether a target already holds what a mapping would write. Only the fields the mapping writes are compared
 * (the target has many more); numbers compare by value whatever their form (`"12.50"` and `12.5`); a
 * reference written as `{ id }` matches one read back as `{ id, refName }`; lists compare row by row,
 * whether read back as an array, `{ items }` (NetSuite sublists) or `{ records }` (Salesforce subqueries).
 */
export function valuesMatch(next: unknown, current: unknown): boolean {
  if (next === null || next === undefined || next === '') {
    return current === null || current === undefined || current === ''
  }
  if (Array.isArray(next)) {
    const rows = listRows(current)
    return rows.length === next.length && next.every((row, i) => valuesMatch(row, rows[i]))
  }
  if (typeof next === 'object') {
    if (current === null || typeof current !== 'object') return false
    const cur = current as Record<string, unknown>
    return Object.entries(next as Record<string, unknown>).every(([k, v]) => valuesMatch(v, cur[k]))
  }
  if (typeof next === 'number' || typeof current === 'number') {
    const a = Number(next)
    const b = Number(current)
    return !Number.isNaN(a) && !Number.isNaN(b) && a === b
  }
  if (typeof next === 'boolean' || typeof current === 'boolean') return String(next) === String(current)
  return next === current
}

export interface FieldDiff {
  field: string
  current: unknown
  next: unknown
}

/** The fields of a payload whose value differs from the target record's. */
export function diffPayload(payload: Record<string, unknown>, current: Record<string, unknown> | null): FieldDiff[] {
  return Object.entries(payload).flatMap(([field, next]) => {
    const cur = current?.[field] ?? null
    return valuesMatch(next, cur) ? [] : [{ field, current: cur, next }]
  })
}
