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

/** Powers of ten, exact, for the places a `round` step allows (0–10). */
const scales = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10]

/**
 * Rounds half away from zero at `places` decimals, on the decimal digits.
 *
 * Most numbers are nowhere near a tie: scaled in binary, their fraction is clearly above or below a half,
 * so rounding the binary value gives what rounding the decimal text gives (the two differ by a few units
 * in the 16th digit at most). Only a near-tie (1.005) takes the exact path through the text.
 */
export function roundHalfAway(n: number, places: number): number {
  const abs = Math.abs(n)
  const scale = scales[places]
  // Outside [1e-6, 1e21) the text is exponential and roundByText scales in binary anyway.
  if (scale !== undefined && abs >= 1e-6 && abs < 1e21) {
    const shifted = abs * scale
    if (shifted < 2 ** 52) {
      const fraction = shifted - Math.floor(shifted)
      if (Math.abs(fraction - 0.5) > shifted * 1e-15) {
        // An exact integer over an exact power of ten: the same double as the text `${rounded}e-${places}`.
        const back = Math.round(shifted) / scale
        return back === 0 ? 0 : n < 0 ? -back : back
      }
      // A near-tie, against `tie`: the double nearest the decimal tie k.5 (at `places`), which has at most
      // 15 significant digits here. At it, the number's shortest text is that tie, which rounds away; above
      // it, the text is above the tie too. Well below it, the text is below; only a double or two below is
      // the text's own conversion in doubt, and that is left to the text.
      const k = Math.floor(shifted)
      if (k < 99_999_999_999_999) {
        const tie = (2 * k + 1) / (2 * scale)
        if (abs >= tie) {
          const back = (k + 1) / scale
          return n < 0 ? -back : back
        }
        if (tie - abs > tie * 7e-16) {
          const back = k / scale
          return back === 0 ? 0 : n < 0 ? -back : back
        }
        // As roundByText, whose text here has no exponent; only its way back is taken in binary, as above.
        const back = Math.round(Number(`${abs}e${places}`)) / scale
        return back === 0 ? 0 : n < 0 ? -back : back
      }
    }
  }
  return roundByText(n, places)
}

/** Rounds half away from zero at `places` decimals by shifting the decimal point in the number's text. */
export function roundByText(n: number, places: number): number {
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
