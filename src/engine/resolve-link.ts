import type { Store } from '../store/store.ts'
import type { Flow } from './flows.ts'

/**
 * The id, in the system `from` reads, of a record that flow `via` linked. Cross-references run from a flow's
 * source to its target, so when `via` writes into the system `from` reads (the invoices flow, ERP → CRM,
 * following the customers flow, CRM → ERP), the link is read backwards: ERP customer id → CRM Account id.
 */
export async function resolveLink(
  flows: ReadonlyMap<string, Flow>,
  store: Store,
  from: Flow,
  via: string,
  id: string,
): Promise<string | undefined> {
  const link = flows.get(via)
  if (!link) return undefined
  if (isReverseLink(link, from)) return (await store.xrefs.findByTarget(via, id))?.source_id
  return (await store.xrefs.get(via, id))?.target_id
}

/** Whether `link` writes into the system `from` reads, so its cross-reference is read target → source. */
export function isReverseLink(link: Flow, from: Flow): boolean {
  return (
    link.config.target.connection === from.config.source.connection &&
    link.config.source.connection !== from.config.source.connection
  )
}
