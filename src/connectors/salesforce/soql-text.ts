import { PermanentError } from '../../errors.ts'

/** SOQL text built by the connector. Names and ids are pattern-checked first, so nothing can be injected. */
export const idPattern = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/
export const namePattern = /^[A-Za-z][A-Za-z0-9_]*$/
export const pathPattern = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/

/**
 * Budget for the encoded SOQL in `GET /query?q=`: Salesforce answers 414 past a 16,384-byte request URI,
 * and the path and version take a few dozen bytes of it.
 */
const maxEncodedSoql = 16_000

/** SOQL dateTime literal: unquoted ISO 8601 with a zone; milliseconds are allowed (and ignored by the org). */
export function soqlDatetime(ms: number): string {
  return new Date(ms).toISOString()
}

/** Salesforce's `2024-05-01T12:34:56.000+0000` as ISO 8601 UTC. */
export function toIso(value: unknown): string | null {
  if (typeof value !== 'string') return null
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
  return Number.isNaN(ms) ? null : new Date(ms).toISOString()
}

/** Refuses anything that is not a field path, so it can be spliced into SOQL. */
export function checkPaths(paths: readonly string[]): void {
  const bad = paths.find((f) => !pathPattern.test(f))
  if (bad) throw new PermanentError('SF_INVALID_FIELD', `not a field name: ${bad}`)
}

/** A select list without repeats: SOQL refuses a field selected twice, and names are case-insensitive. */
export function selectList(fields: readonly string[]): string[] {
  return [...new Map(fields.map((f) => [f.toLowerCase(), f])).values()]
}

/**
 * `SELECT <select> FROM <object> WHERE Id IN (…)` statements covering `ids`, each short enough for a GET.
 * Ids are pattern-checked before they get here, so quoting them cannot inject anything.
 */
export function idQueries(select: string, object: string, ids: readonly string[]): { soql: string; ids: string[] }[] {
  const head = `SELECT ${select} FROM ${object} WHERE Id IN (`
  const cost = (text: string) => encodeURIComponent(text).length
  if (cost(`${head}'${'x'.repeat(18)}')`) > maxEncodedSoql) {
    throw new PermanentError('SF_QUERY_TOO_LONG', `the field list of ${object} is too long for one SOQL query`)
  }
  const out: { soql: string; ids: string[] }[] = []
  let chunk: string[] = []
  let size = cost(head) + cost(')')
  for (const id of ids) {
    const add = cost(`'${id}', `)
    if (chunk.length > 0 && size + add > maxEncodedSoql) {
      out.push({ soql: `${head}${chunk.map((c) => `'${c}'`).join(', ')})`, ids: chunk })
      chunk = []
      size = cost(head) + cost(')')
    }
    chunk.push(id)
    size += add
  }
  if (chunk.length > 0) out.push({ soql: `${head}${chunk.map((c) => `'${c}'`).join(', ')})`, ids: chunk })
  return out
}
