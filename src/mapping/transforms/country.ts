import { createRequire } from 'node:module'
import countries from 'i18n-iso-countries/index.js'

// Only the languages our users write country names in; the package's default entry loads all 80.
const require = createRequire(import.meta.url)
countries.registerLocale(require('i18n-iso-countries/langs/en.json'))
countries.registerLocale(require('i18n-iso-countries/langs/vi.json'))

function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

const byFoldedName = new Map<string, string>()
for (const lang of ['en', 'vi']) {
  for (const [code, names] of Object.entries(countries.getNames(lang, { select: 'all' }))) {
    for (const name of names) byFoldedName.set(fold(name), code)
  }
}

/** ISO 3166-1 alpha-2 from a code (alpha-2 or -3) or an English or Vietnamese name, accents and case folded. */
export function toCountryCode(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const text = value.trim()
  if (/^[A-Za-z]{2}$/.test(text) && countries.isValid(text.toUpperCase())) return text.toUpperCase()
  if (/^[A-Za-z]{3}$/.test(text)) {
    const alpha2 = countries.alpha3ToAlpha2(text.toUpperCase())
    if (alpha2) return alpha2
  }
  return byFoldedName.get(fold(text))
}

/** The English name of a country given by code or name. */
export function toCountryName(value: unknown): string | undefined {
  const code = toCountryCode(value)
  return code ? countries.getName(code, 'en') : undefined
}
