import { SuiteQlError } from './suiteql-error.ts'

/**
 * SuiteQL's lexical layer (Oracle SQL flavoured): identifiers fold to lower case unless double-quoted,
 * strings in single quotes with `''` as an escaped quote, `?` anonymous binds, `--` and `/* *\/` comments.
 */

export type TokenKind = 'ident' | 'string' | 'number' | 'param' | 'op' | 'punct' | 'eof'

export interface Token {
  kind: TokenKind
  /** Identifiers lower-cased (quoted ones as written), operators and punctuation as written. */
  text: string
  /** A string literal's value, a number's value. */
  value?: string | number
  /** Whether an identifier was double-quoted (then it is never a keyword). */
  quoted?: boolean
  pos: number
}

const twoCharOps = new Set(['<=', '>=', '<>', '!=', '^=', '||'])
const oneCharOps = new Set(['=', '<', '>', '+', '-', '*', '/'])
const punctuation = new Set(['(', ')', ',', '.', ';'])

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < sql.length) {
    const ch = sql[i]!
    if (/\s/.test(ch)) {
      i++
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i)
      i = end < 0 ? sql.length : end + 1
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2)
      if (end < 0) throw new SuiteQlError('Unterminated comment', i)
      i = end + 2
    } else if (ch === "'") {
      const start = i
      let value = ''
      i++
      for (;;) {
        if (i >= sql.length) throw new SuiteQlError('Unterminated string literal', start)
        if (sql[i] === "'") {
          if (sql[i + 1] === "'") {
            value += "'"
            i += 2
            continue
          }
          i++
          break
        }
        value += sql[i]
        i++
      }
      tokens.push({ kind: 'string', text: sql.slice(start, i), value, pos: start })
    } else if (ch === '"') {
      const end = sql.indexOf('"', i + 1)
      if (end < 0 || end === i + 1) throw new SuiteQlError('Invalid quoted identifier', i)
      tokens.push({ kind: 'ident', text: sql.slice(i + 1, end), quoted: true, pos: i })
      i = end + 1
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(sql.slice(i))!
      tokens.push({ kind: 'number', text: m[0], value: Number(m[0]), pos: i })
      i += m[0].length
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_$#]*/.exec(sql.slice(i))!
      tokens.push({ kind: 'ident', text: m[0].toLowerCase(), pos: i })
      i += m[0].length
    } else if (ch === '?') {
      tokens.push({ kind: 'param', text: '?', pos: i })
      i++
    } else if (twoCharOps.has(sql.slice(i, i + 2))) {
      tokens.push({ kind: 'op', text: sql.slice(i, i + 2), pos: i })
      i += 2
    } else if (oneCharOps.has(ch)) {
      tokens.push({ kind: 'op', text: ch, pos: i })
      i++
    } else if (punctuation.has(ch)) {
      tokens.push({ kind: 'punct', text: ch, pos: i })
      i++
    } else {
      throw new SuiteQlError(`Unexpected character '${ch}'`, i)
    }
  }
  tokens.push({ kind: 'eof', text: '', pos: sql.length })
  return tokens
}
