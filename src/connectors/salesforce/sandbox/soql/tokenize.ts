import { SfApiError } from '../api-error.ts'

export type TokenKind = 'ident' | 'string' | 'number' | 'datetime' | 'date' | 'op' | 'punct' | 'eof'

export interface Token {
  kind: TokenKind
  /** The token's text; for strings the content with escapes resolved, except `\%` and `\_` (LIKE's). */
  text: string
  /** 0-based offset in the query text. */
  pos: number
}

// Date and dateTime literals are unquoted in SOQL ("Date Formats and Date Literals"); a dateTime needs a zone.
const datetimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})/
const datePattern = /^\d{4}-\d{2}-\d{2}(?![\dT])/
const numberPattern = /^-?\d+(\.\d+)?/
const identPattern = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/
const opPattern = /^(!=|<>|<=|>=|=|<|>)/

/** The escape sequences SOQL string literals allow ("Quoted String Escape Sequences"). */
const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' }

/** Splits SOQL into tokens; ends with an `eof` token. */
export function tokenize(soql: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < soql.length) {
    const ch = soql[i] as string
    if (/\s/.test(ch)) {
      i++
      continue
    }
    const rest = soql.slice(i)
    if (ch === "'") {
      const { text, end } = readString(soql, i)
      tokens.push({ kind: 'string', text, pos: i })
      i = end
      continue
    }
    const match =
      matchToken(rest, datetimePattern, 'datetime') ??
      matchToken(rest, datePattern, 'date') ??
      matchToken(rest, numberPattern, 'number') ??
      matchToken(rest, identPattern, 'ident') ??
      matchToken(rest, opPattern, 'op')
    if (match) {
      tokens.push({ kind: match.kind, text: match.text === '<>' ? '!=' : match.text, pos: i })
      i += match.text.length
      continue
    }
    if ('(),:'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch, pos: i })
      i++
      continue
    }
    throw malformed(soql, i, `line 1:${i} no viable alternative at character '${ch}'`)
  }
  tokens.push({ kind: 'eof', text: '<EOF>', pos: soql.length })
  return tokens
}

function matchToken(rest: string, pattern: RegExp, kind: TokenKind): { kind: TokenKind; text: string } | null {
  const m = pattern.exec(rest)
  return m ? { kind, text: m[0] } : null
}

function readString(soql: string, start: number): { text: string; end: number } {
  let text = ''
  let j = start + 1
  for (; j < soql.length && soql[j] !== "'"; j++) {
    if (soql[j] !== '\\') {
      text += soql[j]
      continue
    }
    const esc = soql[++j] ?? ''
    if (esc === '%' || esc === '_') text += `\\${esc}`
    else if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(soql.slice(j + 1, j + 5))) {
      text += String.fromCharCode(Number.parseInt(soql.slice(j + 1, j + 5), 16))
      j += 4
    } else if (esc in escapes) text += escapes[esc]
    else {
      throw malformed(
        soql,
        j - 1,
        `Invalid string literal '\\${esc}'. Illegal character sequence '\\${esc}' in string literal.`,
      )
    }
  }
  if (j >= soql.length) throw malformed(soql, start, `line 1:${start} mismatched character '<EOF>' expecting '''`)
  return { text, end: j + 1 }
}

/** Salesforce's MALFORMED_QUERY: the query line, a caret under the column, the position, then the reason. */
export function malformed(soql: string, pos: number, reason: string): SfApiError {
  return new SfApiError(400, 'MALFORMED_QUERY', pointAt(soql, pos, reason))
}

/** `\n<line>\n<spaces>^\nERROR at Row:r:Column:c\n<reason>`, the layout of every SOQL error message. */
export function pointAt(soql: string, pos: number, reason: string): string {
  const before = soql.slice(0, pos)
  const row = before.split('\n').length
  const column = pos - before.lastIndexOf('\n')
  const line = soql.split('\n')[row - 1] ?? ''
  return `\n${line}\n${' '.repeat(Math.max(0, column - 1))}^\nERROR at Row:${row}:Column:${column}\n${reason}`
}
