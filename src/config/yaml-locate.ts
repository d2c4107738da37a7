import { type Document, isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml'
import { ConfigError } from '../errors.ts'

export interface ParsedYaml {
  file: string
  doc: Document
  value: unknown
  /**
   * 1-based line and column of the value at `path` (or of its key, with `atKey`), falling back to the
   * nearest existing ancestor when the path does not exist (a missing required field).
   */
  locate(path: readonly PropertyKey[], opts?: { atKey?: boolean }): { line: number; column: number }
}

/** Parses YAML keeping positions, so every later validation error can name its line. */
export function parseYaml(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const first = doc.errors[0]
  if (first) {
    const pos = lineCounter.linePos(first.pos[0])
    throw new ConfigError(first.message.split('\n')[0] ?? 'invalid YAML', {
      file,
      line: pos.line,
      column: pos.col,
    })
  }
  return {
    file,
    doc,
    value: doc.toJS(),
    locate(path, opts = {}) {
      const last = path.at(-1)
      if (opts.atKey && last !== undefined) {
        const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1) as unknown[], true)
        const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === last) : undefined
        if (pair && isNode(pair.key) && pair.key.range) {
          const pos = lineCounter.linePos(pair.key.range[0])
          return { line: pos.line, column: pos.col }
        }
      }
      for (let depth = path.length; depth >= 0; depth--) {
        const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true)
        if (isNode(node) && node.range) {
          const pos = lineCounter.linePos(node.range[0])
          return { line: pos.line, column: pos.col }
        }
      }
      return { line: 1, column: 1 }
    },
  }
}

/** `fields.entity.ref`, `auth.password`, `lines[0].item` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`
    return out ? `${out}.${String(key)}` : String(key)
  }, '')
}
