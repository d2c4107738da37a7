import { parse } from 'yaml'
import { checkFlowSet, type LoadedFlow, loadMapping, type TandemConfig } from '../config/load-config.ts'
import type { Connection } from '../connectors/types.ts'
import { ConfigError, ConfigErrors } from '../errors.ts'
import type { Logger } from '../lib/logger.ts'
import { createFlows } from './flows.ts'

export interface MappingProblem {
  file: string
  line?: number
  column?: number
  path?: string
  message: string
}

/**
 * Checks a mapping file's text as if it replaced (or joined) the deployed mappings, without deploying
 * it: its own schema, expressions and references, the one-writer rule across the whole set, and its field
 * names against what the connections describe. Every problem is named by file, line and path, as
 * `tandem validate` names them. Nothing is written and no flow changes.
 */
export async function validateMapping(
  deps: { config: TandemConfig; connections: ReadonlyMap<string, Connection>; logger: Logger },
  text: string,
  file?: string,
): Promise<MappingProblem[]> {
  const name = file ?? `mappings/${flowNameIn(text) ?? 'mapping'}.yaml`
  let candidate: LoadedFlow
  try {
    candidate = loadMapping(name, text, deps.config.connections)
  } catch (err) {
    return problemsOf(err)
  }
  const others = [...deps.config.flows.values()].filter((f) => f.mapping.flow !== candidate.mapping.flow)
  const problems = checkFlowSet([...others, candidate])
  if (problems.length > 0) return problems.map(describe)
  try {
    // Compiling checks field names against the systems' own descriptions (cached per connection and object).
    await createFlows([...others, candidate], deps.connections, deps.logger)
  } catch (err) {
    return problemsOf(err)
  }
  return []
}

/** The `flow:` the text names, to call it `mappings/<flow>.yaml` when no file name is given. */
function flowNameIn(text: string): string | undefined {
  try {
    const flow = (parse(text) as { flow?: unknown } | null)?.flow
    return typeof flow === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(flow) ? flow : undefined
  } catch {
    return undefined
  }
}

function problemsOf(err: unknown): MappingProblem[] {
  if (err instanceof ConfigErrors) return err.errors.map(describe)
  if (err instanceof ConfigError) return [describe(err)]
  throw err
}

function describe(err: ConfigError): MappingProblem {
  return {
    file: err.file ?? '',
    ...(err.line !== undefined ? { line: err.line } : {}),
    ...(err.column !== undefined ? { column: err.column } : {}),
    ...(err.path !== undefined ? { path: err.path } : {}),
    message: err.message,
  }
}
