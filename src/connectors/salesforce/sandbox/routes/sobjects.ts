import type { Hono } from 'hono'
import { notFound, SfApiError, unknownExternalIdField } from '../api-error.ts'
import { formatDatetime } from '../datetime.ts'
import type { Org, StoredRecord } from '../org.ts'
import { rawLastSegment, readRecordBody, sfJson, versionOf } from '../responses.ts'
import { findField, type ObjectDescribe } from '../schema.ts'
import type { SandboxState } from '../state.ts'

/** A stored record as the REST API returns it: attributes first, datetimes formatted, nulls kept. */
export function recordJson(
  o: ObjectDescribe,
  r: StoredRecord,
  version: string,
  fields?: readonly string[],
): Record<string, unknown> {
  const wanted = fields ? new Set(fields.map((f) => f.toLowerCase())) : null
  const out: Record<string, unknown> = {
    attributes: { type: o.name, url: `/services/data/v${version}/sobjects/${o.name}/${r.Id}` },
  }
  for (const f of o.fields) {
    if (wanted && !wanted.has(f.name.toLowerCase())) continue
    const v = r[f.name] ?? null
    out[f.name] = f.type === 'datetime' && typeof v === 'number' ? formatDatetime(v) : v
  }
  return out
}

/** The describe of an object: its describe data plus the object-level flags and URLs clients read. */
export function describeJson(org: Org, o: ObjectDescribe, version: string): Record<string, unknown> {
  const base = `/services/data/v${version}/sobjects/${o.name}`
  const childRelationships = org.childRelationships(o.name).map((c) => ({
    cascadeDelete: c.cascadeDelete,
    childSObject: c.childSObject,
    deprecatedAndHidden: false,
    field: c.field,
    relationshipName: c.relationshipName,
  }))
  return {
    createable: true,
    updateable: true,
    deletable: true,
    queryable: true,
    retrieveable: true,
    searchable: true,
    undeletable: true,
    replicateable: true,
    ...o,
    childRelationships,
    urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
  }
}

/** Checks `?fields=A,B` against the describe, as the API does before reading. */
function fieldList(o: ObjectDescribe, raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined
  const fields = raw
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean)
  const unknown = fields.find((f) => !findField(o, f))
  if (unknown) throw new SfApiError(400, 'INVALID_FIELD', `No such column '${unknown}' on sobject of type ${o.name}`)
  return fields
}

/** sObject describe, CRUD and upsert by external id, under `/services/data/vNN.N` (REST API "sObject Rows"). */
export function sobjectRoutes(app: Hono, state: SandboxState): void {
  const { org } = state

  app.get('/sobjects', (c) => {
    const version = versionOf(c)
    return sfJson(c, {
      encoding: 'UTF-8',
      maxBatchSize: 200,
      sobjects: org.objects().map((o) => {
        const { fields: _fields, childRelationships: _children, ...rest } = describeJson(org, o, version)
        return rest
      }),
    })
  })

  app.get('/sobjects/:object/describe', (c) =>
    sfJson(c, describeJson(org, org.object(c.req.param('object')), versionOf(c))),
  )

  app.get('/sobjects/:object', (c) => {
    const {
      fields: _fields,
      childRelationships: _children,
      ...objectDescribe
    } = describeJson(org, org.object(c.req.param('object')), versionOf(c))
    return sfJson(c, { objectDescribe, recentItems: [] })
  })

  app.post('/sobjects/:object', async (c) => {
    const id = org.create(c.req.param('object'), await readRecordBody(c))
    return sfJson(c, { id, success: true, errors: [] }, 201)
  })

  app.get('/sobjects/:object/:id', (c) => {
    const o = org.object(c.req.param('object'))
    const fields = fieldList(o, c.req.query('fields'))
    return sfJson(c, recordJson(o, org.get(o.name, c.req.param('id')), versionOf(c), fields))
  })

  app.patch('/sobjects/:object/:id', async (c) => {
    org.update(c.req.param('object'), c.req.param('id'), await readRecordBody(c))
    return c.body(null, 204)
  })

  app.delete('/sobjects/:object/:id', (c) => {
    org.delete(c.req.param('object'), c.req.param('id'))
    return c.body(null, 204)
  })

  // `POST /sobjects/Account/Id` (v37.0+): an upsert whose external id is null, i.e. always an insert.
  app.post('/sobjects/:object/:field', async (c) => {
    const o = org.object(c.req.param('object'))
    const f = findField(o, c.req.param('field'))
    if (!f || !(f.externalId || f.idLookup)) throw unknownExternalIdField(c.req.param('field'))
    const id = org.create(o.name, await readRecordBody(c))
    return sfJson(c, { id, success: true, errors: [], created: true }, 201)
  })

  /** The live records whose external-id field holds the path's value, taken raw from the path. */
  const matching = (objectName: string, fieldName: string, value: string) => {
    const o = org.object(objectName)
    const f = findField(o, fieldName)
    if (!f || !(f.externalId || f.idLookup)) throw unknownExternalIdField(fieldName)
    const ids = f.type === 'id' ? [org.get(o.name, value).Id] : org.matchExternal(o.name, f.name, value)
    return { o, ids }
  }
  /** 300 Multiple Choices: the body lists the URLs of the matching records. */
  const multipleChoices = (o: ObjectDescribe, ids: string[], version: string) =>
    new SfApiError(
      300,
      'MULTIPLE_CHOICES',
      'Multiple records match',
      undefined,
      ids.map((id) => `/services/data/v${version}/sobjects/${o.name}/${id}`),
    )

  app.get('/sobjects/:object/:field/:value', (c) => {
    const version = versionOf(c)
    const { o, ids } = matching(c.req.param('object'), c.req.param('field'), rawLastSegment(c))
    if (ids.length === 0) throw notFound()
    if (ids.length > 1) throw multipleChoices(o, ids, version)
    const fields = fieldList(o, c.req.query('fields'))
    return sfJson(c, recordJson(o, org.get(o.name, ids[0] as string), version, fields))
  })

  app.patch('/sobjects/:object/:field/:value', async (c) => {
    const version = versionOf(c)
    const outcome = org.upsert(
      c.req.param('object'),
      c.req.param('field'),
      rawLastSegment(c),
      await readRecordBody(c),
      version,
    )
    const body = { id: outcome.id, success: true, errors: [], created: outcome.created }
    if (outcome.created) return sfJson(c, body, 201)
    // Before API 46.0 an update through upsert answered 204 with no body.
    return Number(version) >= 46 ? sfJson(c, body, 200) : c.body(null, 204)
  })

  app.delete('/sobjects/:object/:field/:value', (c) => {
    const { o, ids } = matching(c.req.param('object'), c.req.param('field'), rawLastSegment(c))
    if (ids.length === 0) throw notFound()
    if (ids.length > 1) throw multipleChoices(o, ids, versionOf(c))
    org.delete(o.name, ids[0] as string)
    return c.body(null, 204)
  })
}
