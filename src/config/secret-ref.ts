import { Secret } from '../lib/secret.ts'
import { formatPath } from './yaml-locate.ts'

export interface EnvRef {
  name: string
  path: (string | number)[]
}

export interface Resolved {
  value: unknown
  /** References with no value and no default. */
  missing: EnvRef[]
  /** Paths whose whole value was one `${NAME}` reference: the only place a secret may come from. */
  wholeRefs: Map<string, string>
}

const refPattern = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g
const wholeRefPattern = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/

/**
 * Replaces `${NAME}` (and `${NAME:-default}`, for non-secret settings) with environment values throughout
 * a parsed file. Missing variables are collected, not thrown, so every one of them is reported at once.
 */
export function resolveEnvRefs(value: unknown, env: Record<string, string | undefined>): Resolved {
  const missing: EnvRef[] = []
  const wholeRefs = new Map<string, string>()

  function walk(node: unknown, path: (string | number)[]): unknown {
    if (typeof node === 'string') {
      const whole = wholeRefPattern.exec(node)
      if (whole?.[1]) wholeRefs.set(formatPath(path), whole[1])
      return node.replace(refPattern, (_m, name: string, fallback: string | undefined) => {
        const found = env[name]
        if (found !== undefined && found !== '') return found
        if (fallback !== undefined) return fallback
        missing.push({ name, path })
        return ''
      })
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]))
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]))
    }
    return node
  }

  return { value: walk(value, []), missing, wholeRefs }
}

/** Every Secret inside a validated config, with its path. */
export function findSecrets(
  value: unknown,
  path: (string | number)[] = [],
): { path: (string | number)[]; secret: Secret }[] {
  if (value instanceof Secret) return [{ path, secret: value }]
  if (Array.isArray(value)) return value.flatMap((item, i) => findSecrets(item, [...path, i]))
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => findSecrets(v, [...path, k]))
  }
  return []
}

/** Returns a copy of `value` with the Secret at `path` replaced by `secret`. */
export function replaceAt(value: unknown, path: readonly (string | number)[], secret: Secret): unknown {
  if (path.length === 0) return secret
  const [head, ...rest] = path
  if (Array.isArray(value)) return value.map((item, i) => (i === head ? replaceAt(item, rest, secret) : item))
  const obj = value as Record<string, unknown>
  return { ...obj, [head as string]: replaceAt(obj[head as string], rest, secret) }
}
