import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { parse } from 'yaml'
import type { Connection } from '../src/connectors/types.ts'
import { createLookup } from '../src/engine/target-lookup.ts'
import { compileMapping, type MapEnv } from '../src/mapping/compile-mapping.ts'
import { mappingSchema } from '../src/mapping/mapping-schema.ts'

/**
 * The environment the sync worker hands a mapping, minus the network. `resolveRef` answers from memory
 * where the worker asks the cross-reference table: a promise per call, as there. `lookup` is the worker's
 * own cache (createLookup) over an ERP with a handful of employees, so the per-record cost of the cache key
 * is counted and only the first scan per sales rep is a "remote" one, as in production.
 */
function benchEnv(): MapEnv {
  const employees = Array.from({ length: reps }, (_, i) => ({ id: String(100 + i), data: { email: rep(i) } }))
  const erp = {
    object: () => ({
      async *listAll() {
        yield employees
      },
    }),
  } as unknown as Connection
  return {
    resolveRef: async (_flow, id) => `T${id}`,
    referenceValue: (id) => ({ id }),
    warn: () => {},
    lookup: createLookup(erp),
  }
}

const reps = 20
const rep = (i: number) => `rep${i % reps}@example.com`

/**
 * Source records shaped as the CRM connector returns them. Values differ per record (names, phone numbers,
 * dates, amounts) so that no cache of parsed values can make the figure look better than real traffic.
 */
function record(flow: string, i: number): Record<string, unknown> {
  if (flow === 'orders') {
    return {
      Name: `Deal ${i}`,
      StageName: 'Closed Won',
      CloseDate: `2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
      AccountId: `001${i}`,
      Owner: { Email: rep(i) },
      OpportunityLineItems: {
        totalSize: 3,
        done: true,
        records: [1, 2, 3].map((n) => ({
          Product2Id: `01t${(i * 3 + n) % 500}`,
          Quantity: n,
          UnitPrice: 19.95 * n + i,
          // One line in three has no discount, so both branches of the rate expression run.
          Discount: n === 3 ? null : 5,
          Description: `line ${n} of deal ${i}`,
        })),
      },
    }
  }
  return {
    Name: `  Công ty TNHH Số ${i}  `,
    Phone: `028 38${String(i % 1_000_000).padStart(6, '0')}`,
    Website: `https://example${i}.vn`,
    Description: i % 2 === 0 ? null : `Khách hàng ${i}`,
  }
}

/**
 * Records per second through the compiled mapping of a shipped flow, in this process, for `seconds`: per
 * record, what the sync worker runs — `accepts` (the flow's `source.when`) then `map`.
 */
export async function measureMapping(flow: string, seconds: number): Promise<number> {
  return (await measureMappingRates(flow, seconds)).wall
}

/**
 * The same, per second of wall time and per second of this process's CPU time: on a shared machine the
 * second moves less with what else runs, so it is the one to compare changes by.
 */
export async function measureMappingRates(flow: string, seconds: number): Promise<{ wall: number; cpu: number }> {
  const config = mappingSchema.parse(parse(readFileSync(new URL(`../mappings/${flow}.yaml`, import.meta.url), 'utf8')))
  const compiled = compileMapping(config, { defaultZone: 'Asia/Ho_Chi_Minh' })
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems))
  const { mapping } = compiled
  const env = benchEnv()
  const records = Array.from({ length: 10_000 }, (_, i) => record(flow, i))
  const until = performance.now() + seconds * 1000
  let n = 0
  let kept = 0
  const started = performance.now()
  const cpuStarted = process.cpuUsage()
  while (performance.now() < until) {
    for (const r of records) {
      if (await mapping.accepts(r)) {
        const { payload } = await mapping.map(String(n), r, env)
        // Consumed, so the work cannot be optimised away.
        if (payload.externalId !== undefined) kept++
      }
      n++
    }
  }
  const wall = n / ((performance.now() - started) / 1000)
  const cpu = process.cpuUsage(cpuStarted)
  if (kept !== n) throw new Error(`${flow}: ${n - kept} of ${n} records were not mapped`)
  return { wall, cpu: n / ((cpu.user + cpu.system) / 1e6) }
}

// `node bench/measure-mapping.ts [--flow orders] [--seconds 3] [--runs 3]`: the mapping rows alone.
if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      flow: { type: 'string', multiple: true },
      seconds: { type: 'string', default: '3' },
      runs: { type: 'string', default: '3' },
    },
  })
  const flows = values.flow ?? ['customers', 'orders']
  for (const flow of flows) {
    const runs: { wall: number; cpu: number }[] = []
    for (let i = 0; i < Number(values.runs); i++) runs.push(await measureMappingRates(flow, Number(values.seconds)))
    const show = (rates: number[]) => rates.map((r) => Math.round(r).toLocaleString('en-US')).join(', ')
    process.stdout.write(
      `mapping ${flow}: ${show(runs.map((r) => r.wall))} records/s; ${show(runs.map((r) => r.cpu))} per CPU-second\n`,
    )
  }
}
