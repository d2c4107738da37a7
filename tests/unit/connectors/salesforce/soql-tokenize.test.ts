import { describe, expect, it } from 'vitest'
import { SfApiError } from '../../../../src/connectors/salesforce/sandbox/api-error.ts'
import { pointAt, tokenize } from '../../../../src/connectors/salesforce/sandbox/soql/tokenize.ts'

const kinds = (soql: string) => tokenize(soql).map((t) => [t.kind, t.text])

function malformed(soql: string): SfApiError {
  try {
    tokenize(soql)
  } catch (err) {
    if (err instanceof SfApiError) return err
    throw err
  }
  throw new Error(`expected ${soql} to be refused`)
}

describe('SOQL tokenizer', () => {
  it('splits keywords, dotted paths, operators and punctuation, ending with EOF', () => {
    expect(kinds("SELECT Id, Owner.Name FROM Account WHERE Name != 'x'")).toEqual([
      ['ident', 'SELECT'],
      ['ident', 'Id'],
      ['punct', ','],
      ['ident', 'Owner.Name'],
      ['ident', 'FROM'],
      ['ident', 'Account'],
      ['ident', 'WHERE'],
      ['ident', 'Name'],
      ['op', '!='],
      ['string', 'x'],
      ['eof', '<EOF>'],
    ])
  })

  it('reads every comparison operator, with <> as !=', () => {
    expect(kinds('= != <> < > <= >=').map(([, t]) => t)).toEqual(['=', '!=', '!=', '<', '>', '<=', '>=', '<EOF>'])
  })

  it('reads numbers, negative and decimal', () => {
    expect(kinds('5 -12 3.25')).toEqual([
      ['number', '5'],
      ['number', '-12'],
      ['number', '3.25'],
      ['eof', '<EOF>'],
    ])
  })

  it('reads unquoted date and dateTime literals, with Z, offsets and fractions', () => {
    expect(kinds('2024-01-31 2024-01-31T23:59:59Z 2024-01-31T23:59:59+07:00 2024-01-31T23:59:59.123-0500')).toEqual([
      ['date', '2024-01-31'],
      ['datetime', '2024-01-31T23:59:59Z'],
      ['datetime', '2024-01-31T23:59:59+07:00'],
      ['datetime', '2024-01-31T23:59:59.123-0500'],
      ['eof', '<EOF>'],
    ])
  })

  it('resolves string escapes but keeps LIKE’s \\% and \\_', () => {
    const [t] = tokenize(String.raw`'O\'Brien \\ \n \u00e9 100\% a\_b'`)
    expect(t).toEqual({ kind: 'string', text: "O'Brien \\ \n é 100\\% a\\_b", pos: 0 })
    expect(tokenize("'Công ty Sài Gòn'")[0]?.text).toBe('Công ty Sài Gòn')
  })

  it('records each token’s offset, and EOF at the end', () => {
    expect(tokenize('SELECT  Id').map((t) => t.pos)).toEqual([0, 8, 10])
  })

  it('refuses an unterminated string, an unknown escape and a stray character as MALFORMED_QUERY', () => {
    expect(malformed("SELECT Id FROM Account WHERE Name = 'open")).toMatchObject({
      errorCode: 'MALFORMED_QUERY',
      status: 400,
    })
    expect(malformed(String.raw`SELECT Id FROM Account WHERE Name = 'a\qb'`).message).toContain(
      String.raw`Illegal character sequence '\q' in string literal.`,
    )
    expect(malformed('SELECT Id FROM Account WHERE Name # 1').message).toContain(
      "no viable alternative at character '#'",
    )
  })

  it('points at the column the way Salesforce prints it', () => {
    expect(pointAt('SELECT Id FRM Account', 10, 'unexpected token: FRM')).toBe(
      '\nSELECT Id FRM Account\n          ^\nERROR at Row:1:Column:11\nunexpected token: FRM',
    )
    expect(pointAt('SELECT Id\nFROM Acount', 15, 'x')).toBe('\nFROM Acount\n     ^\nERROR at Row:2:Column:6\nx')
  })
})
