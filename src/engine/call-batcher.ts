export interface CallBatcher<I, O> {
  /** Queues one item for the next batch call and resolves with its own result. */
  call(item: I): Promise<O>
}

interface Pending<I, O> {
  item: I
  resolve(result: O): void
  reject(err: unknown): void
}

/**
 * Gathers the calls of concurrently running jobs into batch calls — reads of many records in one query,
 * upserts through Salesforce sObject Collections (200 rows a call) — while every job still gets its own
 * result. A batch goes out when it is full or `lingerMs` after its first item, so a lone record waits at
 * most that long. A failed call fails every item in it, and each job retries on its own.
 */
export function createCallBatcher<I, O>(
  send: (items: readonly I[]) => Promise<O[]>,
  opts: { max: number; lingerMs: number },
): CallBatcher<I, O> {
  let pending: Pending<I, O>[] = []
  let timer: NodeJS.Timeout | undefined

  function flush(): void {
    if (timer) clearTimeout(timer)
    timer = undefined
    const batch = pending
    pending = []
    if (batch.length === 0) return
    send(batch.map((p) => p.item)).then(
      (results) => {
        if (results.length !== batch.length) {
          const err = new Error(`the batch call returned ${results.length} results for ${batch.length} items`)
          for (const p of batch) p.reject(err)
          return
        }
        for (const [i, p] of batch.entries()) p.resolve(results[i] as O)
      },
      (err: unknown) => {
        for (const p of batch) p.reject(err)
      },
    )
  }

  return {
    call(item) {
      return new Promise<O>((resolve, reject) => {
        pending.push({ item, resolve, reject })
        if (pending.length >= opts.max) flush()
        else timer ??= setTimeout(flush, opts.lingerMs)
      })
    },
  }
}
