import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import { decideLink } from '../../engine/initial-link.ts'
import type { Runtime } from '../../engine/runtime.ts'
import { isTandemError } from '../../errors.ts'
import { type AuthEnv, audit, roleGuard } from '../auth.ts'
import { errorResponse } from '../error-envelope.ts'
import { errorResponses, flowParam, json } from './schemas.ts'

const reviewSchema = z
  .object({
    flow: z.string(),
    source_id: z.string(),
    key: z.string(),
    value: z.string(),
    candidates: z.array(z.string()),
    state: z.enum(['open', 'linked', 'create']),
    decided_target_id: z.string().nullable(),
    created_at: z.number(),
    decided_at: z.number().nullable(),
  })
  .openapi('LinkReview')

const list = createRoute({
  method: 'get',
  path: '/flows/{flow}/link-reviews',
  summary: 'Source records that matched several existing target records at initial linking',
  request: { params: flowParam, query: z.object({ state: z.enum(['open', 'linked', 'create']).optional() }) },
  responses: { 200: json(z.object({ reviews: z.array(reviewSchema) }), 'The reviews'), ...errorResponses },
})

const decisionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('link'), targetId: z.string().min(1) }),
  z.object({ action: z.literal('create') }),
])

const decide = createRoute({
  method: 'post',
  path: '/flows/{flow}/link-reviews/{sourceId}',
  summary: 'Decide an ambiguous link: link to one candidate, or create a new target record; then sync it',
  request: {
    params: flowParam.extend({
      sourceId: z
        .string()
        .min(1)
        .openapi({ param: { name: 'sourceId', in: 'path' } }),
    }),
    body: { content: { 'application/json': { schema: decisionSchema } }, required: true },
  },
  responses: { 200: json(z.object({ review: reviewSchema.nullable() }), 'The decided review'), ...errorResponses },
})

export function linkReviewRoutes(api: OpenAPIHono<AuthEnv>, rt: Runtime): void {
  api.openapi({ ...list, ...roleGuard(rt, 'viewer') }, async (c) => {
    const { flow } = c.req.valid('param')
    if (!rt.flows.has(flow)) return errorResponse(c, 404, 'FLOW_UNKNOWN', `no flow named '${flow}'`)
    return c.json({ reviews: await rt.store.linkReviews.list(flow, c.req.valid('query').state) }, 200)
  })

  api.openapi({ ...decide, ...roleGuard(rt, 'operator') }, async (c) => {
    const { flow: name, sourceId } = c.req.valid('param')
    const flow = rt.flows.get(name)
    if (!flow) return errorResponse(c, 404, 'FLOW_UNKNOWN', `no flow named '${name}'`)
    const decision = c.req.valid('json')
    try {
      await decideLink(flow, rt.store, sourceId, decision)
    } catch (err) {
      if (!isTandemError(err)) throw err
      if (err.code === 'LINK_DECISION_INVALID') return errorResponse(c, 400, err.code, err.message)
      return errorResponse(c, 502, err.code, err.message)
    }
    await audit(c, rt, 'link-reviews.decide', `${name}/${sourceId}`, decision)
    await rt.requestSync(flow.name, sourceId, `link-review:${decision.action}`)
    return c.json({ review: (await rt.store.linkReviews.get(flow.name, sourceId)) ?? null }, 200)
  })
}
