import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { compileMapping, type MapEnv } from '../src/mapping/compile-mapping.ts'
import { mappingSchema } from '../src/mapping/mapping-schema.ts'

const env: MapEnv = {
  resolveRef: async (_flow, id) => `T${id}`,
  referenceValue: (id) => ({ id }),
  warn: () => {},
  lookup: async () => '1',
}

function record(flow: string, i: number): Record<string, unknown> {
  if (flow === 'orders') {
    return {
      Name: `Deal ${i}`,
      StageName: 'Closed Won',
      CloseDate: '2026-11-22',
      AccountId: `001${i}`,
      Owner: { Email: 'lan@example.com' },
      OpportunityLineItems: {
        totalSize: 3,
        done: true,
        records: [1, 2, 3].map((n) => ({
          Product2Id: `01t${n}`,
          Quantity: n,
          UnitPrice: 19.95 * n,
          Discount: 5,
          Description: 'x',
        })),
      },
    }
  }
  return { Name: `  Công ty TNHH Số ${i}  `, Phone: '028 3822 1234', Website: 'https://example.vn', Description: null }
}

/** Records per second through the compiled mapping of a shipped flow, in this process, for `seconds`. */
export async function measureMapping(flow: string, seconds: number): Promise<number> {
  const config = mappingSchema.parse(parse(readFileSync(new URL(`../mappings/${flow}.yaml`, import.meta.url), 'utf8')))
  const compiled = compileMapping(config, { defaultZone: 'Asia/Ho_Chi_Minh' })
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems))
  const records = Array.from({ length: 1_000 }, (_, i) => record(flow, i))
  const until = performance.now() + seconds * 1000
  let n = 0
  const started = performance.now()
  while (performance.now() < until) {
    for (const r of records) await compiled.mapping.map(String(n++), r, env)
  }
  return n / ((performance.now() - started) / 1000)
}
