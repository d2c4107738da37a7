import { describe, expect, it } from 'vitest'
import { companyKey, normaliseKey } from '../../../src/mapping/normalise-key.ts'

describe('companyKey', () => {
  it('folds case, spacing, diacritics and legal forms, Vietnamese and English', () => {
    const same = [
      'Công ty TNHH Sao Mai',
      'CÔNG TY TNHH SAO MAI',
      'Sao Mai Co., Ltd',
      'Sao  Mai Company Limited',
      'Cong ty Trach nhiem huu han Sao Mai',
      'Sao Mai LLC',
    ]
    for (const name of same) expect(companyKey(name), name).toBe('sao mai')
    expect(companyKey('Công ty Cổ phần Đại Việt')).toBe('dai viet')
    expect(companyKey('CTCP Đại Việt')).toBe('dai viet')
    expect(companyKey('Dai Viet JSC')).toBe('dai viet')
    expect(companyKey('Công ty TNHH MTV Bình Minh')).toBe('binh minh')
  })

  it('keeps names that differ apart', () => {
    expect(companyKey('Sao Mai Co., Ltd')).not.toBe(companyKey('Sao Mới Co., Ltd'))
    expect(companyKey('Acme Corp')).toBe('acme')
    expect(companyKey('Acme Holdings Corp')).toBe('acme holdings')
  })

  it('does not reduce a name made only of legal forms to nothing', () => {
    expect(companyKey('The Company Ltd')).toBe('the company ltd')
  })
})

describe('normaliseKey', () => {
  it('normalises each kind of key', () => {
    expect(normaliseKey(' Lan@Example.COM ', 'email')).toBe('lan@example.com')
    expect(normaliseKey('0301-234.567 001', 'tax-id')).toBe('0301234567001')
    expect(normaliseKey(' A-1 ', 'exact')).toBe('A-1')
    expect(normaliseKey(null, 'company-name')).toBe('')
    expect(normaliseKey('', 'company-name')).toBe('')
  })
})
