import { Connection as JsforceConnection } from 'jsforce'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RuntimeFixture, startRuntimeFixture } from '../../helpers/runtime-fixture.ts'
import { waitFor } from '../../helpers/wait-for.ts'

/**
 * A connection's own `retry:` block governs the jobs that write to it. The deployment default here is 8
 * attempts with long backoff; the ERP file asks for 2 quick ones, so a customer whose writes keep failing
 * transiently is parked after exactly two attempts, within moments.
 */
describe("a connection's retry policy", () => {
  let fx: RuntimeFixture
  let sf: JsforceConnection

  beforeAll(async () => {
    fx = await startRuntimeFixture({
      flows: ['customers'],
      roles: { intake: true, workers: true },
      pollEvery: '1h',
      edit: { customers: (yaml) => yaml.replace(/\nlink:[\s\S]*$/, '\n') },
      editConnector: { erp: (yaml) => `${yaml}\nretry:\n  attempts: 2\n  baseMs: 10\n  maxMs: 20\n` },
      env: { TANDEM_JOB_ATTEMPTS: '8', TANDEM_RETRY_BASE_MS: '600000', TANDEM_RETRY_MAX_MS: '600000' },
    })
    const c = fx.crm.credentials
    sf = new JsforceConnection({ oauth2: { loginUrl: fx.crm.url, clientId: c.clientId, clientSecret: c.clientSecret } })
    await sf.login(c.username!, c.password!)
  })
  afterAll(async () => {
    await fx?.close()
  })

  it('parks a record after the attempts its target connection allows', async () => {
    const id = ((await sf.sobject('Account').create({ Name: 'Locked Forever JSC' })) as { id: string }).id
    // Every write of a customer meets a workflow lock: transient, so only the policy ends the retries.
    fx.erp.faults.failNext(1_000, 'locked', { method: 'PUT', pathIncludes: '/customer/' })
    await fx.rt.requestSync('customers', id, 'test')
    await waitFor(async () => (await fx.rt.store.deadLetters.list({ flow: 'customers' }, { limit: 10 })).length === 1, {
      what: 'the dead letter',
    })
    const runs = await fx.rt.store.runs.forRecord('customers', id)
    expect(runs.map((r) => r.status).sort()).toEqual(['failed', 'retrying'])
    const [letter] = await fx.rt.store.deadLetters.list({ flow: 'customers' }, { limit: 10 })
    expect(letter).toMatchObject({ source_id: id, error_kind: 'transient', error_code: 'NS_USER_ERROR' })
    expect(fx.erp.customers().filter((c) => c.externalId === id)).toHaveLength(0)
    fx.erp.faults.clear()
  })
})
