import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join, relative, resolve } from 'node:path'
import type { z } from 'zod'
import type { ConnectorType, RunningSandbox } from '../connectors/types.ts'
import { ConfigError, ConfigErrors, isTandemError } from '../errors.ts'
import { Secret } from '../lib/secret.ts'
import { checkMappingAlone } from '../mapping/check-mapping-alone.ts'
import { checkMappingSet } from '../mapping/check-mapping-set.ts'
import { type MappingConfig, mappingSchema } from '../mapping/mapping-schema.ts'
import { type RetrySettings, retryKeySchema } from './retry-settings.ts'
import { type EnvRef, findSecrets, replaceAt, resolveEnvRefs } from './secret-ref.ts'
import { formatPath, type ParsedYaml, parseYaml } from './yaml-locate.ts'

export type SandboxMode = 'auto' | 'never'

export interface LoadedConnection {
  name: string
  file: string
  type: ConnectorType
  sandbox: SandboxMode
  /** Validated settings; null while the connection waits for its sandbox (`sandbox: auto`, no credentials). */
  config: unknown
  /** The file's settings with environment references resolved as far as they could be. */
  fileSettings: Record<string, unknown>
  /** Environment variables the file references that are not set. */
  missing: EnvRef[]
  /** Absolute path of the connection's schema file (custom objects and fields), if it names one. */
  schemaFile?: string
  /** The file's `retry:` block; unset keys fall back to the deployment's TANDEM_JOB_ATTEMPTS / TANDEM_RETRY_*. */
  retry: RetrySettings
}

export interface LoadedFlow {
  file: string
  mapping: MappingConfig
  /** A ConfigError at `path` inside this file, with its line and column: for checks made after loading. */
  problemAt(path: (string | number)[], message: string): ConfigError
}

export interface TandemConfig {
  dir: string
  connections: Map<string, LoadedConnection>
  flows: Map<string, LoadedFlow>
}

export interface LoadOptions {
  /** Folder holding connectors/ and mappings/. */
  dir: string
  env: Record<string, string | undefined>
  connectorTypes: readonly ConnectorType[]
}

/**
 * Loads connectors/*.yaml and mappings/*.yaml. Every problem in every file is collected and thrown together
 * as ConfigErrors, each naming its file, line, column and path, so one run shows the integrator all of them.
 */
export function loadConfig(opts: LoadOptions): TandemConfig {
  const errors: ConfigError[] = []
  const connections = new Map<string, LoadedConnection>()
  const flows = new Map<string, LoadedFlow>()

  for (const file of yamlFiles(join(opts.dir, 'connectors'))) {
    const shown = relative(opts.dir, file) || file
    collect(errors, () => {
      const conn = loadConnection(shown, readFileSync(file, 'utf8'), opts)
      connections.set(conn.name, conn)
    })
  }
  for (const file of yamlFiles(join(opts.dir, 'mappings'))) {
    const shown = relative(opts.dir, file) || file
    collect(errors, () => {
      const flow = loadMapping(shown, readFileSync(file, 'utf8'), connections)
      flows.set(flow.mapping.flow, flow)
    })
  }
  errors.push(...checkFlowSet([...flows.values()]))
  if (connections.size === 0 && errors.length === 0) {
    errors.push(new ConfigError(`no connection files found in ${join(opts.dir, 'connectors')}`))
  }
  if (errors.length > 0) throw new ConfigErrors(errors)
  return { dir: opts.dir, connections, flows }
}

/**
 * The checks a set of mappings must pass together, each problem located in its own file: every mapping's
 * expressions, references and options against the set's flow names, and one writer per field across them.
 */
export function checkFlowSet(flows: readonly LoadedFlow[]): ConfigError[] {
  const errors: ConfigError[] = []
  const byName = new Map(flows.map((f) => [f.mapping.flow, f]))
  const names = new Set(byName.keys())
  for (const flow of flows) {
    for (const p of checkMappingAlone(flow.mapping, names)) errors.push(flow.problemAt(p.path, p.message))
  }
  for (const [name, problems] of checkMappingSet(flows.map((f) => f.mapping))) {
    const flow = byName.get(name)!
    for (const p of problems) errors.push(flow.problemAt(p.path, p.message))
  }
  return errors
}

function yamlFiles(dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  return names
    .filter((n) => n.endsWith('.yaml') || n.endsWith('.yml'))
    .sort()
    .map((n) => join(dir, n))
}

function collect(errors: ConfigError[], fn: () => void): void {
  try {
    fn()
  } catch (err) {
    if (err instanceof ConfigErrors) errors.push(...err.errors)
    else if (err instanceof ConfigError) errors.push(err)
    else throw err
  }
}

function fileName(file: string): string {
  return basename(file).replace(/\.ya?ml$/, '')
}

/** Parses and validates one connection file. Exported for `tandem validate` and tests. */
export function loadConnection(
  file: string,
  text: string,
  opts: Pick<LoadOptions, 'env' | 'connectorTypes'> & { dir?: string },
) {
  const parsed = parseYaml(file, text)
  const at = (path: (string | number)[], message: string) =>
    new ConfigError(message, { file, ...parsed.locate(path), path: formatPath(path) })
  if (!parsed.value || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    throw at([], 'a connection file is a mapping with at least `type`')
  }
  // `sandbox`, `schemaFile` and `retry` are Tandem's, not the connector's: every connector type accepts them.
  const { sandbox = 'never', schemaFile, retry, ...settings } = parsed.value as Record<string, unknown>
  const type = opts.connectorTypes.find((t) => t.type === settings.type)
  if (!type) {
    const known = opts.connectorTypes.map((t) => t.type).join(', ')
    throw at(['type'], `unknown connector type ${JSON.stringify(settings.type)}; known types: ${known}`)
  }
  if (sandbox !== 'auto' && sandbox !== 'never') throw at(['sandbox'], 'sandbox is either auto or never')
  if (schemaFile !== undefined && (typeof schemaFile !== 'string' || schemaFile === '')) {
    throw at(['schemaFile'], 'schemaFile is a path to a JSON file, relative to the configuration folder')
  }
  const schemaPath = typeof schemaFile === 'string' ? resolve(opts.dir ?? '.', schemaFile) : undefined
  if (schemaPath && !existsSync(schemaPath)) throw at(['schemaFile'], `no such file: ${schemaPath}`)
  const retrySettings = validate(parsed, retryKeySchema, { retry }).retry

  const resolved = resolveEnvRefs(settings, opts.env)
  const conn: LoadedConnection = {
    name: fileName(file),
    file,
    type,
    sandbox,
    config: null,
    fileSettings: resolved.value as Record<string, unknown>,
    missing: resolved.missing,
    ...(schemaPath ? { schemaFile: schemaPath } : {}),
    retry: retrySettings,
  }
  if (resolved.missing.length > 0) {
    // With `sandbox: auto`, absent credentials mean "use the local sandbox"; the runtime completes it.
    if (sandbox === 'auto') return conn
    throw new ConfigErrors(resolved.missing.map((ref) => at(ref.path, `environment variable ${ref.name} is not set`)))
  }
  const config = validate(parsed, type.configSchema, resolved.value)
  conn.config = bindSecretSources(parsed, config, resolved.wholeRefs)
  return conn
}

/** Validates a connection waiting for its sandbox, now pointed at the running sandbox. */
export function completeWithSandbox(conn: LoadedConnection, sandbox: RunningSandbox): unknown {
  const settings = conn.type.sandboxConfig(conn.fileSettings, sandbox)
  const result = conn.type.configSchema.safeParse(settings)
  if (!result.success) {
    const issue = result.error.issues[0]
    throw new ConfigError(`the ${conn.type.type} sandbox settings do not validate: ${issue?.message}`, {
      file: conn.file,
      path: formatPath((issue?.path ?? []) as (string | number)[]),
    })
  }
  return result.data
}

function validate<T>(parsed: ParsedYaml, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  throw new ConfigErrors(
    result.error.issues.map((issue) => {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : []
      const path = [...issue.path, ...keys.slice(0, 1)] as (string | number)[]
      const where = parsed.locate(path, { atKey: keys.length > 0 })
      return new ConfigError(issue.message, { file: parsed.file, ...where, path: formatPath(path) })
    }),
  )
}

/** Secrets may only come from `${NAME}`; each Secret learns the variable it came from (safe to show). */
function bindSecretSources(parsed: ParsedYaml, config: unknown, wholeRefs: Map<string, string>): unknown {
  const errors: ConfigError[] = []
  let bound = config
  for (const { path, secret } of findSecrets(config)) {
    const name = wholeRefs.get(formatPath(path))
    if (!name) {
      errors.push(
        new ConfigError('secrets must come from the environment: write ${NAME} and set NAME', {
          file: parsed.file,
          ...parsed.locate(path),
          path: formatPath(path),
        }),
      )
      continue
    }
    bound = replaceAt(bound, path, new Secret(secret.reveal(), name))
  }
  if (errors.length > 0) throw new ConfigErrors(errors)
  return bound
}

/** Parses and validates one mapping file against the loaded connections. */
export function loadMapping(
  file: string,
  text: string,
  connections: ReadonlyMap<string, LoadedConnection>,
): LoadedFlow {
  const parsed = parseYaml(file, text)
  const mapping = validate(parsed, mappingSchema, parsed.value)
  const at = (path: (string | number)[], message: string) =>
    new ConfigError(message, { file, ...parsed.locate(path), path: formatPath(path) })
  const errors: ConfigError[] = []
  if (mapping.flow !== fileName(file)) {
    errors.push(
      at(['flow'], `flow is '${mapping.flow}' but the file is ${basename(file)}; name the file after the flow`),
    )
  }
  for (const end of ['source', 'target'] as const) {
    const name = mapping[end].connection
    if (!connections.has(name)) {
      const known = [...connections.keys()].join(', ') || 'none'
      errors.push(at([end, 'connection'], `no connection '${name}' in connectors/ (known: ${known})`))
    }
  }
  if (errors.length > 0) throw new ConfigErrors(errors)
  return { file, mapping, problemAt: at }
}

export function describeConfigError(err: unknown): string {
  if (err instanceof ConfigErrors) return err.message
  if (isTandemError(err)) return `${err.code}: ${err.message}`
  return err instanceof Error ? err.message : String(err)
}
