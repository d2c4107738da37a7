import { describe, expect, it } from 'vitest'
import { modeOf, parseEnv } from '../../../src/config/env.ts'

describe('parseEnv', () => {
  it('defaults to the embedded mode', () => {
    const env = parseEnv({})
    expect(env.PORT).toBe(3000)
    expect(modeOf(env)).toBe('embedded')
  })

  it('is in scale mode with a database URL', () => {
    expect(modeOf(parseEnv({ DATABASE_URL: 'postgres://h/db', REDIS_URL: 'redis://h' }))).toBe('scale')
  })

  it('names a bad variable', () => {
    expect(() => parseEnv({ PORT: 'eighty' })).toThrow(/environment PORT/)
  })

  it('refuses Redis without a shared database', () => {
    expect(() => parseEnv({ REDIS_URL: 'redis://h' })).toThrow(/REDIS_URL needs DATABASE_URL/)
  })
})
