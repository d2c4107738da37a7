/**
 * Value → record ids for the fields an org matches on (external ids, idLookup and unique fields), so an
 * upsert or a uniqueness check costs a map lookup instead of a scan of every record. External-id matching
 * is case-insensitive, as on the platform (unless a field is marked case-sensitive, which the sandbox's
 * schema does not model).
 */
export class LookupIndex {
  readonly #byField = new Map<string, Map<string, Set<string>>>()

  /** Starts indexing a field; values written before this call are not in the index. */
  track(objectName: string, fieldName: string): void {
    const key = keyOf(objectName, fieldName)
    if (!this.#byField.has(key)) this.#byField.set(key, new Map())
  }

  tracks(objectName: string, fieldName: string): boolean {
    return this.#byField.has(keyOf(objectName, fieldName))
  }

  add(objectName: string, fieldName: string, value: unknown, id: string): void {
    const values = this.#byField.get(keyOf(objectName, fieldName))
    const v = normalise(value)
    if (!values || v === null) return
    let ids = values.get(v)
    if (!ids) {
      ids = new Set()
      values.set(v, ids)
    }
    ids.add(id)
  }

  remove(objectName: string, fieldName: string, value: unknown, id: string): void {
    const values = this.#byField.get(keyOf(objectName, fieldName))
    const v = normalise(value)
    if (!values || v === null) return
    const ids = values.get(v)
    ids?.delete(id)
    if (ids?.size === 0) values.delete(v)
  }

  /** Ids of every record (deleted ones included) holding `value` in the field. */
  lookup(objectName: string, fieldName: string, value: unknown): string[] {
    const v = normalise(value)
    if (v === null) return []
    return [...(this.#byField.get(keyOf(objectName, fieldName))?.get(v) ?? [])]
  }
}

function keyOf(objectName: string, fieldName: string): string {
  return `${objectName}\u0000${fieldName}`
}

function normalise(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null
  return String(value).toLowerCase()
}
