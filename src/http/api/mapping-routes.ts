import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi'
import type { Runtime } from '../../engine/runtime.ts'
import { validateMapping } from '../../engine/validate-mapping.ts'
import type { Logger } from '../../lib/logger.ts'
import { type AuthEnv, roleGuard } from '../auth.ts'
import { errorResponses, json } from './schemas.ts'

const validate = createRoute({
  method: 'post',
  path: '/mappings/validate',
  summary:
    'Check a mapping file before deploying it: schema, expressions, references, one writer per field, field names',
  description:
    'The text is checked as if it replaced the deployed mapping of the same flow (or joined the set): every problem ' +
    'with its file, line, column and path, as `tandem validate` reports them. Nothing changes. To see what a record ' +
    'would get, use `POST /flows/{flow}/preview`.',
  request: {
    body: {
      content: {
        'application/json': {
          schema: z.object({
            yaml: z.string().min(1).max(1_000_000).openapi({ description: 'The mapping file, as YAML' }),
            file: z
              .string()
              .regex(/^[\w./-]+\.ya?ml$/, 'a file name ending in .yaml')
              .optional()
              .openapi({
                description: 'Its name in problems; default `mappings/<flow>.yaml`',
                example: 'mappings/orders.yaml',
              }),
          }),
        },
      },
    },
  },
  responses: {
    200: json(
      z.object({
        valid: z.boolean(),
        problems: z.array(
          z.object({
            file: z.string(),
            line: z.number().optional(),
            column: z.number().optional(),
            path: z.string().optional(),
            message: z.string(),
          }),
        ),
      }),
      'Whether the mapping is valid, and every problem found',
    ),
    ...errorResponses,
  },
})

/** Mappings: integrators check a changed file against the running deployment before they ship it. */
export function mappingRoutes(api: OpenAPIHono<AuthEnv>, rt: Runtime, logger: Logger): void {
  api.openapi({ ...validate, ...roleGuard(rt, 'operator') }, async (c) => {
    const { yaml, file } = c.req.valid('json')
    const problems = await validateMapping({ config: rt.config, connections: rt.connections, logger }, yaml, file)
    return c.json({ valid: problems.length === 0, problems }, 200)
  })
}
