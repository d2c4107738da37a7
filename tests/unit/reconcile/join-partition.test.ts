import { describe, expect, it } from 'vitest'
import { joinPartition } from '../../../src/reconcile/join-partition.ts'
import type { SourceEntry, TargetEntry } from '../../../src/reconcile/record-entries.ts'

const source = (id: string, payload: Record<string, unknown>): SourceEntry => ({ key: id, id, payload })
const target = (key: string, id: string, data: Record<string, unknown>): TargetEntry => ({ key, id, data })
const opts = { orphans: true, skipFields: new Set(['externalId']) }

describe('joinPartition', () => {
  it('reports missing, orphaned and mismatched records field by field, and asks to repair only the first and last', () => {
    const result = joinPartition(
      [
        source('A', { externalId: 'A', companyName: 'Sao Mai', phone: '+84283822' }),
        source('B', { externalId: 'B', companyName: 'Hồng Hà' }),
        source('C', { externalId: 'C', companyName: 'Lakeside' }),
      ],
      [
        target('A', '101', { externalId: 'A', companyName: 'Sao Mai Ltd', phone: null }),
        target('C', '103', { externalId: 'C', companyName: 'Lakeside' }),
        target('Z', '109', { externalId: 'Z', companyName: 'Gone' }),
        target('~110', '110', { externalId: null, companyName: 'Walk-in' }),
      ],
      opts,
    )
    expect(result.counts).toEqual({ matched: 1, missing: 1, orphaned: 2, mismatched: 1, failed: 0 })
    expect(result.repairs).toEqual(['A', 'B'])
    expect(result.findings).toEqual([
      expect.objectContaining({
        kind: 'mismatched',
        source_id: 'A',
        target_id: '101',
        field: 'companyName',
        expected: '"Sao Mai"',
        actual: '"Sao Mai Ltd"',
      }),
      expect.objectContaining({
        kind: 'mismatched',
        source_id: 'A',
        field: 'phone',
        expected: '"+84283822"',
        actual: 'null',
      }),
      expect.objectContaining({
        kind: 'missing',
        source_id: 'B',
        target_id: null,
        expected: JSON.stringify({ externalId: 'B', companyName: 'Hồng Hà' }),
      }),
      expect.objectContaining({ kind: 'orphaned', target_id: '109', detail: 'source record Z not found' }),
      expect.objectContaining({
        kind: 'orphaned',
        target_id: '110',
        detail: 'no external id: not created by this flow',
      }),
    ])
  })

  it('reports a record the mapping refused as failed, not as missing, and does not repair it', () => {
    const result = joinPartition([{ key: 'A', id: 'A', error: 'MAPPING_INVALID: Name is required' }], [], opts)
    expect(result.counts.failed).toBe(1)
    expect(result.repairs).toEqual([])
    expect(result.findings).toEqual([
      expect.objectContaining({ kind: 'failed', source_id: 'A', detail: 'MAPPING_INVALID: Name is required' }),
    ])
  })

  it('reports a second target record claiming the same source record as a duplicate', () => {
    const result = joinPartition(
      [source('A', { externalId: 'A', companyName: 'Sao Mai' })],
      [target('A', '101', { companyName: 'Sao Mai' }), target('A', '205', { companyName: 'Sao Mai' })],
      opts,
    )
    expect(result.counts).toEqual({ matched: 1, missing: 0, orphaned: 1, mismatched: 0, failed: 0 })
    expect(result.findings).toEqual([
      expect.objectContaining({ kind: 'orphaned', target_id: '205', detail: 'duplicate of 101: same key A' }),
    ])
  })

  it('leaves unclaimed targets alone for an update-only flow, whose targets exist for other reasons', () => {
    const result = joinPartition([], [target('101', '101', { balance: 5 })], { ...opts, orphans: false })
    expect(result.counts.orphaned).toBe(0)
    expect(result.findings).toEqual([])
  })
})
