import { describe, expect, it } from 'vitest'
import {
  errorFromNetwork,
  errorFromResponse,
  parseRetryAfter,
} from '../../../../src/connectors/netsuite/error-table.ts'

const envelope = (status: number, code: string, detail: string, extra: Record<string, string> = {}) => ({
  type: 'https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.1',
  title: 'Bad Request',
  status,
  'o:errorDetails': [{ detail, 'o:errorCode': code, ...extra }],
})

describe('errorFromResponse', () => {
  it.each([
    [429, 'CONCURRENCY_LIMIT_EXCEEDED', 'Concurrent request limit exceeded. Request blocked.', 'transient'],
    [500, 'UNEXPECTED_ERROR', 'An unexpected error occurred. Error ID: x', 'transient'],
    [
      400,
      'USER_ERROR',
      'Error while accessing a resource. This record has been locked by a user defined workflow.',
      'transient',
    ],
    [400, 'USER_ERROR', 'Error while accessing a resource. Record has been changed.', 'transient'],
    [400, 'USER_ERROR', 'Error while accessing a resource. Please enter value(s) for: Subsidiary', 'permanent'],
    [400, 'USER_ERROR', 'Error while accessing a resource. This entity already exists.', 'permanent'],
    [400, 'USER_ERROR', 'Your current role does not have permission to perform this action.', 'config'],
    [404, 'NONEXISTENT_ID', 'Record does not exist.', 'permanent'],
    [400, 'INVALID_CONTENT', 'Error while accessing resource: Invalid Field Value', 'permanent'],
    [400, 'INVALID_PARAMETER', 'Invalid search query.', 'permanent'],
    [401, 'INVALID_LOGIN', 'Invalid login attempt.', 'config'],
    [403, 'INSUFFICIENT_PERMISSION', 'Permission denied.', 'config'],
  ])('%i %s (%s) is %s', (status, code, detail, kind) => {
    const err = errorFromResponse(status, envelope(status, code, detail))
    expect(err.kind).toBe(kind)
    expect(err.code).toBe(`NS_${code}`)
    expect(err.message).toContain(detail)
    expect(err.remote).toEqual({ status, body: envelope(status, code, detail) })
  })

  it('names the failing path, parameter or header in the message', () => {
    const err = errorFromResponse(
      400,
      envelope(400, 'INVALID_CONTENT', 'Invalid Field Value 9999 for the following field: item', {
        'o:errorPath': 'item.items[0].item',
      }),
    )
    expect(err.message).toBe(
      'NetSuite 400 INVALID_CONTENT: Invalid Field Value 9999 for the following field: item (at item.items[0].item)',
    )
  })

  it('classifies a gateway answer without an envelope by status, keeping a short body', () => {
    const err = errorFromResponse(503, '<html>Service Unavailable</html>', '7')
    expect(err).toMatchObject({ kind: 'transient', code: 'NS_HTTP_503', retryAfterMs: 7000 })
    expect(err.remote?.body).toBe('<html>Service Unavailable</html>')
    expect(errorFromResponse(418, null)).toMatchObject({ kind: 'permanent', code: 'NS_HTTP_418' })
  })
})

describe('errorFromNetwork', () => {
  it('makes socket failures transient and malformed requests permanent', () => {
    const reset = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })
    expect(errorFromNetwork(reset)).toMatchObject({ kind: 'transient', code: 'UND_ERR_SOCKET' })
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    expect(errorFromNetwork(refused)).toMatchObject({ kind: 'transient', code: 'ECONNREFUSED' })
    const invalid = Object.assign(new Error('invalid header'), { code: 'UND_ERR_INVALID_ARG' })
    expect(errorFromNetwork(invalid)).toMatchObject({ kind: 'permanent', code: 'UND_ERR_INVALID_ARG' })
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('2015-10-21T07:28:00Z'))).toBe(5000)
    expect(parseRetryAfter('soon')).toBeUndefined()
    expect(parseRetryAfter(undefined)).toBeUndefined()
  })
})
