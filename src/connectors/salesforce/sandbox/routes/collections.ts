import type { Context, Hono } from 'hono'
import { SfApiError } from '../api-error.ts'
import { normalizeId } from '../ids.ts'
import type { Org } from '../org.ts'
import { readJson, sfJson, versionOf } from '../responses.ts'
import { findField } from '../schema.ts'
import type { SandboxState } from '../state.ts'
import { recordJson } from './sobjects.ts'

const maxRecords = 200

interface SaveResult {
  id?: string
  success: boolean
  errors: { statusCode: string; message: string; fields: string[] }[]
  created?: boolean
}

const rolledBack = new SfApiError(
  400,
  'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  'Record rolled back because not all records were valid and the request was using AllOrNone header',
)

const tooMany = () =>
  new SfApiError(
    400,
    'EXCEEDED_ID_LIMIT',
    `record limit reached. cannot submit more than ${maxRecords} records into this call`,
  )

/**
 * Applies `write` to each item in order and collects one result per item (REST API "sObject Collections").
 * A failure carries `statusCode` and no id. With allOrNone, any failure undoes every write of the call and
 * the others report ALL_OR_NONE_OPERATION_ROLLED_BACK, keeping their id only when the record still exists.
 */
function saveEach(
  org: Org,
  items: readonly unknown[],
  allOrNone: boolean,
  write: (item: unknown) => { id: string; created?: boolean },
): SaveResult[] {
  if (items.length > maxRecords) throw tooMany()
  const attempt = () =>
    items.map((item): SaveResult => {
      try {
        const { id, created } = write(item)
        return { id, success: true, errors: [], ...(created === undefined ? {} : { created }) }
      } catch (err) {
        if (!(err instanceof SfApiError)) throw err
        return { success: false, errors: [err.toSaveError()] }
      }
    })
  if (!allOrNone) return attempt()
  let results: SaveResult[] = []
  try {
    org.atomically(() => {
      results = attempt()
      if (results.some((r) => !r.success)) throw rolledBack
    })
  } catch (err) {
    if (err !== rolledBack) throw err
    return results.map((r) => {
      if (!r.success) return r
      const o = r.id === undefined ? undefined : org.objectOfId(r.id)
      const kept = o !== undefined && r.id !== undefined && org.exists(o.name, r.id)
      return { ...(kept ? { id: r.id } : {}), success: false, errors: [rolledBack.toSaveError()] }
    })
  }
  return results
}

function asRecord(item: unknown): Record<string, unknown> {
  if (!item || typeof item !== 'object' || Array.isArray(item)) {
    throw new SfApiError(400, 'JSON_PARSER_ERROR', 'Cannot deserialize instance of sobject from the request body')
  }
  return item as Record<string, unknown>
}

function typeOf(item: Record<string, unknown>): string {
  const type = (item.attributes as { type?: unknown } | undefined)?.type
  if (typeof type !== 'string') throw new SfApiError(400, 'INVALID_TYPE', 'Must send a concrete entity type.')
  return type
}

/** The record's fields without `attributes` and the named keys (matched case-insensitively). */
function fieldsOf(item: Record<string, unknown>, ...drop: string[]): Record<string, unknown> {
  const lower = drop.map((k) => k.toLowerCase())
  return Object.fromEntries(
    Object.entries(item).filter(([k]) => k !== 'attributes' && !lower.includes(k.toLowerCase())),
  )
}

async function readBatch(c: Context): Promise<{ records: unknown[]; allOrNone: boolean }> {
  const body = (await readJson(c)) as { allOrNone?: unknown; records?: unknown } | null
  if (!body || !Array.isArray(body.records)) {
    throw new SfApiError(400, 'JSON_PARSER_ERROR', 'The request body is either invalid or incomplete.')
  }
  return { records: body.records, allOrNone: body.allOrNone === true }
}

/** sObject Collections: create, update, upsert, delete and retrieve, one API call for up to 200 records. */
export function collectionRoutes(app: Hono, state: SandboxState): void {
  const { org } = state

  app.post('/composite/sobjects', async (c) => {
    const { records, allOrNone } = await readBatch(c)
    return sfJson(
      c,
      saveEach(org, records, allOrNone, (raw) => {
        const item = asRecord(raw)
        return { id: org.create(typeOf(item), fieldsOf(item)) }
      }),
    )
  })

  app.patch('/composite/sobjects', async (c) => {
    const { records, allOrNone } = await readBatch(c)
    return sfJson(
      c,
      saveEach(org, records, allOrNone, (raw) => {
        const item = asRecord(raw)
        const id = item.id ?? item.Id
        if (typeof id !== 'string') throw new SfApiError(400, 'MISSING_ARGUMENT', 'Id not specified in an update call')
        return { id: org.update(typeOf(item), id, fieldsOf(item, 'id')) }
      }),
    )
  })

  // Upsert of one object type; each record carries its external-id value (v46.0+). A value given twice in
  // one call fails both records, and one matching several records fails that record.
  app.patch('/composite/sobjects/:object/:field', async (c) => {
    const { records, allOrNone } = await readBatch(c)
    const o = org.object(c.req.param('object'))
    const name = findField(o, c.req.param('field'))?.name ?? c.req.param('field')
    const version = versionOf(c)
    const externalIdOf = (raw: unknown) => {
      const item = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {}
      const value = Object.entries(item).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1]
      return typeof value === 'string' || typeof value === 'number' ? String(value) : null
    }
    const seen = new Map<string, number>()
    for (const raw of records) {
      const v = externalIdOf(raw)?.toLowerCase()
      if (v !== undefined) seen.set(v, (seen.get(v) ?? 0) + 1)
    }
    return sfJson(
      c,
      saveEach(org, records, allOrNone, (raw) => {
        const item = asRecord(raw)
        const value = externalIdOf(item)
        if (value === null) throw new SfApiError(400, 'MISSING_ARGUMENT', `${name} not specified`, [name])
        if ((seen.get(value.toLowerCase()) ?? 0) > 1) {
          throw new SfApiError(400, 'DUPLICATE_EXTERNAL_ID', `Duplicate external id specified: ${value}`, [name])
        }
        try {
          return org.upsert(o.name, name, value, fieldsOf(item, name), version)
        } catch (err) {
          if (!(err instanceof SfApiError) || err.status !== 300) throw err
          throw new SfApiError(
            400,
            'DUPLICATE_EXTERNAL_ID',
            `A user-specified external ID matches more than one record during an upsert: ${value}`,
            [name],
          )
        }
      }),
    )
  })

  app.delete('/composite/sobjects', (c) => {
    const ids = (c.req.query('ids') ?? '').split(',').filter(Boolean)
    if (ids.length === 0) throw new SfApiError(400, 'REQUIRED_FIELD_MISSING', 'At least 1 Id is required.')
    const results = saveEach(org, ids, c.req.query('allOrNone') === 'true', (raw) => {
      const id = String(raw)
      const canonical = normalizeId(id)
      const object = canonical ? org.objectOfId(canonical) : undefined
      if (!object) throw new SfApiError(400, 'MALFORMED_ID', `malformed id ${id}`, [])
      org.delete(object.name, id)
      return { id: canonical as string }
    })
    return sfJson(c, results)
  })

  // Retrieve several records by id: GET with ids/fields in the query (missing ones are null), or POST with a body.
  const retrieve = (c: Context, ids: readonly string[], fields: readonly string[] | undefined) => {
    const o = org.object(c.req.param('object') ?? '')
    if (ids.length > 2_000) throw tooMany()
    const version = versionOf(c)
    return ids.map((id) => {
      const canonical = normalizeId(id)
      const r = canonical ? org.find(o.name, canonical) : undefined
      return r && !r.IsDeleted ? recordJson(o, r, version, fields) : null
    })
  }
  app.get('/composite/sobjects/:object', (c) =>
    sfJson(c, retrieve(c, (c.req.query('ids') ?? '').split(',').filter(Boolean), c.req.query('fields')?.split(','))),
  )
  app.post('/composite/sobjects/:object', async (c) => {
    const body = (await readJson(c)) as { ids?: unknown; fields?: unknown } | null
    const ids = Array.isArray(body?.ids) ? body.ids.map(String) : []
    const fields = Array.isArray(body?.fields) ? body.fields.map(String) : undefined
    return sfJson(c, retrieve(c, ids, fields))
  })
}
