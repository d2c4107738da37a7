import { contactType } from './contact.ts'
import { customerType } from './customer.ts'
import { customerPaymentType } from './customer-payment.ts'
import { employeeType } from './employee.ts'
import { inventoryItemType, nonInventorySaleItemType } from './items.ts'
import type { RecordTypeDef } from './record-type.ts'
import { currencyType, subsidiaryType, termType } from './reference-types.ts'
import { invoiceType, salesOrderType } from './sales-transactions.ts'

/** The record types this simulator serves. */
export const defaultRecordTypes: readonly RecordTypeDef[] = [
  customerType,
  contactType,
  employeeType,
  salesOrderType,
  invoiceType,
  customerPaymentType,
  inventoryItemType,
  nonInventorySaleItemType,
  subsidiaryType,
  currencyType,
  termType,
]

export interface RecordTypeRegistry {
  /** Record-type path segments are case-insensitive (`salesOrder`, `salesorder`; reference §4). */
  find(name: string): RecordTypeDef | undefined
  /** The types a reference target names: the type itself, or every member of a family (`item`). */
  members(typeOrFamily: string): readonly RecordTypeDef[]
  all(): readonly RecordTypeDef[]
}

/** Per sandbox instance, so one instance can carry an account-specific custom-field schema. */
export function createRecordTypeRegistry(types: readonly RecordTypeDef[] = defaultRecordTypes): RecordTypeRegistry {
  const byLowerName = new Map(types.map((t) => [t.name.toLowerCase(), t]))
  return {
    find: (name) => byLowerName.get(name.toLowerCase()),
    members(typeOrFamily) {
      const own = byLowerName.get(typeOrFamily.toLowerCase())
      return own ? [own] : types.filter((t) => t.family === typeOrFamily.toLowerCase())
    },
    all: () => types,
  }
}
