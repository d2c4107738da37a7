import { invalidParameter } from '../ns-error.ts'

// Paging of the record list and the SuiteQL service, which NetSuite pages alike (reference §4, §5).

/** A `limit`/`offset` query parameter: an integer in range, else 400 INVALID_PARAMETER naming it. */
export function pagingNumber(
  raw: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    throw invalidParameter(
      name,
      `Invalid value '${raw}' for query parameter ${name}: expected an integer from ${min} to ${max}.`,
    )
  }
  return n
}

/** `previous`/`first` before the page, `next`/`last` after it, then `self` (record-list-customer.json). */
export function pageLinks(href: (offset: number) => string, offset: number, limit: number, total: number) {
  const links: { rel: string; href: string }[] = []
  const last = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit
  if (offset > 0)
    links.push({ rel: 'previous', href: href(Math.max(0, offset - limit)) }, { rel: 'first', href: href(0) })
  if (offset + limit < total) links.push({ rel: 'next', href: href(offset + limit) }, { rel: 'last', href: href(last) })
  links.push({ rel: 'self', href: href(offset) })
  return links
}
