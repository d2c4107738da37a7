import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { SfApiError } from './api-error.ts'

/** Salesforce answers JSON as `application/json;charset=UTF-8`; jsforce parses only `application/json` bodies. */
export const jsonType = 'application/json;charset=UTF-8'

export function sfJson(c: Context, body: unknown, status: ContentfulStatusCode = 200): Response {
  return c.body(JSON.stringify(body), status, { 'Content-Type': jsonType })
}

export function sfError(c: Context, err: SfApiError): Response {
  return c.body(JSON.stringify(err.toBody()), err.status as ContentfulStatusCode, { 'Content-Type': jsonType })
}

/** Reads a JSON body, answering malformed JSON like the REST API does. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text()
  try {
    return JSON.parse(text)
  } catch {
    throw new SfApiError(400, 'JSON_PARSER_ERROR', 'The request body is either invalid or incomplete.')
  }
}

/** A JSON body that must be one record (an object, not an array). */
export async function readRecordBody(c: Context): Promise<Record<string, unknown>> {
  const body = await readJson(c)
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new SfApiError(
      400,
      'JSON_PARSER_ERROR',
      'Cannot deserialize instance of sobject from START_ARRAY value [line:1, column:1]',
    )
  }
  return body as Record<string, unknown>
}

/** The API version of a request under `/services/data/:version`, without the `v`: `62.0`. */
export function versionOf(c: Context): string {
  return (c.req.param('version') ?? 'v62.0').slice(1)
}

/**
 * The last path segment as sent, with its percent-escapes decoded once. Upsert takes the external-id value
 * raw from the path (jsforce does not encode it; the HTTP stack escapes only spaces and non-ASCII), so a
 * `%` that starts no escape is kept as it is rather than failing the request.
 */
export function rawLastSegment(c: Context): string {
  const segment = new URL(c.req.url).pathname.split('/').at(-1) ?? ''
  return segment.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run)
    } catch {
      return run
    }
  })
}
