import { MappingError } from './mapping-error.ts'
import { getPath, type SourceData } from './source-path.ts'
import type { TransformStep } from './transform-schema.ts'
import { toCountryCode, toCountryName } from './transforms/country.ts'
import { toDate, toDatetime } from './transforms/date-time.ts'
import { isCurrencyCode, minorUnits, parseNumber, roundHalfAway } from './transforms/number.ts'
import { toE164 } from './transforms/phone.ts'
import { affix, lower, split, trim, truncate, upper } from './transforms/text.ts'

/** What a step may use while running on one record. */
export interface StepContext {
  /** The target field being written, for messages: `terms`, `item[2].rate`. */
  field: string
  /** The record the rule reads (the line, inside `lines`). */
  record: SourceData
  warn(message: string): void
}

export type Step = (value: unknown, ctx: StepContext) => unknown

export interface StepOptions {
  /** The target field's maximum length, from the connector's schema, when known. */
  targetLength?: number
  /** The zone dates are kept in at the target (the ERP account's time zone). */
  defaultZone: string
  /** Country assumed for phone numbers without a `+`. */
  defaultCountry: string
}

const empty = (v: unknown) => v === null || v === undefined || v === ''

/** Wraps a step so empty values pass through: transforms never invent a value. */
function onValue(fn: Step): Step {
  return (value, ctx) => (empty(value) ? value : fn(value, ctx))
}

function invalid(ctx: StepContext, message: string): never {
  throw new MappingError('MAPPING_INVALID_VALUE', ctx.field, message)
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))
  return text.length > 60 ? `${text.slice(0, 57)}…` : text
}

const toNumber: Step = (value, ctx) => parseNumber(value) ?? invalid(ctx, `${show(value)} is not a number`)

const booleans = new Map<unknown, boolean>([
  [true, true],
  [false, false],
  ['true', true],
  ['false', false],
  ['T', true],
  ['F', false],
  ['yes', true],
  ['no', false],
  [1, true],
  [0, false],
  ['1', true],
  ['0', false],
])

/**
 * Compiles one transform step to a function, or returns the problem with it (a bare `truncate` where the
 * target schema gives no length). Problems are found at load; a step only fails at run time on data.
 */
export function compileStep(step: TransformStep, opts: StepOptions): Step | { problem: string } {
  if (typeof step === 'string') {
    switch (step) {
      case 'trim':
        return trim
      case 'upper':
        return upper
      case 'lower':
        return lower
      case 'truncate':
        if (opts.targetLength === undefined) {
          return { problem: 'the target schema gives this field no length; write { truncate: N }' }
        }
        return truncating(opts.targetLength)
      case 'number':
        return onValue(toNumber)
      case 'integer':
        return onValue((v, ctx) => {
          const n = toNumber(v, ctx) as number
          return Number.isInteger(n) ? n : invalid(ctx, `${show(v)} is not a whole number`)
        })
      case 'boolean':
        return onValue(
          (v, ctx) => booleans.get(typeof v === 'string' ? v.trim() : v) ?? invalid(ctx, `${show(v)} is not yes/no`),
        )
      case 'money':
        return {
          problem:
            'money needs its currency: { money: { currency: USD } } or { money: { currencyFrom: CurrencyIsoCode } }',
        }
      case 'date':
        return onValue((v, ctx) => toDate(v, opts.defaultZone) ?? invalid(ctx, `${show(v)} is not a date`))
      case 'datetime':
        return onValue((v, ctx) => toDatetime(v, opts.defaultZone) ?? invalid(ctx, `${show(v)} is not a date or time`))
      case 'phone':
        return phone(opts.defaultCountry)
    }
  }
  if ('truncate' in step) return truncating(step.truncate)
  if ('round' in step) return onValue((v, ctx) => roundHalfAway(toNumber(v, ctx) as number, step.round))
  if ('money' in step) {
    const { currency, currencyFrom } = step.money
    return onValue((v, ctx) => {
      const code = currency ?? getPath(ctx.record, currencyFrom ?? '')
      if (!isCurrencyCode(code))
        return invalid(ctx, `currency ${show(code)} (from ${currencyFrom}) is not an ISO 4217 code`)
      return roundHalfAway(toNumber(v, ctx) as number, minorUnits(code))
    })
  }
  if ('date' in step) {
    const zone = step.date.zone ?? opts.defaultZone
    return onValue((v, ctx) => toDate(v, zone) ?? invalid(ctx, `${show(v)} is not a date`))
  }
  if ('datetime' in step) {
    const zone = step.datetime.zone ?? opts.defaultZone
    return onValue((v, ctx) => toDatetime(v, zone) ?? invalid(ctx, `${show(v)} is not a date or time`))
  }
  if ('phone' in step) return phone(step.phone.country)
  if ('country' in step) {
    const convert = step.country === 'code' ? toCountryCode : toCountryName
    return onValue((v, ctx) => convert(v) ?? invalid(ctx, `${show(v)} is not a country this mapping knows`))
  }
  if ('split' in step) return onValue((v) => split(v, step.split.separator, step.split.part))
  if ('prefix' in step) return (v) => affix(v, step.prefix, '')
  return (v) => affix(v, '', step.suffix)
}

function truncating(max: number): Step {
  return (value, ctx) => {
    const out = truncate(value, max)
    if (out.cut > 0) ctx.warn(`truncated to ${max} characters (${out.cut} cut)`)
    return out.value
  }
}

/** Invalid numbers are kept as they are and reported: a wrong format is better than a lost phone number. */
function phone(country: string): Step {
  return onValue((v, ctx) => {
    const e164 = toE164(v, country)
    if (e164 !== undefined) return e164
    ctx.warn(`${show(v)} is not a valid phone number for ${country}; written unchanged`)
    return v
  })
}
