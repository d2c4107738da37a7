/**
 * A direct evaluator for the plain part of JSONata: field paths, literals, arithmetic, comparison, `&`,
 * `and`/`or`, `? :`, parentheses and a few type functions — what mapping expressions are made of
 * (`'CRM ' & Name`, `UnitPrice * (1 - Discount / 100)`, `StageName = 'Closed Won'`). JSONata's own evaluator
 * runs every node through async functions, a new scope and a guardrail clock read; this one is a tree of
 * closures built once, with no allocation per record beyond the strings it makes.
 *
 * It only answers where it gives exactly JSONata's answer. An expression outside the subset (filters,
 * lambdas, variables, most functions) is not compiled at all; data outside it (an array or object where a
 * value is read, a non-finite number, a type error JSONata would raise) yields `unsupported`, and the caller
 * asks JSONata. The property tests hold the two to the same results.
 */

/** Returned when JSONata itself must evaluate this input: it has the semantics (sequences, errors). */
export const unsupported: unique symbol = Symbol('unsupported')

/** A primitive JSONata value, `undefined` for "no value", or `unsupported`. */
export type DirectValue = string | number | boolean | null | undefined | typeof unsupported

export type DirectExpression = (input: unknown) => DirectValue

interface Node {
  type?: unknown
  value?: unknown
  [key: string]: unknown
}

/** Keys each node type may carry; any other key (predicate, stages, group, keepArray, focus…) is not plain. */
const allowedKeys: Record<string, ReadonlySet<string>> = {
  path: new Set(['type', 'steps']),
  name: new Set(['type', 'value', 'position']),
  string: new Set(['type', 'value', 'position']),
  number: new Set(['type', 'value', 'position']),
  value: new Set(['type', 'value', 'position']),
  unary: new Set(['type', 'value', 'position', 'expression']),
  binary: new Set(['type', 'value', 'position', 'lhs', 'rhs']),
  condition: new Set(['type', 'position', 'condition', 'then', 'else']),
  block: new Set(['type', 'position', 'expressions']),
  // The parser leaves `name: undefined` on a call; a defined one is checked below.
  function: new Set(['type', 'name', 'value', 'position', 'arguments', 'procedure']),
  variable: new Set(['type', 'value', 'position']),
}

function isPlainNode(node: unknown): node is Node {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return false
  const allowed = allowedKeys[String((node as Node).type)]
  return allowed !== undefined && Object.keys(node).every((k) => allowed.has(k))
}

/** JSONata's functions are objects marked this way; it treats them as no data. */
function isJsonataFunction(value: object): boolean {
  const v = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown }
  return v._jsonata_function === true || v._jsonata_lambda === true
}

/** A read value as a direct value: primitives pass, anything JSONata would treat as a sequence or object does not. */
function primitive(value: unknown): DirectValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return value
    case 'number':
      return Number.isFinite(value) ? value : unsupported
    default:
      return value === null ? null : unsupported
  }
}

/** `a.b.c` over nested objects: a missing key or a non-object parent is no value, as JSONata's lookup. */
function compilePath(keys: string[]): DirectExpression {
  return (input) => {
    let node: unknown = input
    for (const key of keys) {
      if (node === null || typeof node !== 'object') return undefined
      // An array starts a sequence (mapped, flattened): JSONata's business.
      if (Array.isArray(node) || isJsonataFunction(node)) return unsupported
      if (!Object.hasOwn(node, key)) return undefined
      node = (node as Record<string, unknown>)[key]
    }
    return primitive(node)
  }
}

/** JSONata's `$string` of a primitive: numbers at 15 significant digits, as its JSON replacer writes them. */
function toText(value: Exclude<DirectValue, undefined | typeof unsupported>): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(Number.isInteger(value) ? value : Number(value.toPrecision(15)))
  return String(value)
}

/** JSONata's effective boolean value of a primitive (`fn.boolean`); undefined stays undefined. */
function truth(value: Exclude<DirectValue, typeof unsupported>): boolean | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string') return value.length > 0
  if (typeof value === 'number') return value !== 0
  return value === true
}

type Operands = (l: DirectValue, r: DirectValue) => DirectValue
/** Builds an operator's node from its operands; one closure per operator keeps each operation a direct call. */
type Binary = (lhs: DirectExpression, rhs: DirectExpression) => DirectExpression

/** Arithmetic: a non-number operand is an error in JSONata (T2001/T2002), so it is JSONata's to raise. */
function numeric(l: DirectValue, r: DirectValue): boolean | undefined {
  if (l === unsupported || r === unsupported) return false
  if ((l !== undefined && typeof l !== 'number') || (r !== undefined && typeof r !== 'number')) return false
  return l !== undefined && r !== undefined ? true : undefined
}

function result(out: number): DirectValue {
  return Number.isFinite(out) ? out : unsupported
}

function comparable(l: DirectValue, r: DirectValue): boolean | undefined {
  const lt = typeof l
  const rt = typeof r
  const lok = lt === 'undefined' || lt === 'string' || lt === 'number'
  const rok = rt === 'undefined' || rt === 'string' || rt === 'number'
  if (!lok || !rok) return false
  if (l === undefined || r === undefined) return undefined
  return lt === rt
}

const concatenate: Operands = (l, r) => {
  if (l === unsupported || r === unsupported) return unsupported
  return (l === undefined ? '' : toText(l)) + (r === undefined ? '' : toText(r))
}

const binaries: Record<string, Binary> = {
  '+': (lhs, rhs) => (input) => {
    const l = lhs(input)
    const r = rhs(input)
    const ok = numeric(l, r)
    return ok ? result((l as number) + (r as number)) : ok === false ? unsupported : undefined
  },
  '-': (lhs, rhs) => (input) => {
    const l = lhs(input)
    const r = rhs(input)
    const ok = numeric(l, r)
    return ok ? result((l as number) - (r as number)) : ok === false ? unsupported : undefined
  },
  '*': (lhs, rhs) => (input) => {
    const l = lhs(input)
    const r = rhs(input)
    const ok = numeric(l, r)
    return ok ? result((l as number) * (r as number)) : ok === false ? unsupported : undefined
  },
  '/': (lhs, rhs) => (input) => {
    const l = lhs(input)
    const r = rhs(input)
    const ok = numeric(l, r)
    return ok ? result((l as number) / (r as number)) : ok === false ? unsupported : undefined
  },
  '%': (lhs, rhs) => (input) => {
    const l = lhs(input)
    const r = rhs(input)
    const ok = numeric(l, r)
    return ok ? result((l as number) % (r as number)) : ok === false ? unsupported : undefined
  },
  '=': (lhs, rhs) => (input) => {
    const l = lhs(input)
    const r = rhs(input)
    if (l === unsupported || r === unsupported) return unsupported
    return l !== undefined && r !== undefined && l === r
  },
  '!=': (lhs, rhs) => (input) => {
    const l = lhs(input)
    const r = rhs(input)
    if (l === unsupported || r === unsupported) return unsupported
    return l !== undefined && r !== undefined && l !== r
  },
  '<': (lhs, rhs) => (input) => {
    const l = lhs(input)
    const r = rhs(input)
    const ok = comparable(l, r)
    return ok ? (l as string | number) < (r as string | number) : ok === false ? unsupported : undefined
  },
  '<=': (lhs, rhs) => (input) => {
    const l = lhs(input)
    const r = rhs(input)
    const ok = comparable(l, r)
    return ok ? (l as string | number) <= (r as string | number) : ok === false ? unsupported : undefined
  },
  '>': (lhs, rhs) => (input) => {
    const l = lhs(input)
    const r = rhs(input)
    const ok = comparable(l, r)
    return ok ? (l as string | number) > (r as string | number) : ok === false ? unsupported : undefined
  },
  '>=': (lhs, rhs) => (input) => {
    const l = lhs(input)
    const r = rhs(input)
    const ok = comparable(l, r)
    return ok ? (l as string | number) >= (r as string | number) : ok === false ? unsupported : undefined
  },
  '&': (lhs, rhs) => (input) => concatenate(lhs(input), rhs(input)),
}

/** The built-in functions taken directly, each with one argument; JSONata validates and errs on the rest. */
const functions: Record<string, (v: Exclude<DirectValue, typeof unsupported>) => DirectValue> = {
  type: (v) => (v === undefined ? undefined : v === null ? 'null' : typeof v),
  string: (v) => (v === undefined ? undefined : toText(v)),
  exists: (v) => v !== undefined,
  boolean: (v) => truth(v),
  not: (v) => (v === undefined ? undefined : !truth(v)),
  uppercase: (v) => (v === undefined ? undefined : typeof v === 'string' ? v.toUpperCase() : unsupported),
  lowercase: (v) => (v === undefined ? undefined : typeof v === 'string' ? v.toLowerCase() : unsupported),
}

/**
 * Compiles a JSONata AST (from `jsonata(text).ast()`) to a direct function, or undefined when any node is
 * outside the plain subset.
 */
export function compileDirect(ast: unknown): DirectExpression | undefined {
  if (!isPlainNode(ast)) return undefined
  const node = ast
  switch (node.type) {
    case 'path': {
      const steps = node.steps
      if (!Array.isArray(steps) || steps.length === 0) return undefined
      const keys: string[] = []
      for (const step of steps) {
        if (!isPlainNode(step) || step.type !== 'name' || typeof step.value !== 'string') return undefined
        keys.push(step.value)
      }
      return compilePath(keys)
    }
    case 'string':
    case 'number':
    case 'value': {
      const constant = primitive(node.value)
      if (constant === unsupported) return undefined
      return () => constant
    }
    case 'unary': {
      if (node.value !== '-') return undefined
      const operand = compileDirect(node.expression)
      if (!operand) return undefined
      return (input) => {
        const v = operand(input)
        return v === undefined ? undefined : typeof v === 'number' ? -v : unsupported
      }
    }
    case 'binary':
      return compileBinary(node)
    case 'condition': {
      const test = compileDirect(node.condition)
      const then = compileDirect(node.then)
      const otherwise = node.else === undefined ? () => undefined : compileDirect(node.else)
      if (!test || !then || !otherwise) return undefined
      return (input) => {
        const c = test(input)
        if (c === unsupported) return unsupported
        return truth(c) ? then(input) : otherwise(input)
      }
    }
    case 'block': {
      // Parentheses around one expression; several (`a; b`) may bind variables, which is JSONata's.
      const expressions = node.expressions
      return Array.isArray(expressions) && expressions.length === 1 ? compileDirect(expressions[0]) : undefined
    }
    case 'function': {
      const procedure = node.procedure
      const args = node.arguments
      if (!isPlainNode(procedure) || procedure.type !== 'variable' || node.value !== '(' || node.name !== undefined)
        return undefined
      const fn = typeof procedure.value === 'string' ? functions[procedure.value] : undefined
      if (!fn || !Array.isArray(args) || args.length !== 1) return undefined
      const arg = compileDirect(args[0])
      if (!arg) return undefined
      return (input) => {
        const v = arg(input)
        return v === unsupported ? unsupported : fn(v)
      }
    }
    default:
      return undefined
  }
}

function compileBinary(node: Node): DirectExpression | undefined {
  const lhs = compileDirect(node.lhs)
  const rhs = compileDirect(node.rhs)
  if (!lhs || !rhs) return undefined
  if (node.value === 'and' || node.value === 'or') {
    const and = node.value === 'and'
    // Short-circuits as JSONata does: the right side is not evaluated when the left decides.
    return (input) => {
      const l = lhs(input)
      if (l === unsupported) return unsupported
      const lb = truth(l) === true
      if (and ? !lb : lb) return lb
      const r = rhs(input)
      return r === unsupported ? unsupported : truth(r) === true
    }
  }
  const make = binaries[String(node.value)]
  return make ? make(lhs, rhs) : undefined
}
