import { createdDateFields, type FieldDef, type RecordTypeDef } from './record-type.ts'

/**
 * Items sold on orders and invoices (reference §9, inventoryitem-get.json). There is no top-level price:
 * prices live in the `price` sublist, one line per price level, level 1 being the base price. Both types
 * share the item id space and the SuiteQL `item` table, told apart by `itemtype`.
 */

export const priceLevels: Readonly<Record<string, string>> = {
  '1': 'Base Price',
  '2': 'Alternate Price 1',
  '3': 'Alternate Price 2',
  '4': 'Alternate Price 3',
  '5': 'Online Price',
}

export const itemTypes: Readonly<Record<string, string>> = {
  InvtPart: 'InvtPart',
  NonInvtPart: 'NonInvtPart',
}

const priceLineFields: readonly FieldDef[] = [
  { name: 'priceLevel', kind: 'enum', enumValues: priceLevels, requiredLabel: 'Price Level' },
  { name: 'currencyPage', kind: 'ref', refType: 'currency' },
  { name: 'quantity', kind: 'float' },
  { name: 'price', kind: 'float' },
]

function itemFields(withCost: boolean): FieldDef[] {
  return [
    { name: 'itemId', kind: 'text', maxLength: 60, requiredLabel: 'Item Name/Number' },
    { name: 'displayName', kind: 'text', maxLength: 60 },
    { name: 'description', kind: 'text', maxLength: 999 },
    { name: 'salesDescription', kind: 'text', maxLength: 999 },
    ...(withCost ? [{ name: 'cost', kind: 'float' } as const] : []),
    { name: 'itemType', kind: 'enum', enumValues: itemTypes, readOnly: true },
    { name: 'isInactive', kind: 'boolean' },
    { name: 'externalId', kind: 'text', maxLength: 255 },
    { name: 'price', kind: 'sublist', lineKey: 'priceLevel', fields: priceLineFields },
    ...createdDateFields,
  ]
}

const itemRefName: RecordTypeDef['refName'] = (rec) => String(rec.values.itemId ?? '')

export const inventoryItemType: RecordTypeDef = {
  name: 'inventoryItem',
  family: 'item',
  firstId: 201,
  customFieldPrefix: 'custitem',
  fields: itemFields(true),
  refName: itemRefName,
  onCreate(values) {
    values.itemType = 'InvtPart'
    values.isInactive ??= false
  },
}

export const nonInventorySaleItemType: RecordTypeDef = {
  name: 'nonInventorySaleItem',
  family: 'item',
  firstId: 201,
  customFieldPrefix: 'custitem',
  fields: itemFields(false),
  refName: itemRefName,
  onCreate(values) {
    values.itemType = 'NonInvtPart'
    values.isInactive ??= false
  },
}
