import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const repoRoot = new URL('../../', import.meta.url).pathname

/** `npm run bench -- --quick` as a smoke test: it runs through and reports every row; no thresholds. */
describe('benchmark, quick mode', () => {
  it('measures every workload and writes the table and its results file', async () => {
    const child = spawn(process.execPath, ['bench/run.ts', '--quick'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString()
    })
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code, out).toBe(0)
    expect(out).toContain('| workload | mode | result | target |')
    const results = JSON.parse(readFileSync(`${repoRoot}reports/bench-results.quick.json`, 'utf8')) as {
      quick: boolean
      rows: { workload: string; value: number }[]
    }
    expect(results.quick).toBe(true)
    const workloads = results.rows.map((r) => r.workload).join('\n')
    for (const w of [
      'sync 300 accounts',
      'realistic limits',
      'remote calls per synced record',
      'peak RSS',
      'webhook ingest',
      'mapping: orders',
      'Salesforce calls per synced record, backfill',
      'reconcile customers',
    ]) {
      expect(workloads).toContain(w)
    }
    for (const r of results.rows) expect(Number.isFinite(r.value) && r.value > 0, r.workload).toBe(true)
  }, 180_000)
})
