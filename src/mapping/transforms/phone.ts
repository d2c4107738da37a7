import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max'

/**
 * A phone number in E.164 (`+84912345678`), reading national numbers as `country`'s. Undefined when the
 * text is not a valid number there: the caller keeps the original and reports it, never drops it.
 */
export function toE164(value: unknown, country: string): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined
  const parsed = parsePhoneNumberFromString(String(value), country as CountryCode)
  return parsed?.isValid() ? parsed.number : undefined
}
