import { wallFields } from '../account-time.ts'
import { SuiteQlError } from './suiteql-error.ts'

/**
 * Oracle datetime format models, the part SuiteQL clients use: `YYYY YY MM MON DD HH24 HH12 HH MI SS AM PM`,
 * separators and "quoted text". Works on wall values (local time encoded as UTC ms); the caller converts
 * from and to instants in the account's time zone.
 */

type Code = 'YYYY' | 'YY' | 'MM' | 'MON' | 'DD' | 'HH24' | 'HH12' | 'MI' | 'SS' | 'AM'
type Element = { kind: 'field'; code: Code } | { kind: 'literal'; text: string }

const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
// Longest first, so HH24 wins over HH and YYYY over YY.
const codes: [string, Code][] = [
  ['YYYY', 'YYYY'],
  ['HH24', 'HH24'],
  ['HH12', 'HH12'],
  ['MON', 'MON'],
  ['A.M.', 'AM'],
  ['P.M.', 'AM'],
  ['YY', 'YY'],
  ['MM', 'MM'],
  ['DD', 'DD'],
  ['HH', 'HH12'],
  ['MI', 'MI'],
  ['SS', 'SS'],
  ['AM', 'AM'],
  ['PM', 'AM'],
]

const cache = new Map<string, Element[]>()

export function parseFormatModel(model: string): Element[] {
  const hit = cache.get(model)
  if (hit) return hit
  const elements: Element[] = []
  let i = 0
  while (i < model.length) {
    const rest = model.slice(i).toUpperCase()
    const code = codes.find(([text]) => rest.startsWith(text))
    if (code) {
      elements.push({ kind: 'field', code: code[1] })
      i += code[0].length
    } else if (model[i] === '"') {
      const end = model.indexOf('"', i + 1)
      if (end < 0) throw new SuiteQlError(`Invalid date format model '${model}'`)
      elements.push({ kind: 'literal', text: model.slice(i + 1, end) })
      i = end + 1
    } else if (/[-/,.;: T]/.test(model[i]!)) {
      elements.push({ kind: 'literal', text: model[i]! })
      i++
    } else {
      throw new SuiteQlError(`Invalid date format model '${model}'`)
    }
  }
  cache.set(model, elements)
  return elements
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

export function formatWall(wallMs: number, model: string): string {
  const f = wallFields(wallMs)
  return parseFormatModel(model)
    .map((e) => {
      if (e.kind === 'literal') return e.text
      switch (e.code) {
        case 'YYYY':
          return pad(f.year, 4)
        case 'YY':
          return pad(f.year % 100)
        case 'MM':
          return pad(f.month)
        case 'MON':
          return months[f.month - 1]!
        case 'DD':
          return pad(f.day)
        case 'HH24':
          return pad(f.hour)
        case 'HH12':
          return pad(f.hour % 12 === 0 ? 12 : f.hour % 12)
        case 'MI':
          return pad(f.minute)
        case 'SS':
          return pad(f.second)
        case 'AM':
          return f.hour < 12 ? 'AM' : 'PM'
      }
      return ''
    })
    .join('')
}

/**
 * Reads `text` with the model into a wall value. Like Oracle, the text may stop early (missing time
 * fields are 0) and fields may have fewer digits than the model.
 */
export function parseWall(text: string, model: string): number {
  const invalid = () => new SuiteQlError(`Invalid date value '${text}' for format '${model}'`)
  const v = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, pm: undefined as boolean | undefined }
  let hour12 = false
  let pos = 0
  for (const e of parseFormatModel(model)) {
    if (pos >= text.length) break
    if (e.kind === 'literal') {
      if (e.text === ' ' ? !/\s/.test(text[pos]!) : !text.startsWith(e.text, pos)) throw invalid()
      pos += e.kind === 'literal' && e.text === ' ' ? (/^\s+/.exec(text.slice(pos))?.[0].length ?? 1) : e.text.length
      continue
    }
    if (e.code === 'MON') {
      const idx = months.indexOf(text.slice(pos, pos + 3).toUpperCase())
      if (idx < 0) throw invalid()
      v.month = idx + 1
      pos += 3
      continue
    }
    if (e.code === 'AM') {
      const m = /^(A\.?M\.?|P\.?M\.?)/i.exec(text.slice(pos))
      if (!m) throw invalid()
      v.pm = m[0].toUpperCase().startsWith('P')
      pos += m[0].length
      continue
    }
    const width = e.code === 'YYYY' ? 4 : 2
    const m = new RegExp(`^\\d{1,${width}}`).exec(text.slice(pos))
    if (!m) throw invalid()
    const n = Number(m[0])
    pos += m[0].length
    if (e.code === 'YYYY') v.year = n
    else if (e.code === 'YY') v.year = 2000 + n
    else if (e.code === 'MM') v.month = n
    else if (e.code === 'DD') v.day = n
    else if (e.code === 'HH24') v.hour = n
    else if (e.code === 'HH12') {
      v.hour = n
      hour12 = true
    } else if (e.code === 'MI') v.minute = n
    else v.second = n
  }
  if (pos < text.trimEnd().length) throw invalid()
  if (hour12) {
    if (v.hour < 1 || v.hour > 12) throw invalid()
    v.hour = (v.hour % 12) + (v.pm ? 12 : 0)
  }
  const wall = Date.UTC(v.year, v.month - 1, v.day, v.hour, v.minute, v.second)
  const back = wallFields(wall)
  const valid =
    back.year === v.year &&
    back.month === v.month &&
    back.day === v.day &&
    v.hour < 24 &&
    v.minute < 60 &&
    v.second < 60
  if (!valid) throw invalid()
  return wall
}
