import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { classifySalesforceError, fromJsforceError } from '../../../../src/connectors/salesforce/error-table.ts'
import type { TransientError } from '../../../../src/errors.ts'

const examples = new URL('../../../../../shared/reference/salesforce-examples/', import.meta.url)
const catalog = JSON.parse(readFileSync(new URL('errors-rest-catalog.json', examples), 'utf8')) as {
  errorCode: string
  status: number
  retryable: boolean
  body: { message: string }[]
}[]

describe('Salesforce error table', () => {
  it('agrees with the reference catalog on what is worth retrying', () => {
    for (const entry of catalog) {
      const err = classifySalesforceError(entry.errorCode, entry.body[0]!.message, { status: entry.status })
      // A dead session is retried by jsforce itself (re-login and replay); when it reaches us, it is config.
      const expected = entry.errorCode === 'INVALID_SESSION_ID' ? 'config' : entry.retryable ? 'transient' : 'permanent'
      expect([entry.errorCode, err.kind]).toEqual([entry.errorCode, expected])
      expect(err.code).toBe(`SF_${entry.errorCode}`)
    }
  })

  it('waits minutes for the daily allocation and seconds for the concurrency ceiling', () => {
    const daily = classifySalesforceError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.')
    const concurrent = classifySalesforceError('REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.')
    expect((daily as TransientError).retryAfterMs).toBe(300_000)
    expect((concurrent as TransientError).retryAfterMs).toBe(10_000)
    expect(daily.remote?.status).toBe(403)
  })

  it('classifies answers without a code by HTTP status', () => {
    expect(classifySalesforceError('ERROR_HTTP_503', '<html>down</html>')).toMatchObject({
      kind: 'transient',
      remote: { status: 503 },
    })
    expect(classifySalesforceError('ERROR_HTTP_429', '')).toMatchObject({ kind: 'transient' })
    expect(classifySalesforceError('ERROR_HTTP_403', '')).toMatchObject({ kind: 'config' })
    expect(classifySalesforceError('ERROR_HTTP_400', '')).toMatchObject({ kind: 'permanent' })
    expect(classifySalesforceError('SOMETHING_NEW', 'x')).toMatchObject({ kind: 'permanent', code: 'SF_SOMETHING_NEW' })
  })

  it('maps jsforce API errors with their code and body', () => {
    const apiError = Object.assign(new Error('unable to obtain exclusive access to this record'), {
      name: 'UNABLE_TO_LOCK_ROW',
      errorCode: 'UNABLE_TO_LOCK_ROW',
      data: { message: 'unable to obtain exclusive access to this record', errorCode: 'UNABLE_TO_LOCK_ROW' },
    })
    expect(fromJsforceError(apiError)).toMatchObject({
      kind: 'transient',
      code: 'SF_UNABLE_TO_LOCK_ROW',
      remote: { status: 400, body: { errorCode: 'UNABLE_TO_LOCK_ROW' } },
    })
  })

  it('maps OAuth refusals to config errors', () => {
    const oauth = Object.assign(new Error('authentication failure'), { name: 'invalid_grant' })
    const err = fromJsforceError(oauth)
    expect(err).toMatchObject({ kind: 'config', code: 'SF_invalid_grant', remote: { status: 400 } })
    expect(err.message).toBe('Salesforce login refused: authentication failure (invalid_grant)')
  })

  it('maps socket failures to transient errors', () => {
    const refused = Object.assign(new Error('request to http://127.0.0.1:1/ failed, reason: connect ECONNREFUSED'), {
      name: 'FetchError',
      code: 'ECONNREFUSED',
    })
    expect(fromJsforceError(refused)).toMatchObject({ kind: 'transient', code: 'SF_ECONNREFUSED' })
    expect(fromJsforceError(new TypeError('fetch failed'))).toMatchObject({ kind: 'transient' })
  })

  it('never lets a token or password through in a message', () => {
    const err = fromJsforceError(
      new Error('GET https://x/id/00D/005?oauth_token=00Dxx!AQ4AQsecret failed; header Bearer 00Dxx!AQ4AQsecretvalue'),
    )
    expect(err.message).not.toContain('AQ4AQsecret')
    expect(err.message).toContain('oauth_token=[redacted]')
  })
})
