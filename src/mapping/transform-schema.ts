import { z } from 'zod'

/**
 * The steps of a field's `transform:` pipeline, applied in order to the value read by `from`, `concat` or
 * `expr`. A step is a bare name (`trim`) or a one-key object with its options (`{ truncate: 40 }`).
 */

const isoCurrency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code such as USD or VND')
  .describe('ISO 4217 currency code')

const timeZone = z
  .string()
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone })
      return true
    } catch {
      return false
    }
  }, 'not a time zone name (e.g. Asia/Ho_Chi_Minh)')
  .describe('IANA time zone; default: the target connection’s time zone')

const zoneOptions = z.strictObject({ zone: timeZone.optional() })

export const transformStepSchema = z.union([
  z
    .enum(['trim', 'upper', 'lower', 'truncate', 'number', 'integer', 'money', 'date', 'datetime', 'phone', 'boolean'])
    .describe('A step with default options'),
  z.strictObject({ truncate: z.int().positive().describe('Maximum length; bare `truncate` uses the target field’s') }),
  z.strictObject({ round: z.int().min(0).max(10).describe('Decimal places, half away from zero') }),
  z.strictObject({
    money: z
      .strictObject({
        currency: isoCurrency.optional().describe('Fixed currency of the amounts'),
        currencyFrom: z.string().min(1).optional().describe('Source path holding the currency, e.g. CurrencyIsoCode'),
      })
      .refine((m) => (m.currency === undefined) !== (m.currencyFrom === undefined), {
        message: 'money takes one of: currency, currencyFrom',
      })
      .describe('Round to the currency’s minor unit (USD 2 places, VND none)'),
  }),
  z.strictObject({ date: zoneOptions.describe('To a calendar date (YYYY-MM-DD) in the zone; dates never move') }),
  z.strictObject({ datetime: zoneOptions.describe('To an ISO 8601 instant; local times are read in the zone') }),
  z.strictObject({
    phone: z
      .strictObject({
        country: z
          .string()
          .regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 code such as VN or US')
          .describe('Country assumed for numbers without +'),
      })
      .describe('To E.164 (+84912345678)'),
  }),
  z.strictObject({
    country: z.enum(['code', 'name']).describe('code: name or code → ISO alpha-2; name: code → English name'),
  }),
  z.strictObject({
    split: z.strictObject({
      separator: z.string().min(1).default(' '),
      part: z
        .union([z.enum(['first', 'last', 'rest']), z.int().min(0)])
        .describe('first, last, rest (all but the first), or a 0-based index'),
    }),
  }),
  z.strictObject({ prefix: z.string().describe('Prepended to a non-empty value') }),
  z.strictObject({ suffix: z.string().describe('Appended to a non-empty value') }),
])

export type TransformStep = z.output<typeof transformStepSchema>
