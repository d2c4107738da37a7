import { compileExpression } from './expression.ts'
import type { FieldRule } from './field-rule-schema.ts'
import type { MappingProblem } from './mapping-error.ts'
import type { MappingConfig } from './mapping-schema.ts'

interface Write {
  flow: string
  /** `erp:customer.companyName` */
  field: string
  /** The source fields of the same record the value is copied from: `crm:Account.Name`. */
  from: string[]
  path: (string | number)[]
}

function directReads(rule: FieldRule): string[] {
  // Only the record's own fields: a parent path (Account.Name) belongs to another record.
  const own = (p: string) => (p.includes('.') ? [] : [p])
  if (rule.from !== undefined) return own(rule.from)
  if (rule.concat !== undefined) return rule.concat.from.flatMap(own)
  if (rule.expr !== undefined) {
    const compiled = compileExpression(rule.expr)
    return compiled.ok ? compiled.expression.reads.flatMap(own) : []
  }
  return []
}

function writesOf(m: MappingConfig): Write[] {
  const target = `${m.target.connection}:${m.target.object}`
  const source = `${m.source.connection}:${m.source.object}`
  const writes: Write[] = m.target.externalId
    ? [{ flow: m.flow, field: `${target}.${m.target.externalId}`, from: [], path: ['target', 'externalId'] }]
    : []
  for (const [name, rule] of Object.entries(m.fields)) {
    writes.push({
      flow: m.flow,
      field: `${target}.${name}`,
      from: directReads(rule).map((r) => `${source}.${r}`),
      path: ['fields', name],
    })
  }
  const { statusValues: _values, ...writeBack } = m.writeBack ?? { statusValues: undefined }
  for (const [kind, name] of Object.entries(writeBack)) {
    writes.push({ flow: m.flow, field: `${source}.${name}`, from: [], path: ['writeBack', kind] })
  }
  for (const name of Object.keys(m.lines ?? {})) {
    writes.push({ flow: m.flow, field: `${target}.${name}`, from: [], path: ['lines', name] })
  }
  return writes
}

const shown = (field: string) => field.slice(field.indexOf(':') + 1)

/**
 * Checks the flows together: a field of a record type has one writer, and no pair of flows copies a field
 * one way and back the other, which is how ping-pong loops between two systems start. Problems are keyed
 * by flow name so each lands in its own file.
 */
export function checkMappingSet(mappings: readonly MappingConfig[]): Map<string, MappingProblem[]> {
  const problems = new Map<string, MappingProblem[]>()
  const add = (flow: string, p: MappingProblem) => problems.set(flow, [...(problems.get(flow) ?? []), p])
  const writes = mappings.flatMap(writesOf)
  const byField = new Map<string, Write[]>()
  for (const w of writes) byField.set(w.field, [...(byField.get(w.field) ?? []), w])

  for (const [field, writers] of byField) {
    const flows = [...new Set(writers.map((w) => w.flow))]
    if (flows.length < 2) continue
    for (const w of writers) {
      const others = flows.filter((f) => f !== w.flow).join(', ')
      add(w.flow, {
        path: w.path,
        message: `${shown(field)} is also written by flow ${others}; a field has exactly one writer`,
      })
    }
  }
  for (const a of writes) {
    for (const g of a.from) {
      for (const b of byField.get(g) ?? []) {
        if (b.flow === a.flow || !b.from.includes(a.field)) continue
        add(a.flow, {
          path: a.path,
          message: `ping-pong: this flow copies ${shown(g)} to ${shown(a.field)} and flow ${b.flow} copies it back; a field is owned by one direction`,
        })
      }
    }
  }
  return problems
}
