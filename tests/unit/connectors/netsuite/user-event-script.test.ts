import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseNetSuiteWebhook } from '../../../../src/connectors/netsuite/webhook.ts'

/**
 * The SuiteScript shipped in connectors/netsuite, run here with stand-ins for the N/ modules it uses
 * (N/crypto's HMAC done by node:crypto): what it posts must pass the connector's own verification, and
 * saves from the skipped contexts must post nothing.
 */

const scriptFile = new URL(
  '../../../../connectors/netsuite/FileCabinet/SuiteScripts/tandem/tandem_ue_notify.js',
  import.meta.url,
)
const secret = 'whsec-test-0123456789'

interface Post {
  url: string
  body: string
  headers: Record<string, string>
}

function loadScript(opts: { executionContext: string; skip?: string; answer?: number[] }) {
  const posts: Post[] = []
  const logs: { level: string; title: string }[] = []
  const answers = [...(opts.answer ?? [204])]
  const secrets: Record<string, string> = { custsecret_tandem_webhook: secret }
  const parameters: Record<string, string | null> = {
    custscript_tandem_url: 'https://tandem.example.com/webhooks/erp',
    custscript_tandem_secret_id: 'custsecret_tandem_webhook',
    custscript_tandem_skip_contexts: opts.skip ?? null,
  }
  const modules: Record<string, unknown> = {
    'N/crypto': {
      HashAlg: { SHA256: 'SHA256' },
      createSecretKey: ({ secret: id }: { secret: string }) => ({ value: secrets[id] }),
      createHmac: ({ key }: { key: { value: string } }) => {
        const mac = createHmac('sha256', key.value)
        return {
          update: ({ input }: { input: string }) => mac.update(input, 'utf8'),
          digest: () => mac.digest('hex').toUpperCase(),
        }
      },
    },
    'N/encode': { Encoding: { UTF_8: 'UTF_8', HEX: 'HEX' } },
    'N/https': {
      post: (req: Post) => {
        posts.push(req)
        return { code: answers.shift() ?? 204 }
      },
    },
    'N/log': {
      error: ({ title }: { title: string }) => logs.push({ level: 'error', title }),
      audit: ({ title }: { title: string }) => logs.push({ level: 'audit', title }),
    },
    'N/runtime': {
      // The enum's values differ from its keys; the script must resolve keys through it.
      ContextType: { REST_WEBSERVICES: 'RESTWEBSERVICES', USER_INTERFACE: 'USERINTERFACE', CSV_IMPORT: 'CSVIMPORT' },
      executionContext: opts.executionContext,
      getCurrentScript: () => ({ getParameter: ({ name }: { name: string }) => parameters[name] ?? null }),
    },
  }
  let entry: { afterSubmit(context: unknown): void } | undefined
  const define = (deps: string[], factory: (...m: unknown[]) => typeof entry) => {
    entry = factory(...deps.map((d) => modules[d]))
  }
  new Function('define', readFileSync(scriptFile, 'utf8'))(define)
  return { afterSubmit: entry!.afterSubmit, posts, logs }
}

const userEventType = { CREATE: 'create', EDIT: 'edit', DELETE: 'delete', XEDIT: 'xedit' }

function save(type: string, id: number, modified: Date) {
  const record = {
    type: 'customer',
    id,
    getValue: ({ fieldId }: { fieldId: string }) => (fieldId === 'lastmodifieddate' ? modified : null),
  }
  return { type, UserEventType: userEventType, newRecord: record, oldRecord: record }
}

describe('the User Event script', () => {
  it('posts a change made in the UI, signed so that the connector accepts it', async () => {
    const script = loadScript({ executionContext: 'USERINTERFACE' })
    script.afterSubmit(save('edit', 614, new Date('2025-01-14T17:05:31.000Z')))
    expect(script.posts).toHaveLength(1)
    const [post] = script.posts as [Post]
    expect(post.url).toBe('https://tandem.example.com/webhooks/erp')
    const req = new Request(post.url, { method: 'POST', headers: post.headers, body: post.body })
    const { events } = await parseNetSuiteWebhook(req, [secret])
    expect(events).toEqual([
      {
        object: 'customer',
        recordId: '614',
        changeType: 'update',
        eventId: 'customer:614:edit:1736874331000',
        occurredAt: '2025-01-14T17:05:31Z',
        origin: 'USERINTERFACE',
      },
    ])
  })

  it('refuses to be trusted with another secret', async () => {
    const script = loadScript({ executionContext: 'USERINTERFACE' })
    script.afterSubmit(save('create', 7, new Date()))
    const [post] = script.posts as [Post]
    const req = new Request(post.url, { method: 'POST', headers: post.headers, body: post.body })
    await expect(parseNetSuiteWebhook(req, ['another secret'])).rejects.toMatchObject({ code: 'WEBHOOK_UNAUTHORIZED' })
  })

  it('skips saves made through REST web services, which are the integration’s own writes', () => {
    const script = loadScript({ executionContext: 'RESTWEBSERVICES' })
    script.afterSubmit(save('edit', 614, new Date()))
    expect(script.posts).toEqual([])
  })

  it('skips the contexts the deployment lists instead, when given', () => {
    const csv = loadScript({ executionContext: 'CSVIMPORT', skip: 'CSV_IMPORT, REST_WEBSERVICES' })
    csv.afterSubmit(save('create', 1, new Date()))
    expect(csv.posts).toEqual([])
    const rest = loadScript({ executionContext: 'RESTWEBSERVICES', skip: 'CSV_IMPORT' })
    rest.afterSubmit(save('create', 1, new Date()))
    expect(rest.posts).toHaveLength(1)
  })

  it('posts deletes, and tries again after a 5xx but not after a 4xx', () => {
    const busy = loadScript({ executionContext: 'USERINTERFACE', answer: [503, 502, 204] })
    busy.afterSubmit(save('delete', 9, new Date()))
    expect(busy.posts).toHaveLength(3)
    expect(JSON.parse(busy.posts[0]!.body).events[0]).toMatchObject({ id: '9', type: 'delete' })
    expect(busy.logs.filter((l) => l.level === 'error')).toEqual([])

    const refused = loadScript({ executionContext: 'USERINTERFACE', answer: [401] })
    refused.afterSubmit(save('edit', 9, new Date()))
    expect(refused.posts).toHaveLength(1)
    expect(refused.logs).toEqual([{ level: 'error', title: 'Tandem refused the change notice' }])
  })
})
