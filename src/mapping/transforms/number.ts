/**
 * Numbers and money. Amounts are rounded half away from zero on their decimal representation, not on the
 * binary float, so 1.005 USD becomes 1.01 as an accountant expects, and VND (no minor unit) has no decimals.
 */

const groupedNumber = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/
const plainNumber = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/** A number from a number or numeric text (`1234.5`, `1,234.5`); undefined when it is not one. */
export function parseNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value !== 'string') return undefined
  const text = value.trim().replaceAll('_', '')
  const normal = groupedNumber.test(text) ? text.replaceAll(',', '') : text
  if (!plainNumber.test(normal)) return undefined
  return Number(normal)
}

/** Rounds half away from zero at `places` decimals, on the decimal digits. */
export function roundHalfAway(n: number, places: number): number {
  const sign = n < 0 ? -1 : 1
  const abs = Math.abs(n)
  const text = String(abs)
  // Shifting the decimal point in the text avoids 1.005 * 100 = 100.49999999999999.
  const shifted = text.includes('e') ? abs * 10 ** places : Number(`${text}e${places}`)
  const rounded = Math.round(shifted)
  const back = text.includes('e') ? rounded / 10 ** places : Number(`${rounded}e-${places}`)
  return back === 0 ? 0 : sign * back
}

const minorUnitCache = new Map<string, number>()

/** Decimal places of a currency's minor unit from the ICU data: USD 2, VND 0, JPY 0, KWD 3. */
export function minorUnits(currency: string): number {
  let places = minorUnitCache.get(currency)
  if (places === undefined) {
    places = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
    minorUnitCache.set(currency, places)
  }
  return places
}

let knownCurrencies: Set<string> | undefined

export function isCurrencyCode(code: unknown): code is string {
  if (typeof code !== 'string') return false
  knownCurrencies ??= new Set(Intl.supportedValuesOf('currency'))
  return knownCurrencies.has(code)
}
