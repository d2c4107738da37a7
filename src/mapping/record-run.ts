import type { CompiledRule } from './compile-rule.ts'
import type { StepContext } from './compile-step.ts'
import type { CompiledExpression } from './expression.ts'
import { type MapEnv, PendingRead, PendingValue, type RuleEnv } from './map-env.ts'
import { MappingError, type MappingWarning } from './mapping-error.ts'
import { listRows, type PathReader, type SourceData } from './source-path.ts'

/** A target field and its compiled rule. */
export interface RuleSlot {
  target: string
  rule: CompiledRule
}

/** A list of the target (`item`) mapped from a source list, row by row. */
export interface CompiledLine {
  name: string
  read: PathReader
  when?: CompiledExpression
  rules: LineSlot[]
}

export interface LineSlot extends RuleSlot {
  /** `item[2].rate` by row index, made once per index rather than once per row of every record. */
  names: string[]
}

export interface MapResult {
  payload: Record<string, unknown>
  warnings: MappingWarning[]
}

const noop = () => {}
/** Shared, never written: the placeholder until a record defers a value. */
const empty: never[] = []

/**
 * What the steps of one rule see. One per record, reused rule after rule: steps run synchronously and
 * keep nothing, and a record's rules run one at a time.
 */
class RecordStepContext implements StepContext {
  field = ''
  record: SourceData = {}
  readonly #env: MapEnv
  constructor(env: MapEnv) {
    this.#env = env
  }
  warn(message: string): void {
    this.#env.warn(this.field, message)
  }
}

/**
 * The environment of one record's mapping: it collects the record's warnings, and the references and
 * lookups still being resolved. A record starts all of those before waiting on any, then waits once, so a
 * record with no I/O in its rules is mapped without a single wait, and one with several references waits
 * for them together (concurrent queries, one await) rather than one after another.
 *
 * Outcomes are those of awaiting each in field order: a resolved value lands in its field (whose key was
 * set when the field's turn came, so the payload's key order is unchanged), and when several fail, the
 * failure of the earliest field is the one thrown.
 */
class RecordRun implements RuleEnv {
  readonly warnings: MappingWarning[] = []
  readonly #env: MapEnv
  #steps: RecordStepContext | undefined
  // Made on the first deferred value: most records of most flows have none.
  #pending: PendingValue[] | undefined
  #promises: Promise<unknown>[] = empty
  #targets: Record<string, unknown>[] = empty
  #keys: string[] = empty
  #guarded = 0

  constructor(env: MapEnv) {
    this.#env = env
  }

  resolveRef(flow: string, sourceId: string): Promise<string | undefined> {
    return this.#env.resolveRef(flow, sourceId)
  }

  referenceValue(targetId: string): unknown {
    return this.#env.referenceValue(targetId)
  }

  lookup(object: string, where: Readonly<Record<string, unknown>>, field: string): Promise<unknown> {
    return this.#env.lookup(object, where, field)
  }

  warn(field: string, message: string): void {
    this.warnings.push({ field, message })
    this.#env.warn(field, message)
  }

  stepContext(field: string, record: SourceData): StepContext {
    this.#steps ??= new RecordStepContext(this)
    this.#steps.field = field
    this.#steps.record = record
    return this.#steps
  }

  /** Whether any value is still being resolved. */
  get waiting(): boolean {
    return this.#pending !== undefined
  }

  /** Puts the field's value at `target[key]` when the record settles. */
  defer(pending: PendingValue, target: Record<string, unknown>, key: string): void {
    target[key] = undefined
    if (this.#pending === undefined) {
      this.#pending = []
      this.#promises = []
      this.#targets = []
      this.#keys = []
    }
    this.#pending.push(pending)
    this.#promises.push(pending.promise)
    this.#targets.push(target)
    this.#keys.push(key)
  }

  /**
   * Before waiting on anything else (an expression JSONata evaluates), marks the deferred values as
   * handled, so one that fails meanwhile is not reported as an unhandled rejection; settle still sees it.
   */
  guard(): void {
    const promises = this.#promises
    for (; this.#guarded < promises.length; this.#guarded++) promises[this.#guarded]?.catch(noop)
  }

  /** The engine's answers for the deferred values, in their order; rejects when any fails. */
  answers(): Promise<unknown[]> {
    return Promise.all(this.#promises)
  }

  /** Puts each deferred value in place from the answers; throws where a field's answer fails it. */
  place(answers: readonly unknown[]): void {
    const pending = this.#pending ?? []
    for (let i = 0; i < pending.length; i++) {
      ;(this.#targets[i] as Record<string, unknown>)[this.#keys[i] as string] = (pending[i] as PendingValue).finish(
        answers[i],
        this,
      )
    }
    this.#pending = undefined
  }

  /**
   * Waits for every deferred value and puts it in place; throws the failure of the earliest field, as
   * awaiting each in turn would have (Promise.all tells only the first failure in time).
   */
  async settle(): Promise<void> {
    const outcomes = await Promise.allSettled(this.#promises)
    const answers: unknown[] = []
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        // Fields before the failed one may fail on their answers first.
        this.#pending = this.#pending?.slice(0, answers.length)
        this.place(answers)
        throw outcome.reason
      }
      answers.push(outcome.value)
    }
    this.place(answers)
  }
}

/**
 * Runs `slots` from `from` on `source` into `target`, synchronously. Stops at a rule that must be awaited
 * in place and returns where, or undefined when every rule ran. `row` names line fields (-1: not a line).
 */
function fill(
  slots: readonly RuleSlot[],
  source: SourceData,
  target: Record<string, unknown>,
  run: RecordRun,
  row: number,
  line: string,
  from: number,
): Stop | undefined {
  for (let i = from; i < slots.length; i++) {
    const slot = slots[i] as RuleSlot
    const field = row < 0 ? slot.target : lineFieldName(slot as LineSlot, line, row)
    const result = slot.rule(source, field, run)
    if (typeof result !== 'object' || result === null) target[slot.target] = result
    else if (result instanceof PendingValue) run.defer(result, target, slot.target)
    else if (result instanceof PendingRead) return { at: i, read: result }
    else target[slot.target] = result
  }
  return undefined
}

/** Rows whose field names are kept; a longer list's further names are made per row, not held forever. */
const namedRows = 1_000

function lineFieldName(slot: LineSlot, line: string, row: number): string {
  let name = slot.names[row]
  if (name === undefined) {
    name = `${line}[${row}].${slot.target}`
    if (row < namedRows) slot.names[row] = name
  }
  return name
}

type Stop = { at: number; read: PendingRead }

/** Finishes what `fill` stopped at: awaits that rule in place, then runs on, as often as needed. */
async function resume(
  slots: readonly RuleSlot[],
  source: SourceData,
  target: Record<string, unknown>,
  run: RecordRun,
  row: number,
  line: string,
  stop: Stop,
): Promise<void> {
  let next: Stop | undefined = stop
  while (next) {
    run.guard()
    target[(slots[next.at] as RuleSlot).target] = await next.read.promise
    next = fill(slots, source, target, run, row, line, next.at + 1)
  }
}

function conditionFailed(where: string, err: unknown): MappingError {
  return new MappingError('MAPPING_EXPRESSION', where, `condition failed: ${(err as Error).message}`)
}

/** Whether `record` passes a condition: a boolean, or a promise of one while JSONata evaluates it. */
export function condition(
  expression: CompiledExpression,
  record: SourceData,
  where: string,
): boolean | Promise<boolean> {
  const value = expression.evaluate(record)
  if (typeof value !== 'object' || value === null || !(value instanceof Promise)) return Boolean(value)
  return value.then(Boolean, (err) => {
    throw conditionFailed(where, err)
  })
}

/**
 * Maps one record: the fields, then each line's rows, in order. Synchronous unless a rule waits: on a
 * reference or lookup (all of a record's are awaited together, once), or on an expression JSONata
 * evaluates (awaited in place, so warnings and failures keep the order of the fields).
 */
export async function mapRecord(
  fields: readonly RuleSlot[],
  lines: readonly CompiledLine[],
  payload: Record<string, unknown>,
  record: SourceData,
  env: MapEnv,
): Promise<MapResult> {
  const run = new RecordRun(env)
  try {
    const stop = fill(fields, record, payload, run, -1, '', 0)
    if (stop) await resume(fields, record, payload, run, -1, '', stop)
    for (const line of lines) {
      const out: Record<string, unknown>[] = []
      const rows = listRows(line.read(record))
      for (const row of rows) {
        if (line.when) {
          const pass = condition(line.when, row, `lines.${line.name}.when`)
          if (typeof pass !== 'boolean') run.guard()
          if (!(typeof pass === 'boolean' ? pass : await pass)) continue
        }
        const mapped: Record<string, unknown> = {}
        const index = out.length
        out.push(mapped)
        const stop = fill(line.rules, row, mapped, run, index, line.name, 0)
        if (stop) await resume(line.rules, row, mapped, run, index, line.name, stop)
      }
      payload[line.name] = out
    }
  } catch (err) {
    // A reference that failed before this field is the failure, as when each was awaited in turn.
    if (run.waiting) await run.settle()
    throw err
  }
  if (run.waiting) {
    let answers: unknown[]
    try {
      answers = await run.answers()
    } catch {
      await run.settle()
      throw new Error('unreachable: a deferred value failed, then did not')
    }
    run.place(answers)
  }
  return { payload, warnings: run.warnings }
}
