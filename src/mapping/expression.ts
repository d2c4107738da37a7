import jsonata from 'jsonata'
import { compileDirect, unsupported } from './direct-expression.ts'

/**
 * JSONata, the escape hatch: an expression language with no access to the process (no globals, no I/O, no
 * `eval`), compiled once at load. Guardrails stop a runaway expression (deep recursion, endless loops) so one
 * bad rule cannot hold a worker.
 */
const guardrails = { timeout: 250, stack: 500 }

export interface CompiledExpression {
  /**
   * The expression's value for `input`: the value itself when the direct evaluator answers (a plain
   * expression over plain data), else a promise of JSONata's answer. A failure is an Error whose message
   * says why, thrown or rejected accordingly.
   */
  evaluate(input: unknown): unknown
  /** Source paths the expression reads from the record's top level (`Name`, `Account.Name`). */
  reads: string[]
  /** Whether the expression compiled to a direct function, so plain data never goes through JSONata. */
  direct: boolean
}

export interface ExpressionCompileOptions {
  /** Evaluate everything with JSONata, never directly: how the tests compare the two. */
  direct?: boolean
}

interface AstNode {
  type?: string
  value?: unknown
  steps?: AstNode[]
  [key: string]: unknown
}

/**
 * The field paths an expression reads at the record's top level, so the connector fetches them. Steps after
 * the first non-name step (a block, a filter) run in a nested context and are not the record's own fields.
 */
function collectReads(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const child of node) collectReads(child, out)
    return
  }
  if (!node || typeof node !== 'object') return
  const n = node as AstNode
  if (n.type === 'path' && Array.isArray(n.steps)) {
    const names: string[] = []
    for (const step of n.steps) {
      if (step.type !== 'name' || typeof step.value !== 'string') break
      names.push(step.value)
      if (step.stages) break
    }
    if (names.length > 0) out.add(names.join('.'))
    return
  }
  if (n.type === 'name' && typeof n.value === 'string') {
    out.add(n.value)
    return
  }
  for (const [key, child] of Object.entries(n)) {
    if (key !== 'position' && key !== 'value') collectReads(child, out)
  }
}

export type ExpressionCompileResult = { ok: true; expression: CompiledExpression } | { ok: false; message: string }

interface JsonataFailure {
  code?: string
  message?: string
  position?: number
  token?: string
}

function describeFailure(err: unknown): string {
  const f = (err ?? {}) as JsonataFailure
  const where = f.position !== undefined ? ` at character ${f.position}` : ''
  return `${f.message ?? String(err)}${where}${f.code ? ` (${f.code})` : ''}`
}

export function compileExpression(text: string, opts: ExpressionCompileOptions = {}): ExpressionCompileResult {
  let compiled: jsonata.Expression
  try {
    compiled = jsonata(text, guardrails)
  } catch (err) {
    return { ok: false, message: `JSONata syntax error: ${describeFailure(err)}` }
  }
  const reads = new Set<string>()
  collectReads(compiled.ast(), reads)
  const general = async (input: unknown): Promise<unknown> => {
    try {
      const value = await compiled.evaluate(input)
      // JSONata marks sequences with extra properties; hand plain arrays on.
      return Array.isArray(value) ? [...value] : value
    } catch (err) {
      throw new Error(describeFailure(err))
    }
  }
  const direct = opts.direct === false ? undefined : compileDirect(compiled.ast())
  return {
    ok: true,
    expression: {
      reads: [...reads],
      direct: direct !== undefined,
      evaluate: direct
        ? (input) => {
            const value = direct(input)
            return value === unsupported ? general(input) : value
          }
        : general,
    },
  }
}
