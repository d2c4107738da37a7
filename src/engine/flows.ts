import type { LoadedFlow } from '../config/load-config.ts'
import type {
  Connection,
  ObjectApi,
  ObjectSchema,
  SourceRecord,
  TargetRecord,
  UpsertResult,
} from '../connectors/types.ts'
import { type ConfigError, ConfigErrors } from '../errors.ts'
import type { Logger } from '../lib/logger.ts'
import { checkMappingFields, type DescribeObject } from '../mapping/check-fields.ts'
import { type CompiledMapping, compileMapping } from '../mapping/compile-mapping.ts'
import type { MappingConfig } from '../mapping/mapping-schema.ts'
import { type CallBatcher, createCallBatcher } from './call-batcher.ts'
import { createLookup, type Lookup } from './target-lookup.ts'

/** A flow ready to run: its compiled mapping and the live objects at both ends. */
export interface Flow {
  name: string
  config: MappingConfig
  mapping: CompiledMapping
  source: {
    connection: string
    object: ObjectApi
    conn: Connection
    /** Reads of the records jobs sync, gathered into one read of many ids. */
    read: CallBatcher<string, SourceRecord | undefined>
    /** Write-backs onto source records, gathered into batch updates. */
    update: CallBatcher<TargetRecord & { id: string }, UpsertResult>
  }
  /** `externalId`: upsert matching on it; else update the record the `updateThrough` flow linked. */
  target: {
    connection: string
    object: ObjectApi
    conn: Connection
    externalId?: string
    updateThrough?: string
    /** Values found on the target's reference tables (`lookup` rules), cached per connection. */
    lookup: Lookup
    /** Upserts by `externalId`, gathered with other jobs' into batch calls up to the connection's maxGather. */
    upsert: CallBatcher<TargetRecord, UpsertResult>
  }
}

export type SyncJobData = { flow: string; recordId: string }

/** Records read in one call: a SOQL `IN` list or as many single reads in parallel. */
const readBatch = 200

/** One job per (flow, record): the key that coalesces a burst of changes to one record. */
export function jobKey(flow: string, recordId: string): string {
  return `${flow}:${recordId}`
}

/** Describes objects of one connection once each; a failed describe is remembered as unknown. */
function schemaCache(conn: Connection, onError: (object: string, err: unknown) => void): DescribeObject {
  const cache = new Map<string, Promise<ObjectSchema | undefined>>()
  return (object) => {
    let hit = cache.get(object)
    if (!hit) {
      hit = Promise.resolve()
        .then(() => conn.object(object).describe())
        .catch((err) => {
          onError(object, err)
          return undefined
        })
      cache.set(object, hit)
    }
    return hit
  }
}

/**
 * Compiles every flow against its connections: field names are checked against the objects' schemas
 * (file, line and path of each problem, all at once), and the compiled mapping learns field lengths and the
 * target's time zone. A system that cannot be described right now does not stop start-up: its flows run
 * unchecked and a warning says so, because refusing to start while the ERP is down would lose intake.
 */
export async function createFlows(
  loaded: readonly LoadedFlow[],
  connections: ReadonlyMap<string, Connection>,
  logger: Logger,
  opts: { batchLingerMs?: number } = {},
): Promise<Map<string, Flow>> {
  const flows = new Map<string, Flow>()
  const lookups = new Map<Connection, Lookup>()
  const errors: ConfigError[] = []
  const unreachable = new Set<string>()
  const describers = new Map<string, DescribeObject>()
  const describer = (name: string, conn: Connection) => {
    let d = describers.get(name)
    if (!d) {
      d = schemaCache(conn, (object, err) => {
        unreachable.add(name)
        logger.warn({ connection: name, object, err }, 'could not read the object schema; field names are not checked')
      })
      describers.set(name, d)
    }
    return d
  }

  for (const { mapping: config, problemAt } of loaded) {
    const source = connections.get(config.source.connection)
    const target = connections.get(config.target.connection)
    // The loader has checked both names; a miss here is a wiring bug, not a user error.
    if (!source || !target) throw new Error(`flow ${config.flow}: connection not created`)
    const describeSource = describer(config.source.connection, source)
    const describeTarget = describer(config.target.connection, target)

    const problems = await checkMappingFields(config, { source: describeSource, target: describeTarget })
    const reachable = !unreachable.has(config.source.connection) && !unreachable.has(config.target.connection)
    // Without a schema every field looks missing; those findings are noise, not the integrator's mistakes.
    if (reachable) for (const p of problems) errors.push(problemAt(p.path, p.message))

    const targetSchema = await describeTarget(config.target.object)
    const compiled = compileMapping(config, {
      ...(targetSchema ? { targetSchema } : {}),
      ...(target.timeZone ? { defaultZone: target.timeZone } : {}),
    })
    if (!compiled.ok) {
      for (const p of compiled.problems) errors.push(problemAt(p.path, p.message))
      continue
    }
    const targetObject = target.object(config.target.object)
    const externalId = config.target.externalId
    const linger = opts.batchLingerMs ?? 20
    const upsert = createCallBatcher<TargetRecord, UpsertResult>(
      (rows) => (externalId ? targetObject.upsert(externalId, rows) : Promise.reject(new Error('update-only flow'))),
      { max: target.limits.maxGather ?? target.limits.maxBatch, lingerMs: linger },
    )
    const sourceObject = source.object(config.source.object)
    const read = createCallBatcher<string, SourceRecord | undefined>(
      async (ids) => {
        const found = await sourceObject.getMany(ids, compiled.mapping.sourceFields, {
          lists: compiled.mapping.sourceLists,
        })
        return ids.map((id) => found.get(id))
      },
      { max: readBatch, lingerMs: linger },
    )
    const update = createCallBatcher<TargetRecord & { id: string }, UpsertResult>((rows) => sourceObject.update(rows), {
      max: source.limits.maxBatch,
      lingerMs: linger,
    })
    flows.set(config.flow, {
      name: config.flow,
      config,
      mapping: compiled.mapping,
      source: { connection: config.source.connection, object: sourceObject, conn: source, read, update },
      target: {
        connection: config.target.connection,
        object: targetObject,
        conn: target,
        upsert,
        lookup: lookups.get(target) ?? lookups.set(target, createLookup(target)).get(target)!,
        ...(config.target.externalId ? { externalId: config.target.externalId } : {}),
        ...(config.target.updateThrough ? { updateThrough: config.target.updateThrough } : {}),
      },
    })
  }
  if (errors.length > 0) throw new ConfigErrors(errors)
  return flows
}
