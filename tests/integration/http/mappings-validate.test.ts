import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../../src/http/app.ts'
import { createLogger } from '../../../src/lib/logger.ts'
import { type RuntimeFixture, startRuntimeFixture } from '../../helpers/runtime-fixture.ts'

const token = 'mappings-validate-admin-token-0123456789'
const shipped = readFileSync(new URL('../../../mappings/customers.yaml', import.meta.url), 'utf8')

interface Answer {
  valid: boolean
  problems: { file: string; line?: number; column?: number; path?: string; message: string }[]
}

/**
 * `POST /api/v1/mappings/validate` checks a changed mapping against the running deployment — its schema,
 * expressions, references to other flows, and field names as the systems (here the sandboxes) describe
 * them — and names every problem by file, line and path, changing nothing.
 */
describe('mapping validation through the admin API', () => {
  let fx: RuntimeFixture
  let app: ReturnType<typeof createApp>
  const validate = async (yaml: string, file?: string) => {
    const res = await app.request('/api/v1/mappings/validate', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ yaml, ...(file ? { file } : {}) }),
    })
    expect(res.status).toBe(200)
    return (await res.json()) as Answer
  }

  beforeAll(async () => {
    fx = await startRuntimeFixture({ flows: ['customers'], env: { TANDEM_ADMIN_TOKEN: token } })
    app = createApp(fx.rt, createLogger('silent'))
  })
  afterAll(async () => {
    await fx?.close()
  })

  it('accepts the deployed mapping as it is', async () => {
    expect(await validate(shipped)).toEqual({ valid: true, problems: [] })
  })

  it("names a target field the ERP's customer does not have, at its line", async () => {
    const answer = await validate(shipped.replace('  url: { from: Website }', '  homePage: { from: Website }'))
    expect(answer.valid).toBe(false)
    expect(answer.problems).toEqual([
      expect.objectContaining({ file: 'mappings/customers.yaml', line: 14, path: 'fields.homePage' }),
    ])
    expect(answer.problems[0]?.message).toMatch(/homePage/)
  })

  it('names a broken expression and a reference to a flow that does not exist', async () => {
    const text = shipped
      .replace('  comments: { from: Description }', '  comments: { expr: "Description &" }')
      .replace('  url: { from: Website }', '  url: { from: ParentId, ref: parents }')
    const answer = await validate(text, 'mappings/customers.yaml')
    expect(answer.valid).toBe(false)
    expect(answer.problems.map((p) => [p.line, p.path])).toEqual(
      expect.arrayContaining([
        [14, expect.stringMatching(/^fields\.url/)],
        [15, expect.stringMatching(/^fields\.comments/)],
      ]),
    )
  })

  it('reports a file named after another flow, and YAML that does not parse', async () => {
    const misnamed = await validate(shipped, 'mappings/accounts.yaml')
    expect(misnamed.problems).toEqual([
      expect.objectContaining({ path: 'flow', message: expect.stringMatching(/accounts\.yaml/) }),
    ])
    const broken = await validate('flow: customers\nfields: [oops\n')
    expect(broken.valid).toBe(false)
    expect(broken.problems[0]?.line).toBeGreaterThan(0)
  })
})
