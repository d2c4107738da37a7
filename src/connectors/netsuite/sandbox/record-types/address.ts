import type { FieldDef } from './record-type.ts'

/**
 * The address subrecord (customer `addressBook` lines' `addressBookAddress`, customer-get-expanded-
 * addressbook.json). Countries are an enum of ISO 3166 codes named in English, as NetSuite shows them.
 */

function countryNames(): Record<string, string> {
  const names = new Intl.DisplayNames('en', { type: 'region', fallback: 'none' })
  const out: Record<string, string> = {}
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b)
      const name = names.of(code)
      if (name && name !== code && name !== 'Unknown Region') out[code] = name
    }
  }
  return out
}

export const countries: Readonly<Record<string, string>> = countryNames()

export const addressFields: readonly FieldDef[] = [
  { name: 'addressee', kind: 'text', maxLength: 83 },
  { name: 'attention', kind: 'text', maxLength: 83 },
  { name: 'addr1', kind: 'text', maxLength: 150 },
  { name: 'addr2', kind: 'text', maxLength: 150 },
  { name: 'city', kind: 'text', maxLength: 50 },
  { name: 'state', kind: 'text', maxLength: 30 },
  { name: 'zip', kind: 'text', maxLength: 36 },
  { name: 'country', kind: 'enum', enumValues: countries },
  { name: 'addrPhone', kind: 'text', maxLength: 32 },
]

/** The address as NetSuite prints it (`addrText`): attention, addressee, street, "city state zip", country. */
export function addressText(address: Record<string, unknown>): string {
  const country = typeof address.country === 'string' ? countries[address.country] : undefined
  const cityLine = [address.city, address.state, address.zip].filter((v) => typeof v === 'string' && v).join(' ')
  return [address.attention, address.addressee, address.addr1, address.addr2, cityLine, country]
    .filter((v) => typeof v === 'string' && v !== '')
    .join('\n')
}

/** The customer `addressBook` line: a default-billing/shipping flag pair, a label and the address. */
export const addressBookLineFields: readonly FieldDef[] = [
  { name: 'id', kind: 'integer', readOnly: true },
  { name: 'defaultBilling', kind: 'boolean' },
  { name: 'defaultShipping', kind: 'boolean' },
  { name: 'isResidential', kind: 'boolean' },
  { name: 'label', kind: 'text', maxLength: 83 },
  { name: 'addressBookAddress', kind: 'subrecord', fields: addressFields },
]
