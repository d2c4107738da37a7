import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { Hono } from 'hono'

const require = createRequire(import.meta.url)

/**
 * `/api/docs`: Swagger UI over `/api/openapi.json`, its assets served from the installed package so the
 * page works on a machine with no internet access.
 */
export function apiDocs(app: Hono): void {
  const root = dirname(require.resolve('swagger-ui-dist/package.json'))
  const assets = new Map<string, { body: string; type: string }>([
    ['swagger-ui.css', { body: readFileSync(join(root, 'swagger-ui.css'), 'utf8'), type: 'text/css; charset=utf-8' }],
    [
      'swagger-ui-bundle.js',
      { body: readFileSync(join(root, 'swagger-ui-bundle.js'), 'utf8'), type: 'text/javascript; charset=utf-8' },
    ],
  ])
  app.get('/api/docs/:asset', (c) => {
    const asset = assets.get(c.req.param('asset'))
    if (!asset) return c.notFound()
    return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'public, max-age=86400' })
  })
  app.get('/api/docs', (c) =>
    c.html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tandem admin API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="docs"></div><script src="/api/docs/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#docs', persistAuthorization: true })</script>
</body></html>`),
  )
}
