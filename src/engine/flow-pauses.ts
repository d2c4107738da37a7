import type { Store } from '../store/store.ts'

/** How stale a worker's view of the paused flows may be: a pause or resume takes effect within a second. */
const cacheMs = 1_000

/** Whether a flow is paused by an operator, read from the store (shared by every process) at most once a second. */
export function createPauseCheck(store: Store): (flow: string) => Promise<boolean> {
  let cached: { at: number; paused: Promise<Set<string>> } | undefined
  return async (flow) => {
    if (!cached || Date.now() - cached.at >= cacheMs) {
      const paused = store.flowSettings.paused()
      cached = { at: Date.now(), paused }
      paused.catch(() => {
        cached = undefined
      })
    }
    return (await cached.paused).has(flow)
  }
}

export type PausedBy = 'operator' | 'circuit' | null

/**
 * Why a flow is not running, as the API and the dashboard both show it: an operator paused it, or a
 * connection at either end has an open circuit (the flow resumes by itself when it closes).
 */
export function pausedBy(
  flow: { name: string; source: { connection: string }; target: { connection: string } },
  pausedFlows: ReadonlySet<string>,
  openCircuits: ReadonlySet<string>,
): PausedBy {
  if (pausedFlows.has(flow.name)) return 'operator'
  if (openCircuits.has(flow.source.connection) || openCircuits.has(flow.target.connection)) return 'circuit'
  return null
}
