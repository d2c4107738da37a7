import { type ChildProcess, spawn } from 'node:child_process'
import { waitFor } from './wait-for.ts'

export interface ServiceProcess {
  child: ChildProcess
  /** The service URL (serve role only). */
  url: string
  /** Where its Prometheus metrics are: the service's /metrics, or a worker's own with TANDEM_METRICS_PORT. */
  metricsUrl: string | undefined
  output(): string
  /** Sends a signal and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>
}

const repoRoot = new URL('../../', import.meta.url).pathname

/**
 * Runs `tandem <args>` as a child process, the way an operator would, and waits until it says it is up:
 * the listening URL for `serve`, the processing line for `worker`.
 */
export async function startTandem(args: string[], env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['src/main.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString()
  })
  let exited = false
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true
      resolve()
    }),
  )
  const url = await waitFor(
    () => {
      if (exited) throw new Error(`tandem ${args.join(' ')} exited:\n${out}`)
      const listening = /listening on (http:\/\/\S+)/.exec(out)
      if (listening?.[1]) return listening[1]
      return out.includes('processing jobs') ? '' : undefined
    },
    { timeoutMs: 30_000, what: `tandem ${args.join(' ')} to start` },
  ).catch((err) => {
    child.kill('SIGKILL')
    throw err
  })
  const workerMetrics = /metrics:\s+(http\S+)/.exec(out)?.[1]
  return {
    child,
    url,
    metricsUrl: url ? `${url}/metrics` : workerMetrics,
    output: () => out,
    async kill(signal = 'SIGTERM') {
      if (exited) return
      child.kill(signal)
      await exit
    },
  }
}
