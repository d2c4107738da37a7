import { z } from '@hono/zod-openapi'

/** Every error answer: `{ "error": { "code", "message", "requestId" } }`. */
export const errorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      requestId: z
        .string()
        .optional()
        .openapi({ description: 'The X-Request-Id of the request: every log line about it carries the same id' }),
    }),
  })
  .openapi('Error')

export const errorResponses = {
  400: { description: 'The request is invalid', content: { 'application/json': { schema: errorSchema } } },
  401: { description: 'No valid token', content: { 'application/json': { schema: errorSchema } } },
  403: { description: 'The token’s role is too low', content: { 'application/json': { schema: errorSchema } } },
  404: { description: 'No such resource', content: { 'application/json': { schema: errorSchema } } },
  500: { description: 'An unexpected failure', content: { 'application/json': { schema: errorSchema } } },
  502: { description: 'A connected system failed', content: { 'application/json': { schema: errorSchema } } },
  503: {
    description: 'A connected system is unavailable; retry later',
    content: { 'application/json': { schema: errorSchema } },
  },
}

export const flowParam = z.object({
  flow: z
    .string()
    .min(1)
    .openapi({ param: { name: 'flow', in: 'path' }, example: 'customers' }),
})

export const idParam = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' }, example: 1 }),
})

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})
