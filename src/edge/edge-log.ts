/**
 * One JSON object per line on the console, which Workers Logs and `wrangler tail` index by field. Callers
 * pass counts, ids, statuses and codes: never a secret, a header or a payload value.
 */
export function edgeLog(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, msg, ...fields })
  if (level === 'error') console.error(line)
  else if (level === 'warn') console.warn(line)
  else console.log(line)
}
