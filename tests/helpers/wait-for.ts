/**
 * Polls `check` until it returns a value other than undefined/false, or throws after `timeoutMs` with the
 * last observed value in the message. Tests wait on conditions, never on fixed sleeps.
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000)
  let last: unknown
  for (;;) {
    try {
      last = await check()
      if (last !== undefined && last !== false) return last as Exclude<T, false | undefined>
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${opts.what ?? 'condition'}; last: ${describe(last)}`)
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50))
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`
  try {
    return JSON.stringify(value)
  } catch {
    return String(value)
  }
}
