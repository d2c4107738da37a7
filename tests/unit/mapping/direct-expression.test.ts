import fc from 'fast-check'
import jsonata from 'jsonata'
import { describe, expect, it } from 'vitest'
import { compileDirect, unsupported } from '../../../src/mapping/direct-expression.ts'
import { compileExpression } from '../../../src/mapping/expression.ts'

/** JSONata's own answer, or the error code it raises. */
async function byJsonata(text: string, input: unknown): Promise<{ value: unknown } | { error: string }> {
  try {
    const value = await jsonata(text).evaluate(input)
    return { value: Array.isArray(value) ? [...value] : value }
  } catch (err) {
    return { error: String((err as { code?: string }).code) }
  }
}

function direct(text: string) {
  const fn = compileDirect(jsonata(text).ast())
  if (!fn) throw new Error(`${text} did not compile directly`)
  return fn
}

/** Values a record may hold, including what the direct evaluator hands back to JSONata. */
const value: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    '',
    ' ',
    'x',
    'Closed Won',
    'number',
    '10',
    0,
    -0,
    1,
    -3,
    0.1,
    1.5,
    100,
    1e21,
    19.95,
    true,
    false,
  ),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, [], [1], ['a', 'b'], {}, { b: 1 }, [{ b: 'y' }]),
  fc.string({ maxLength: 6 }),
  fc.double({ noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
)
const record = fc.record(
  { a: value, b: value, c: value, n: fc.oneof(fc.record({ x: value }, { requiredKeys: [] }), value) },
  { requiredKeys: [] },
)

const leaf = fc.constantFrom(
  'a',
  'b',
  'c',
  'n.x',
  'n.x.y',
  'missing',
  "'s'",
  "''",
  '0',
  '1.5',
  '100',
  'true',
  'false',
  'null',
)
const binaryOps = ['+', '-', '*', '/', '%', '=', '!=', '<', '<=', '>', '>=', '&', 'and', 'or']
const fns = ['type', 'string', 'exists', 'boolean', 'not', 'uppercase', 'lowercase']

/** Expressions of the plain subset, with some that are not (JSONata answers those) mixed in. */
const { expr } = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('expr'), fc.constantFrom(...binaryOps), tie('expr')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([c, t, e]) => `(${c} ? ${t} : ${e})`),
    fc.tuple(tie('expr'), tie('expr')).map(([c, t]) => `(${c} ? ${t})`),
    fc.tuple(fc.constantFrom(...fns), tie('expr')).map(([f, a]) => `$${f}(${a})`),
    tie('expr').map((e) => `-(${e})`),
    // Outside the subset: compiled for JSONata alone.
    tie('expr').map((e) => `$length($string(${e}))`),
    tie('expr').map((e) => `[${e}][0]`),
  ),
}))

describe('direct evaluation of plain JSONata', () => {
  it('gives JSONata’s answer, or hands the input to JSONata, for any expression and record', async () => {
    await fc.assert(
      fc.asyncProperty(expr, record, async (text, input) => {
        const expected = await byJsonata(text, input)
        const fn = compileDirect(jsonata(text).ast())
        const got = fn?.(input)
        if (fn && got !== unsupported) expect({ value: got }).toStrictEqual(expected)
        const compiled = compileExpression(text)
        if (!compiled.ok) throw new Error(compiled.message)
        // Through compileExpression, the caller gets JSONata's answer either way.
        let viaCompiled: { value: unknown } | { error: string }
        try {
          viaCompiled = { value: await compiled.expression.evaluate(input) }
        } catch {
          viaCompiled = { error: 'error' }
        }
        if ('error' in expected) expect(viaCompiled).toEqual({ error: 'error' })
        else expect(viaCompiled).toStrictEqual(expected)
      }),
      { numRuns: 1_500 },
    )
  }, 60_000)

  it('answers the shipped mappings’ expressions without JSONata for plain records', () => {
    const rate = direct("UnitPrice * (1 - ($type(Discount) = 'number' ? Discount : 0) / 100)")
    expect(rate({ UnitPrice: 200, Discount: 5 })).toBe(190)
    expect(rate({ UnitPrice: 200, Discount: null })).toBe(200)
    expect(rate({ Discount: 5 })).toBeUndefined()
    expect(direct("'CRM ' & Name")({ Name: 'Deal 1' })).toBe('CRM Deal 1')
    expect(direct("'CRM ' & Name")({})).toBe('CRM ')
    expect(direct("StageName = 'Closed Won'")({ StageName: 'Closed Won' })).toBe(true)
    expect(direct('creditLimit > 0 and balance > creditLimit')({ creditLimit: 10, balance: 11 })).toBe(true)
    expect(direct('isInactive != true')({ isInactive: false })).toBe(true)
    const status = direct("amountRemaining = 0 and total > 0 ? 'Paid' : (amountPaid > 0 ? 'Partially Paid' : 'Open')")
    expect(status({ amountRemaining: 0, total: 5, amountPaid: 5 })).toBe('Paid')
    expect(status({ amountRemaining: 2, total: 5, amountPaid: 3 })).toBe('Partially Paid')
  })

  it('hands arrays, objects, non-finite numbers and type errors to JSONata', () => {
    expect(direct('a')({ a: [1] })).toBe(unsupported)
    expect(direct('a.b')({ a: [{ b: 1 }] })).toBe(unsupported)
    expect(direct('a')({ a: { b: 1 } })).toBe(unsupported)
    expect(direct('a * 2')({ a: Number.POSITIVE_INFINITY })).toBe(unsupported)
    expect(direct('a * 2')({ a: '3' })).toBe(unsupported)
    expect(direct('a < 1')({ a: 'x' })).toBe(unsupported)
    expect(direct('$uppercase(a)')({ a: 1 })).toBe(unsupported)
  })

  it('leaves filters, variables, lambdas and other functions to JSONata', () => {
    for (const text of [
      'a[0]',
      '$sum(a)',
      '$x',
      '$',
      'a.$string()',
      '(a; b)',
      'function($x) { $x }',
      'a ~> $string',
      '{"k": a}',
    ])
      expect(compileDirect(jsonata(text).ast())).toBeUndefined()
  })

  it('can be turned off, for comparing', () => {
    const on = compileExpression("'CRM ' & Name")
    const off = compileExpression("'CRM ' & Name", { direct: false })
    expect(on.ok && on.expression.direct).toBe(true)
    expect(off.ok && off.expression.direct).toBe(false)
    expect(off.ok && off.expression.evaluate({ Name: 'x' })).toBeInstanceOf(Promise)
  })
})
