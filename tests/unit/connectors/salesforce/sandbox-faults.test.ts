import { describe, expect, it } from 'vitest'
import { Faults } from '../../../../src/connectors/salesforce/sandbox/faults.ts'

describe('sandbox fault injection', () => {
  it('fails the next matching calls as queued, then no more', () => {
    const faults = new Faults({ failNext: [{ error: 'SERVER_UNAVAILABLE', count: 2, method: 'get', path: '/query' }] })
    expect(faults.pick('PATCH', '/services/data/v62.0/query')).toBeNull()
    expect(faults.pick('GET', '/services/data/v62.0/query')).toMatchObject({
      status: 503,
      errorCode: 'SERVER_UNAVAILABLE',
    })
    expect(faults.pick('GET', '/services/data/v62.0/query')).toMatchObject({ status: 503 })
    expect(faults.pick('GET', '/services/data/v62.0/query')).toBeNull()
  })

  it('injects errors at the configured rate, lock contention only on writes', () => {
    let n = 0
    const random = () => [0.1, 0.0, 0.2, 0.9][n++ % 4] as number
    const faults = new Faults({ errorRate: 0.5, errors: ['UNABLE_TO_LOCK_ROW'] }, random)
    expect(faults.pick('PATCH', '/x')).toMatchObject({ status: 400, errorCode: 'UNABLE_TO_LOCK_ROW' })
    expect(faults.pick('GET', '/x')).toBeNull()
    expect(faults.pick('PATCH', '/x')).toBeNull()
    expect(new Faults({ errorRate: 1, errors: ['REQUEST_LIMIT_EXCEEDED'] }).pick('GET', '/x')).toMatchObject({
      status: 403,
      message: 'ConcurrentPerOrgLongTxn Limit exceeded.',
    })
  })

  it('refuses settings outside their ranges', () => {
    expect(() => new Faults({ errorRate: 2 })).toThrow()
    expect(() => new Faults({ errors: [] })).toThrow()
  })
})
