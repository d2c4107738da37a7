import { Cron } from 'croner'
import { compileExpression } from './expression.ts'
import type { MappingProblem } from './mapping-error.ts'
import type { MappingConfig } from './mapping-schema.ts'

/**
 * The checks a mapping passes before any connection is up: every JSONata expression parses, and every
 * `ref` names a flow that exists. Field names wait for the connections' schemas (check-fields.ts).
 */
export function checkMappingAlone(config: MappingConfig, flowNames: ReadonlySet<string>): MappingProblem[] {
  const problems: MappingProblem[] = []
  const expression = (text: string | undefined, path: (string | number)[]) => {
    if (text === undefined) return
    const compiled = compileExpression(text)
    if (!compiled.ok) problems.push({ path, message: compiled.message })
  }
  const rules = [
    ...Object.entries(config.fields).map(([name, rule]) => ({ rule, path: ['fields', name] })),
    ...Object.entries(config.lines ?? {}).flatMap(([line, l]) =>
      Object.entries(l.fields).map(([name, rule]) => ({ rule, path: ['lines', line, 'fields', name] })),
    ),
  ]
  for (const { rule, path } of rules) {
    expression(rule.expr, [...path, 'expr'])
    const ref = typeof rule.ref === 'string' ? rule.ref : rule.ref?.flow
    if (ref !== undefined && !flowNames.has(ref)) {
      const known = [...flowNames].join(', ')
      problems.push({
        path: [...path, 'ref'],
        message: `no flow '${ref}' to resolve the reference through (flows: ${known})`,
      })
    }
  }
  const through = config.target.updateThrough
  if (through !== undefined && !flowNames.has(through)) {
    problems.push({
      path: ['target', 'updateThrough'],
      message: `no flow '${through}' whose links to follow (flows: ${[...flowNames].join(', ')})`,
    })
  }
  for (const [i, c] of (config.cascade ?? []).entries()) {
    if (!flowNames.has(c.flow)) {
      problems.push({
        path: ['cascade', i, 'flow'],
        message: `no flow '${c.flow}' (flows: ${[...flowNames].join(', ')})`,
      })
    }
  }
  if (config.reconcile) {
    const problem = cronProblem(config.reconcile.schedule)
    if (problem) problems.push({ path: ['reconcile', 'schedule'], message: problem })
  }
  expression(config.source.when, ['source', 'when'])
  for (const [line, l] of Object.entries(config.lines ?? {})) expression(l.when, ['lines', line, 'when'])
  return problems
}

function cronProblem(pattern: string): string | undefined {
  try {
    new Cron(pattern, { paused: true }).stop()
    return undefined
  } catch (err) {
    return `not a cron expression: ${(err as Error).message}`
  }
}
