import { valuesMatch } from '../mapping/compare-values.ts'
import { isEmptyValue, listRows } from '../mapping/source-path.ts'

export interface FieldMismatch {
  field: string
  expected: unknown
  actual: unknown
}

/**
 * The fields where a target record differs from what the mapping gives, with the mapping's own
 * normalisation (numbers by value, references by id, blank as null). Lines are compared row by row so a
 * changed quantity is reported as `item[1].quantity`, not as "the item list differs".
 *
 * A line field the mapping leaves blank is not compared: the target fills it from the line's item (NetSuite
 * sources a sales order line's description and rate from the item, Salesforce a line's price from its
 * price book entry), so a value there is the target's own, not drift. Body fields are compared strictly:
 * a value where the mapping writes none is reported.
 */
export function compareRecord(
  expected: Record<string, unknown>,
  actual: Record<string, unknown>,
  skip: ReadonlySet<string>,
) {
  const out: FieldMismatch[] = []
  for (const [field, value] of Object.entries(expected)) {
    if (skip.has(field)) continue
    diff(field, value, actual[field], out)
  }
  return out
}

function diff(path: string, expected: unknown, actual: unknown, out: FieldMismatch[]): void {
  if (Array.isArray(expected)) {
    const rows = listRows(actual)
    if (rows.length !== expected.length) {
      out.push({ field: `${path}.length`, expected: expected.length, actual: rows.length })
      return
    }
    expected.forEach((row, i) => {
      if (row && typeof row === 'object' && !Array.isArray(row)) {
        for (const [k, v] of Object.entries(row as Record<string, unknown>)) {
          if (!isEmptyValue(v)) diff(`${path}[${i}].${k}`, v, rows[i]?.[k], out)
        }
      } else diff(`${path}[${i}]`, row, rows[i], out)
    })
    return
  }
  if (!valuesMatch(expected, actual ?? null)) out.push({ field: path, expected, actual: actual ?? null })
}
