import type { z } from 'zod'
import type { linkNormaliseSchema } from './mapping-schema.ts'

export type LinkNormalise = z.output<typeof linkNormaliseSchema>

/**
 * Legal-form words that say what kind of company it is, not which one: Vietnamese (Công ty TNHH, Cổ phần,
 * CTCP, MTV, DNTN) and English (JSC, Co., Ltd, LLC, Inc). Matched as whole words after folding accents, the
 * longest phrase first so "co phan" goes before "co".
 */
const legalForms = [
  'trach nhiem huu han mot thanh vien',
  'trach nhiem huu han',
  'mot thanh vien',
  'doanh nghiep tu nhan',
  'cong ty co phan',
  'joint stock company',
  'cong ty tnhh',
  'cong ty cp',
  'cong ty',
  'co phan',
  'tap doan',
  'tnhh',
  'ctcp',
  'dntn',
  'mtv',
  'jsc',
  'co ltd',
  'company limited',
  'limited',
  'company',
  'ltd',
  'llc',
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'plc',
  'gmbh',
  'pte',
  'co',
  'the',
].map((p) => p.split(' '))

/** Lower case, accents and đ folded, punctuation to spaces: "Công ty Cổ phần Đại Việt" → "cong ty co phan dai viet". */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

/** A company name reduced to what identifies it: "CÔNG TY TNHH Sao Mai" and "Sao Mai Co., Ltd" → "sao mai". */
export function companyKey(name: string): string {
  const words = foldText(name).split(' ').filter(Boolean)
  const kept: string[] = []
  for (let i = 0; i < words.length; ) {
    const form = legalForms.find((f) => f.every((w, j) => words[i + j] === w))
    if (form) i += form.length
    else kept.push(words[i++] as string)
  }
  // A name that is nothing but legal forms keeps its folded self rather than matching every other such name.
  return kept.length > 0 ? kept.join(' ') : words.join(' ')
}

/** The comparable form of a linking key's value; empty means "no key" (never matched). */
export function normaliseKey(value: unknown, how: LinkNormalise): string {
  if (value === null || value === undefined) return ''
  const text = String(value).trim()
  switch (how) {
    case 'exact':
      return text
    case 'email':
      return text.toLowerCase()
    case 'tax-id':
      return text.replace(/[^A-Za-z0-9]/g, '').toUpperCase()
    case 'company-name':
      return text === '' ? '' : companyKey(text)
  }
}
