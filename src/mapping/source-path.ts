export type SourceData = Record<string, unknown>

/**
 * Reads a dotted path (`Account.Owner.Name`); a missing or null parent yields undefined, as Salesforce
 * returns `Account: null` when the lookup is empty.
 */
export function getPath(data: SourceData, path: string): unknown {
  let node: unknown = data
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

export type PathReader = (data: SourceData) => unknown

/**
 * `getPath` for one path, split once: a mapping reads the same paths from every record, so the split and
 * the loop are done at compile time (a plain field is one property read).
 */
export function compilePath(path: string): PathReader {
  const keys = path.split('.')
  if (keys.length === 1) {
    const key = path
    return (data) => (data !== null && typeof data === 'object' ? data[key] : undefined)
  }
  if (keys.length === 2) {
    const [first, second] = keys as [string, string]
    return (data) => {
      if (data === null || typeof data !== 'object') return undefined
      const parent = data[first]
      return parent === null || typeof parent !== 'object' ? undefined : (parent as Record<string, unknown>)[second]
    }
  }
  return (data) => {
    let node: unknown = data
    for (const key of keys) {
      if (node === null || typeof node !== 'object') return undefined
      node = (node as Record<string, unknown>)[key]
    }
    return node
  }
}

/**
 * The rows of a source list: a plain array, a Salesforce subquery result (`{ records: [...] }`) or a
 * NetSuite sublist (`{ items: [...] }`). Anything else is no rows.
 */
export function listRows(value: unknown): SourceData[] {
  const rows = Array.isArray(value)
    ? value
    : value && typeof value === 'object'
      ? ((value as { records?: unknown }).records ?? (value as { items?: unknown }).items)
      : undefined
  if (!Array.isArray(rows)) return []
  // Rows are objects all but always; the copy is made only when one is not.
  for (const r of rows) if (r === null || typeof r !== 'object') return rows.filter(isRow)
  return rows as SourceData[]
}

function isRow(r: unknown): r is SourceData {
  return r !== null && typeof r === 'object'
}

export function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null) return true
  if (typeof v !== 'string') return false
  // A string starting with a visible ASCII character is not blank; only the rest need trimming to tell.
  const first = v.charCodeAt(0)
  return !(first > 32 && first < 127) && v.trim() === ''
}
