/** Text steps. They leave null and undefined alone: an empty source stays empty. */

export function trim(value: unknown): unknown {
  return typeof value === 'string' ? value.trim() : value
}

export function upper(value: unknown): unknown {
  return typeof value === 'string' ? value.toLocaleUpperCase('en-US') : value
}

export function lower(value: unknown): unknown {
  return typeof value === 'string' ? value.toLocaleLowerCase('en-US') : value
}

/**
 * Cuts text to `max` characters, counted as code points so a Vietnamese letter or an emoji is never split
 * in half. Returns whether it cut, so the caller can report it: truncation is never silent.
 */
export function truncate(value: unknown, max: number): { value: unknown; cut: number } {
  if (typeof value !== 'string' || value.length <= max) return { value, cut: 0 }
  const chars = Array.from(value)
  if (chars.length <= max) return { value, cut: 0 }
  return { value: chars.slice(0, max).join(''), cut: chars.length - max }
}

export function affix(value: unknown, prefix: string, suffix: string): unknown {
  if (value === null || value === undefined || value === '') return value
  return `${prefix}${String(value)}${suffix}`
}

export type SplitPart = 'first' | 'last' | 'rest' | number

/** One part of a text split on a separator; blank parts are dropped first ("Nguyễn  Văn An" has 3 parts). */
export function split(value: unknown, separator: string, part: SplitPart): unknown {
  if (typeof value !== 'string') return value
  const parts = value.split(separator).filter((p) => p.trim() !== '')
  if (parts.length === 0) return null
  if (part === 'first') return parts[0]
  if (part === 'last') return parts.at(-1)
  if (part === 'rest') return parts.length > 1 ? parts.slice(1).join(separator) : null
  return parts[part] ?? null
}

/** Joins the non-empty values; all empty gives null, so a cleared source clears the target. */
export function concat(values: readonly unknown[], separator: string): string | null {
  const kept = values.filter((v) => v !== null && v !== undefined && String(v).trim() !== '').map(String)
  return kept.length === 0 ? null : kept.join(separator)
}
