/**
 * The one-way import rules of DESIGN.md, checked on every `npm test` (via `npm run lint`).
 * main → http, engine, config, connectors/registry;  http → engine, store, queue, config;
 * engine → mapping, queue, store, connectors/types;   mapping → errors only (pure);
 * connectors/<x> → connectors/types, lib, errors;     a sandbox never imports its client;
 * one file (or folder) owns each vendor library.
 */
const { builtinModules } = require('node:module')

const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to })
// Node's own modules as dependency-cruiser names them once resolved: `node:crypto` becomes `crypto`.
const nodeBuiltin = `^(node:)?(${builtinModules.join('|')})$`

module.exports = {
  forbidden: [
    forbid('no-circular', 'circular imports hide layering mistakes', {}, { circular: true }),
    forbid(
      'connectors-stay-plugins',
      'a connector imports only connectors/types.ts, src/lib and src/errors.ts, never the engine',
      { path: '^src/connectors/(?!registry)' },
      { path: '^src/(engine|store|queue|http|config|mapping|reconcile|demo|edge)/' },
    ),
    forbid(
      'connectors-do-not-import-each-other',
      'one folder per system',
      { path: '^src/connectors/([^/]+)/' },
      { path: '^src/connectors/(?!$1/|types\\.ts)[^/]+/' },
    ),
    forbid(
      'sandbox-speaks-http-only',
      'a sandbox shares no code with its client, so it cannot share its assumptions',
      { path: '^src/connectors/([^/]+)/sandbox/' },
      { path: '^src/connectors/', pathNot: '^src/connectors/$1/sandbox/|^src/connectors/types\\.ts' },
    ),
    forbid(
      'mapping-is-pure',
      'mapping imports nothing with I/O: only errors and the connector boundary types (object schemas)',
      { path: '^src/mapping/' },
      { path: '^src/(?!mapping/|errors\\.ts|connectors/types\\.ts)', pathNot: '^src/mapping/' },
    ),
    forbid(
      'mapping-no-io',
      'mapping does no I/O',
      { path: '^src/mapping/' },
      { path: '^(node:)?(fs|net|http|https|child_process)(/|$)', dependencyTypes: ['core'] },
    ),
    forbid(
      'lower-layers-do-not-reach-up',
      'store, queue and lib never import the engine, http or config',
      { path: '^src/(store|queue|lib)/' },
      { path: '^src/(engine|http|config|main|serve|demo)' },
    ),
    forbid(
      'engine-not-http',
      'the engine does not know about HTTP routes',
      { path: '^src/engine/' },
      { path: '^src/http/' },
    ),
    forbid(
      'edge-no-node',
      'the edge Worker runs on workerd: no node: modules',
      { path: '^src/edge/' },
      { dependencyTypes: ['core'] },
    ),
    forbid(
      'edge-reaches-no-node',
      'nor anything the Worker bundles: the shared parse and signing code must stay Web-standard',
      { path: '^src/edge/' },
      { path: nodeBuiltin, reachable: true },
    ),
    forbid(
      'edge-reaches-no-engine',
      'the Worker verifies, validates and queues; storing and syncing are the core behind POST /ingest/edge',
      { path: '^src/edge/' },
      {
        path: [
          '^src/(engine|store|queue|config|mapping|reconcile|demo|main|serve)',
          '^src/connectors/[^/]+/(client|index|sandbox/)',
          'node_modules/(pino|prom-client|ioredis|bullmq|kysely|pg|jsforce|undici|@hono/node-server)/',
        ],
        reachable: true,
      },
    ),
    forbid(
      'only-queue-driver-imports-bullmq',
      '',
      { pathNot: '^src/queue/bullmq-queue\\.ts$' },
      { path: 'node_modules/bullmq/' },
    ),
    forbid(
      'only-salesforce-client-imports-jsforce',
      '',
      { path: '^src/', pathNot: '^src/connectors/salesforce/client\\.ts$' },
      { path: 'node_modules/(@jsforce/)?jsforce/' },
    ),
    forbid(
      'only-store-imports-kysely',
      '',
      { path: '^src/', pathNot: '^src/store/' },
      { path: 'node_modules/(kysely|pg)/' },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
}
