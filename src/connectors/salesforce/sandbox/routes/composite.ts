import type { Hono } from 'hono'
import { z } from 'zod'
import { SfApiError } from '../api-error.ts'
import { callContext } from '../call-context.ts'
import { readJson, sfJson, versionOf } from '../responses.ts'
import type { SandboxState } from '../state.ts'

const maxSubrequests = 25

const compositeSchema = z.looseObject({
  allOrNone: z.boolean().default(false),
  collateSubrequests: z.boolean().optional(),
  compositeRequest: z
    .array(
      z.looseObject({
        method: z.enum(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']),
        url: z.string().startsWith('/services/data/'),
        referenceId: z.string().regex(/^[A-Za-z0-9_]+$/),
        body: z.unknown().optional(),
        httpHeaders: z.record(z.string(), z.string()).optional(),
      }),
    )
    .min(1),
})

interface SubResponse {
  body: unknown
  httpHeaders: Record<string, string>
  httpStatusCode: number
  referenceId: string
}

const halted = (
  referenceId: string,
  message = 'The transaction was rolled back since another operation in the same transaction failed.',
): SubResponse => ({
  body: [{ errorCode: 'PROCESSING_HALTED', message }],
  httpHeaders: {},
  httpStatusCode: 400,
  referenceId,
})

/** Thrown to roll an allOrNone composite back; carries the index of the failed subrequest. */
class Halt extends Error {
  readonly index: number
  constructor(index: number) {
    super('composite halted')
    this.index = index
  }
}

/** `@{ref.id}`, `@{q.records[0].Id}`: a value from an earlier subrequest's response body. */
const referencePattern = /@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g

function lookup(body: unknown, path: string): unknown {
  let current = body
  for (const [, key, index] of path.matchAll(/\.([A-Za-z0-9_]+)|\[(\d+)\]/g)) {
    if (current === null || typeof current !== 'object') return undefined
    current =
      index !== undefined ? (current as unknown[])[Number(index)] : (current as Record<string, unknown>)[key as string]
  }
  return current
}

/**
 * `POST /composite` (REST API "Composite"): up to 25 subrequests run in order through this same server,
 * later ones using earlier results by `@{referenceId.path}`. One API call in all. With allOrNone, a failure
 * rolls every write back and the others answer PROCESSING_HALTED; without, a subrequest whose reference
 * cannot be resolved is halted alone.
 */
export function compositeRoutes(rest: Hono, state: SandboxState, dispatch: () => Hono): void {
  rest.post('/composite', async (c) => {
    const parsed = compositeSchema.safeParse(await readJson(c))
    if (!parsed.success) {
      throw new SfApiError(400, 'JSON_PARSER_ERROR', 'The request body is either invalid or incomplete.')
    }
    const { allOrNone, compositeRequest } = parsed.data
    if (compositeRequest.length > maxSubrequests) {
      throw new SfApiError(400, 'LIMIT_EXCEEDED', `Max number of subrequests is ${maxSubrequests}`)
    }
    const ctx = callContext.getStore()
    // Subrequests share this call's context: one API call, one transaction key for their change events.
    if (ctx) ctx.internal = true
    const authorization = c.req.header('authorization') ?? ''
    const callOptions = c.req.header('sforce-call-options')
    const results: SubResponse[] = []
    const bodies = new Map<string, unknown>()

    const runOne = async (sub: (typeof compositeRequest)[number]): Promise<SubResponse> => {
      let unresolved: string | undefined
      const resolve = (text: string, inJson: boolean) =>
        text.replace(referencePattern, (whole, ref: string, path: string) => {
          const value = bodies.has(ref) ? lookup(bodies.get(ref), path) : undefined
          if (value === undefined || value === null) {
            unresolved ??= whole
            return whole
          }
          return inJson ? JSON.stringify(String(value)).slice(1, -1) : String(value)
        })
      const url = resolve(sub.url, false)
      const body = sub.body === undefined ? undefined : resolve(JSON.stringify(sub.body), true)
      if (unresolved) {
        return halted(
          sub.referenceId,
          `Invalid reference specified. No value for ${unresolved.slice(2, -1)} found in the referenced subrequest.`,
        )
      }
      const res = await dispatch().request(url, {
        method: sub.method,
        headers: {
          ...sub.httpHeaders,
          authorization,
          'content-type': 'application/json',
          ...(callOptions ? { 'sforce-call-options': callOptions } : {}),
        },
        ...(body === undefined ? {} : { body }),
      })
      const text = await res.text()
      const json = text ? JSON.parse(text) : null
      const httpHeaders: Record<string, string> = {}
      const id = (json as { id?: unknown } | null)?.id
      if (res.status === 201 && typeof id === 'string') {
        const object = /\/sobjects\/([A-Za-z0-9_]+)/.exec(url)?.[1]
        httpHeaders.Location = `/services/data/v${versionOf(c)}/sobjects/${object}/${id}`
      }
      if (res.status < 400) bodies.set(sub.referenceId, json)
      return { body: json, httpHeaders, httpStatusCode: res.status, referenceId: sub.referenceId }
    }

    const runAll = async () => {
      for (const [index, sub] of compositeRequest.entries()) {
        const result = await runOne(sub)
        results.push(result)
        if (allOrNone && result.httpStatusCode >= 400) throw new Halt(index)
      }
    }

    if (!allOrNone) {
      await runAll()
      return sfJson(c, { compositeResponse: results })
    }
    try {
      await state.org.atomicallyAsync(runAll)
    } catch (err) {
      if (!(err instanceof Halt)) throw err
      return sfJson(c, {
        compositeResponse: compositeRequest.map((sub, i) =>
          i === err.index ? (results[i] as SubResponse) : halted(sub.referenceId),
        ),
      })
    }
    return sfJson(c, { compositeResponse: results })
  })
}
