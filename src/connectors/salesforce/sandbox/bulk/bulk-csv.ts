import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { SfApiError } from '../api-error.ts'

/** `columnDelimiter` values of Bulk API 2.0 jobs and the characters they stand for. */
export const delimiters = {
  COMMA: ',',
  TAB: '\t',
  SEMICOLON: ';',
  PIPE: '|',
  CARET: '^',
  BACKQUOTE: '`',
} as const
export type ColumnDelimiter = keyof typeof delimiters

/** The job's CSV: its header and rows, as uploaded. A malformed file fails the job, as on the platform. */
export function readCsv(text: string, delimiter: ColumnDelimiter): { header: string[]; rows: string[][] } {
  let all: string[][]
  try {
    all = parse(text, {
      delimiter: delimiters[delimiter],
      relax_column_count: false,
      skip_empty_lines: true,
      bom: true,
    })
  } catch (err) {
    throw new SfApiError(400, 'INVALIDJOB', `InvalidBatch : Failed to parse CSV: ${(err as Error).message}`)
  }
  const [header, ...rows] = all
  if (!header || header.length === 0) throw new SfApiError(400, 'INVALIDJOB', 'InvalidBatch : no header row')
  return { header, rows }
}

/**
 * A result CSV as Bulk API 2.0 writes it: the `sf__` columns quoted, the original header as uploaded, every
 * value quoted (Bulk API 2.0 guide, "Get Job Successful Record Results").
 */
export function writeCsv(
  quotedHeader: readonly string[],
  header: readonly string[],
  rows: readonly string[][],
  delimiter: ColumnDelimiter = 'COMMA',
  lineEnding: 'LF' | 'CRLF' = 'LF',
): string {
  const d = delimiters[delimiter]
  const eol = lineEnding === 'CRLF' ? '\r\n' : '\n'
  const head = [...quotedHeader.map((h) => `"${h}"`), ...header].join(d)
  const body = stringify(rows as string[][], { delimiter: d, quoted: true, quoted_empty: true, record_delimiter: eol })
  return `${head}${eol}${body}`
}
