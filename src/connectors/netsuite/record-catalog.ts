/**
 * Where each REST record type lives in SuiteQL (reference §5): entities have their own tables, while
 * transactions and items share one table told apart by a type code. Polling and the upsert pre-check use
 * it; a type not listed is assumed to be a table of the same (lower-cased) name.
 */

export interface SuiteQlSource {
  table: string
  /** A condition on the shared table, with its binds. */
  filter?: { sql: string; params: string[] }
}

const transaction = (code: string): SuiteQlSource => ({
  table: 'transaction',
  filter: { sql: 'type = ?', params: [code] },
})
const item = (code: string): SuiteQlSource => ({ table: 'item', filter: { sql: 'itemtype = ?', params: [code] } })

const sources: Record<string, SuiteQlSource> = {
  customer: { table: 'customer' },
  contact: { table: 'contact' },
  employee: { table: 'employee' },
  vendor: { table: 'vendor' },
  salesOrder: transaction('SalesOrd'),
  invoice: transaction('CustInvc'),
  customerPayment: transaction('CustPymt'),
  creditMemo: transaction('CustCred'),
  cashSale: transaction('CashSale'),
  customerDeposit: transaction('CustDep'),
  estimate: transaction('Estimate'),
  returnAuthorization: transaction('RtnAuth'),
  itemFulfillment: transaction('ItemShip'),
  inventoryItem: item('InvtPart'),
  nonInventorySaleItem: item('NonInvtPart'),
  serviceSaleItem: item('Service'),
  kitItem: item('Kit'),
}

const byLowerName = new Map(Object.keys(sources).map((name) => [name.toLowerCase(), name]))
// SuiteScript names every non-inventory item `noninventoryitem` (and services `serviceitem`) whatever its
// subtype; the User Event script posts those names, which mean the sale subtype this connector serves.
byLowerName.set('noninventoryitem', 'nonInventorySaleItem')
byLowerName.set('serviceitem', 'serviceSaleItem')

/** The REST spelling of a record type named in any case (`salesorder` → `salesOrder`), if known. */
export function restRecordType(name: string): string {
  return byLowerName.get(name.toLowerCase()) ?? name
}

export function suiteQlSourceOf(recordType: string): SuiteQlSource {
  return sources[restRecordType(recordType)] ?? { table: recordType.toLowerCase() }
}
