import { describe, expect, it } from 'vitest'
import { toCountryCode, toCountryName } from '../../../../src/mapping/transforms/country.ts'
import { toE164 } from '../../../../src/mapping/transforms/phone.ts'
import { concat, split, truncate } from '../../../../src/mapping/transforms/text.ts'

describe('text steps', () => {
  it('truncates by characters, never splitting a letter, and says how much it cut', () => {
    expect(truncate('Công ty Cổ phần Sữa Việt Nam', 10)).toEqual({ value: 'Công ty Cổ', cut: 18 })
    expect(truncate('ab😀cd', 3)).toEqual({ value: 'ab😀', cut: 2 })
    expect(truncate('short', 10)).toEqual({ value: 'short', cut: 0 })
    expect(truncate(null, 3)).toEqual({ value: null, cut: 0 })
  })

  it('splits and concatenates, skipping blanks', () => {
    expect(split('Nguyễn  Văn An', ' ', 'first')).toBe('Nguyễn')
    expect(split('Nguyễn  Văn An', ' ', 'last')).toBe('An')
    expect(split('Nguyễn Văn An', ' ', 'rest')).toBe('Văn An')
    expect(split('Nguyễn', ' ', 'rest')).toBeNull()
    expect(split('a;b;c', ';', 1)).toBe('b')
    expect(concat(['12 Lê Lợi', null, ' ', 'Quận 1'], ', ')).toBe('12 Lê Lợi, Quận 1')
    expect(concat([null, ''], ', ')).toBeNull()
  })
})

describe('phone numbers', () => {
  it('writes valid numbers in E.164', () => {
    expect(toE164('0912 345 678', 'VN')).toBe('+84912345678')
    expect(toE164('(028) 3822 1234', 'VN')).toBe('+842838221234')
    expect(toE164('+1 415-555-2671', 'VN')).toBe('+14155552671')
    expect(toE164('(415) 555-2671', 'US')).toBe('+14155552671')
  })

  it('gives nothing for what is not a valid number', () => {
    expect(toE164('12', 'VN')).toBeUndefined()
    expect(toE164('call me', 'US')).toBeUndefined()
  })
})

describe('countries', () => {
  it('maps names in English or Vietnamese, and codes, to ISO alpha-2', () => {
    expect(toCountryCode('Vietnam')).toBe('VN')
    expect(toCountryCode('Việt Nam')).toBe('VN')
    expect(toCountryCode('viet nam')).toBe('VN')
    expect(toCountryCode('VNM')).toBe('VN')
    expect(toCountryCode('us')).toBe('US')
    expect(toCountryCode('United States of America')).toBe('US')
    expect(toCountryCode('Nhật Bản')).toBe('JP')
    expect(toCountryCode('Atlantis')).toBeUndefined()
  })

  it('maps codes to English names', () => {
    expect(toCountryName('VN')).toBe('Vietnam')
    expect(toCountryName('DEU')).toBe('Germany')
  })
})
