import { ConfigError, isTandemError, PermanentError } from '../../errors.ts'
import type {
  ChangePage,
  ListAllOptions,
  ListChangedOptions,
  ObjectApi,
  ObjectSchema,
  SourceRecord,
  TargetRecord,
  UpsertResult,
} from '../types.ts'
import { headerValue, type NetSuiteClient } from './client.ts'
import { describeRecord } from './describe-record.ts'
import { listAllRecords } from './list-all.ts'
import { listChangedRecords } from './list-changed.ts'
import { restRecordType, suiteQlSourceOf } from './record-catalog.ts'
import { encodeKey, planRead, readRecord } from './record-read.ts'
import { querySuiteQl } from './suiteql-query.ts'
import { carriesLists, type WriteBody, writeBody } from './write-body.ts'

/**
 * One NetSuite record type as the engine sees it: read by id, poll by SuiteQL, upsert by external ID
 * (`PUT /record/v1/{type}/eid:{externalId}`, reference §4). Each row is its own request (NetSuite has no
 * synchronous batch); rows run in parallel and the client's limiter keeps them under the account's
 * concurrency limit.
 */
export function createObjectApi(client: NetSuiteClient, name: string, timeZone: string): ObjectApi {
  const type = restRecordType(name)
  const source = suiteQlSourceOf(type)
  const recordPath = (key: string) => `/record/v1/${type}/${encodeKey(key)}`
  let described: Promise<ObjectSchema> | undefined

  const getOne = (id: string, fields: readonly string[] | undefined) =>
    readRecord(client, type, id, { fields: fields ? [...fields, 'lastModifiedDate'] : undefined, sublists: [] })

  const describe = () =>
    (described ??= describeRecord(client, type).catch((err) => {
      described = undefined
      throw err
    }))

  /**
   * The record's sublist names from the metadata catalog, or undefined when it cannot be read (a role
   * without access): `fields=` returns body fields only, so a sublist must be read expanded, and a write
   * replaces the sublists it carries.
   */
  let sublistsKnown: Promise<ReadonlySet<string> | undefined> | undefined
  function knownSublists(): Promise<ReadonlySet<string> | undefined> {
    // A refusal is remembered (asking again per read would double the requests); a transient failure is not.
    sublistsKnown ??= describe().then(
      (schema) => new Set(Object.values(schema.fields).flatMap((f) => (f.type === 'sublist' ? [f.name] : []))),
      (err: unknown) => {
        if (isTandemError(err) && err.kind !== 'transient') return undefined
        sublistsKnown = undefined
        throw err
      },
    )
    return sublistsKnown
  }

  /** Which requested names are sublists; without metadata every name is a body field. */
  async function sublistNames(fields: readonly string[] | undefined): Promise<ReadonlySet<string>> {
    if (fields === undefined || fields.length === 0) return new Set()
    return (await knownSublists()) ?? new Set()
  }

  /** Rows in NetSuite's write shape; the metadata is read only when some row carries a list. */
  async function writeBodies(rows: readonly TargetRecord[]): Promise<WriteBody[]> {
    const sublists = rows.some(carriesLists) ? await knownSublists() : undefined
    return rows.map((row) => writeBody(row, sublists))
  }

  /** Which of these external IDs exist already, in one SuiteQL call per 500 (Oracle's IN-list limit is 1000). */
  async function existingExternalIds(values: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>()
    for (let i = 0; i < values.length; i += 500) {
      const chunk = values.slice(i, i + 500)
      const filter = source.filter ? `${source.filter.sql} AND ` : ''
      const q = `SELECT externalid FROM ${source.table} WHERE ${filter}externalid IN (${chunk.map(() => '?').join(', ')})`
      const params = [...(source.filter?.params ?? []), ...chunk]
      for (let offset = 0; ; offset += 1000) {
        const page = await querySuiteQl(client, q, params, { limit: 1000, offset })
        for (const row of page.items) if (row.externalid) found.add(row.externalid)
        if (!page.hasMore) break
      }
    }
    return found
  }

  /**
   * Existence before the PUT tells `created` apart from an update (the 204 is the same for both). If
   * SuiteQL is refused for this type or role, the record service answers instead, one GET per row.
   */
  async function existingKeys(keys: readonly string[]): Promise<Set<string>> {
    try {
      return await existingExternalIds(keys)
    } catch (err) {
      if (!isTandemError(err) || err.kind === 'transient') throw err
      const found = await Promise.all(keys.map((k) => getOne(`eid:${k}`, ['externalId'])))
      return new Set(keys.filter((_, i) => found[i] !== undefined))
    }
  }

  return {
    name: type,

    async getMany(ids, fields, opts = {}) {
      // A dotted source path (`subsidiary.refName`) reads its top field; lastModifiedDate always comes
      // along as the record's modifiedAt; sublists (asked as lists or named as fields) come expanded.
      const plan = planRead(fields, opts.lists, await sublistNames(fields))
      const unique = [...new Set(ids)]
      const found = await Promise.all(unique.map((id) => readRecord(client, type, id, plan)))
      const out = new Map<string, SourceRecord>()
      for (const [i, id] of unique.entries()) {
        const rec = found[i]
        if (rec) out.set(id, rec)
      }
      return out
    },

    listChanged(cursor: string | null, opts: ListChangedOptions): AsyncIterable<ChangePage> {
      return listChangedRecords(client, source, timeZone, cursor, opts)
    },

    describe,

    async *listAll(opts: ListAllOptions = {}): AsyncGenerator<SourceRecord[]> {
      const plan = planRead(opts.fields, opts.lists, await sublistNames(opts.fields))
      const listing = {
        // `[]` means ids and modification times only: nothing to read per record.
        fields: opts.fields !== undefined && opts.fields.length === 0 && plan.sublists.length === 0 ? [] : plan.fields,
        since: opts.since,
        pageSize: opts.pageSize ?? 1000,
      }
      yield* listAllRecords(client, type, source, timeZone, listing, (id) => readRecord(client, type, id, plan))
    },

    async update(rows): Promise<UpsertResult[]> {
      const writes = await writeBodies(rows.map(({ id: _id, ...fields }) => fields))
      return Promise.all(
        rows.map(async ({ id }, i): Promise<UpsertResult> => {
          const { body, replace } = writes[i]!
          try {
            await client.request({
              method: 'PATCH',
              path: recordPath(id),
              body,
              ...(replace.length > 0 ? { query: { replace: replace.join(',') } } : {}),
            })
            return { ok: true, id, created: false }
          } catch (err) {
            if (isTandemError(err)) return { ok: false, error: err }
            throw err
          }
        }),
      )
    },

    async upsert(externalIdField, rows): Promise<UpsertResult[]> {
      if (externalIdField.toLowerCase() !== 'externalid') {
        const error = new ConfigError(
          `NetSuite upserts by externalId only (PUT /record/v1/${type}/eid:…); '${externalIdField}' cannot be the match key`,
        )
        return rows.map(() => ({ ok: false, error }))
      }
      const keys = rows.map((row) => externalIdOf(row, externalIdField))
      // The path carries the external ID; it is left out of the body so the two cannot disagree.
      const writes = await writeBodies(rows.map(({ [externalIdField]: _key, ...fields }) => fields))
      const existing = await existingKeys([...new Set(keys.filter((k): k is string => k !== null))])
      // Rows sharing an external ID go one after another: two concurrent PUTs of a new key could both create.
      const previous = new Map<string, Promise<unknown>>()
      return Promise.all(
        rows.map((_row, i): Promise<UpsertResult> => {
          const key = keys[i]
          if (key === null || key === undefined) {
            const error = new PermanentError('NS_EXTERNAL_ID_MISSING', `the row has no ${externalIdField} to upsert by`)
            return Promise.resolve({ ok: false, error })
          }
          const write = async (): Promise<UpsertResult> => {
            const { body, replace } = writes[i]!
            try {
              const res = await client.request({
                method: 'PUT',
                path: recordPath(`eid:${key}`),
                body,
                ...(replace.length > 0 ? { query: { replace: replace.join(',') } } : {}),
              })
              const result = {
                ok: true as const,
                id: idFromLocation(headerValue(res.headers.location), res.status),
                created: !existing.has(key),
              }
              existing.add(key)
              return result
            } catch (err) {
              if (isTandemError(err)) return { ok: false, error: err }
              throw err
            }
          }
          const done = (previous.get(key) ?? Promise.resolve()).then(write)
          previous.set(
            key,
            done.catch(() => undefined),
          )
          return done
        }),
      )
    },
  }
}

function externalIdOf(row: TargetRecord, field: string): string | null {
  const value = row[field]
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return typeof value === 'string' && value !== '' ? value : null
}

/** NetSuite answers a write with 204 and the record's URL in Location; the internal id is its last segment. */
function idFromLocation(location: string | undefined, status: number): string {
  const id = location ? /\/(\d+)\/?$/.exec(location)?.[1] : undefined
  if (!id) {
    throw new PermanentError('NS_UNEXPECTED_RESPONSE', 'NetSuite accepted the write but sent no record Location', {
      remote: { status, body: { location: location ?? null } },
    })
  }
  return id
}
