/** What the sandbox served, newest last, so tests can count calls (e.g. that a read was retried). */
export interface RequestLogEntry {
  method: string
  /** Path and query as received. */
  target: string
  status: number
  at: number
}

export interface RequestLog {
  entries(): readonly RequestLogEntry[]
  clear(): void
}

export function createRequestLog(max = 50_000): RequestLog & { record(entry: RequestLogEntry): void } {
  let list: RequestLogEntry[] = []
  return {
    record(entry) {
      list.push(entry)
      if (list.length > max) list = list.slice(-max)
    },
    entries: () => list,
    clear() {
      list = []
    },
  }
}
