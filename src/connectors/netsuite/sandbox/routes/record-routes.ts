import { Hono } from 'hono'
import { nsJson, type SandboxContext, type SandboxEnv } from '../hono-env.ts'
import { compileListFilter, parseListFilter } from '../list-filter.ts'
import { invalidParameter, invalidRequest, nonexistentId, SandboxApiError } from '../ns-error.ts'
import { recordHref, renderRecord } from '../record-render.ts'
import type { RecordTypeDef, StoredRecord } from '../record-types/record-type.ts'
import { createRecord, deleteRecord, updateRecord, upsertRecord, type WriteOptions } from '../record-writes.ts'
import { transformToInvoice } from '../sales-transform.ts'
import type { SandboxState } from '../sandbox-state.ts'
import { pageLinks, pagingNumber } from './paging.ts'

/**
 * The record service, `/services/rest/record/v1` (reference §4): list, get (and sublist sub-resources),
 * create, update, upsert by external ID, delete, and `!transform/invoice`. Writes answer 204 with an
 * absolute `Location` and no body; `eid:` works wherever an internal id does; record-type segments are
 * case-insensitive. Writes here are the integration's (execution context REST_WEBSERVICES), which the
 * User Event script does not post back.
 */
export function recordRoutes(state: SandboxState): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>()
  const { store } = state

  const typeOf = (c: SandboxContext): RecordTypeDef => {
    const def = store.types.find(c.req.param('type') ?? '')
    if (!def)
      throw new SandboxApiError(404, {
        detail: `Record type '${c.req.param('type')}' does not exist.`,
        'o:errorCode': 'NONEXISTENT_ID',
      })
    return def
  }
  const recordOf = (c: SandboxContext, def: RecordTypeDef): StoredRecord => {
    const rec = store.get(def.name, c.req.param('key') ?? '')
    if (!rec) throw nonexistentId()
    return rec
  }
  const bodyOf = async (c: SandboxContext): Promise<unknown> => {
    try {
      return JSON.parse(await c.req.text())
    } catch {
      throw invalidRequest()
    }
  }
  const flag = (c: SandboxContext, name: string) => c.req.query(name)?.toLowerCase() === 'true'
  const inputOptions = (c: SandboxContext): WriteOptions => {
    const replace = c.req.query('replace')
    return {
      propertyNameValidation: c.req.header('x-netsuite-propertynamevalidation'),
      undeclaredCustomFields: state.strictCustomFields ? 'unknown' : 'accept',
      ...(replace ? { replace: new Set(replace.split(',').map((s) => s.trim())) } : {}),
    }
  }
  const written = (c: SandboxContext, def: RecordTypeDef, rec: StoredRecord) =>
    c.body(null, 204, { location: recordHref(c.get('baseUrl'), def.name, rec.id), 'content-type': 'application/json' })

  app.get('/:type', (c) => {
    const def = typeOf(c)
    const limit = pagingNumber(c.req.query('limit'), 'limit', 1000, 1, 1000)
    const offset = pagingNumber(c.req.query('offset'), 'offset', 0, 0, Number.MAX_SAFE_INTEGER)
    if (offset % limit !== 0) throw invalidParameter('offset', 'The offset must be a multiple of the limit.')
    const q = c.req.query('q')
    const filter = q ? compileListFilter(parseListFilter(q), def, state.account.timeZone) : () => true
    const all = store.all(def.name).filter(filter)
    const page = all.slice(offset, offset + limit)
    const base = `${c.get('baseUrl')}/services/rest/record/v1/${def.name}`
    const href = (o: number) =>
      `${base}?${new URLSearchParams({ limit: String(limit), offset: String(o), ...(q ? { q } : {}) })}`
    return nsJson(
      c,
      {
        links: pageLinks(href, offset, limit, all.length),
        count: page.length,
        hasMore: offset + page.length < all.length,
        items: page.map((rec) => ({
          links: [{ rel: 'self', href: recordHref(c.get('baseUrl'), def.name, rec.id) }],
          id: String(rec.id),
        })),
        offset,
        totalResults: all.length,
      },
      200,
      'collection',
    )
  })

  app.get('/:type/:key', (c) => {
    const def = typeOf(c)
    const rec = recordOf(c, def)
    const fields = c.req.query('fields')
    const body = renderRecord(store, def, rec, {
      baseUrl: c.get('baseUrl'),
      selfHref: `${c.get('baseUrl')}${c.get('target')}`,
      expandSubResources: flag(c, 'expandSubResources'),
      simpleEnumFormat: flag(c, 'simpleEnumFormat'),
      ...(fields ? { fields: fields.split(',').map((f) => f.trim()) } : {}),
    })
    return nsJson(c, body, 200, 'singular')
  })

  // A sublist as a sub-resource (`…/salesOrder/18/item`), lines expanded, as its self link promises.
  app.get('/:type/:key/:sublist', (c) => {
    const def = typeOf(c)
    const rec = recordOf(c, def)
    const field = def.fields.find(
      (f) => f.kind === 'sublist' && f.name.toLowerCase() === c.req.param('sublist').toLowerCase(),
    )
    if (!field) throw nonexistentId()
    const full = renderRecord(store, def, rec, {
      baseUrl: c.get('baseUrl'),
      selfHref: recordHref(c.get('baseUrl'), def.name, rec.id),
      expandSubResources: true,
      simpleEnumFormat: flag(c, 'simpleEnumFormat'),
    })
    return nsJson(c, full[field.name], 200, 'collection')
  })

  app.post('/:type', async (c) => {
    const def = typeOf(c)
    const at = state.now()
    const rec = createRecord(state.write, def, await bodyOf(c), at, inputOptions(c))
    state.notifier.saved(rec, 'create', 'RESTWEBSERVICES', at)
    return written(c, def, rec)
  })

  // `!transform/invoice` (reference §4). `!` may arrive encoded; both spellings name the same operation.
  app.post('/:type/:key/:op/:target', async (c) => {
    const def = typeOf(c)
    const op = decodeURIComponent(c.req.param('op'))
    const target = store.types.find(c.req.param('target'))
    if (op !== '!transform' || def.name !== 'salesOrder' || target?.name !== 'invoice') {
      throw new SandboxApiError(400, {
        detail: `Transformation of ${def.name} to ${c.req.param('target')} is not supported.`,
        'o:errorCode': 'INVALID_REQUEST',
      })
    }
    const order = recordOf(c, def)
    const text = await c.req.text()
    let body: unknown = {}
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text)
      } catch {
        throw invalidRequest()
      }
    }
    const at = state.now()
    const invoice = transformToInvoice(state.write, order, body, at, inputOptions(c))
    state.notifier.saved(invoice, 'create', 'RESTWEBSERVICES', at)
    return written(c, target, invoice)
  })

  app.patch('/:type/:key', async (c) => {
    const def = typeOf(c)
    const rec = recordOf(c, def)
    const at = state.now()
    updateRecord(state.write, def, rec, await bodyOf(c), at, inputOptions(c))
    state.notifier.saved(rec, 'edit', 'RESTWEBSERVICES', at)
    return written(c, def, rec)
  })

  app.put('/:type/:key', async (c) => {
    const def = typeOf(c)
    const key = c.req.param('key')
    // PUT is upsert and exists only with an external ID (reference §4).
    if (!key.startsWith('eid:') || key.length === 4) {
      throw new SandboxApiError(405, {
        detail: 'PUT is supported only with an external ID: /{recordType}/eid:{externalId}.',
        'o:errorCode': 'INVALID_REQUEST',
      })
    }
    const at = state.now()
    const { rec, created } = upsertRecord(state.write, def, key.slice(4), await bodyOf(c), at, inputOptions(c))
    state.notifier.saved(rec, created ? 'create' : 'edit', 'RESTWEBSERVICES', at)
    return written(c, def, rec)
  })

  app.delete('/:type/:key', (c) => {
    const def = typeOf(c)
    const rec = recordOf(c, def)
    const at = state.now()
    deleteRecord(state.write, def, rec, at)
    state.notifier.saved(rec, 'delete', 'RESTWEBSERVICES', at)
    return c.body(null, 204, { 'content-type': 'application/json' })
  })

  return app
}
