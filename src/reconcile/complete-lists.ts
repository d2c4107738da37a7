import type { ObjectApi, SourceRecord } from '../connectors/types.ts'

type ListSpec = { path: string; fields: readonly string[] }

/** Whether a record carries the list at all: absent means it was not read, an empty or null list is data. */
function hasList(data: Record<string, unknown>, path: string): boolean {
  const top = (path.split('.')[0] ?? path).toLowerCase()
  return Object.keys(data).some((k) => k.toLowerCase() === top)
}

/**
 * A page of source records with the child lists the mapping reads (order lines). A connector's `listAll`
 * should bring them along; one that does not would make every order look as if it had no lines, which is
 * drift that is not there. Records that come without a list are read again by id with their lists, one
 * `getMany` per page, so the comparison sees what a sync would read.
 */
export async function completeLists(
  object: ObjectApi,
  page: SourceRecord[],
  fields: readonly string[],
  lists: readonly ListSpec[],
): Promise<SourceRecord[]> {
  if (lists.length === 0) return page
  const lacking = page.filter((r) => lists.some((l) => !hasList(r.data, l.path)))
  if (lacking.length === 0) return page
  const found = await object.getMany(
    lacking.map((r) => r.id),
    fields,
    { lists },
  )
  // A record deleted between the listing and this read is gone from the source, as if never listed.
  return page.flatMap((r) => (lists.every((l) => hasList(r.data, l.path)) ? [r] : (found.get(r.id) ?? [])))
}
