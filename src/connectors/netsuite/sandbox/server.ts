import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { RunningSandbox } from '../../types.ts'
import { createNetSuiteSandboxApp } from './app.ts'
import type { Faults } from './faults.ts'
import type { Governance } from './governance.ts'
import type { LoginAuditTrail } from './login-audit.ts'
import type { RequestLog } from './request-log.ts'
import { createSandboxRecords, type FlatCustomer, type SandboxRecords } from './sandbox-records.ts'
import {
  createSandboxState,
  type NetSuiteSandboxCredentials,
  type NetSuiteSandboxOptions,
  type SandboxAccount,
} from './sandbox-state.ts'
import type { UserEventNotifier } from './user-event-notifier.ts'

/** A running NetSuite simulator plus the handles tests use to look inside it. */
export interface NetSuiteSandbox extends RunningSandbox {
  system: 'netsuite'
  credentials: NetSuiteSandboxCredentials
  account: SandboxAccount
  records: SandboxRecords
  /** Why logins failed (the 401 body never says). */
  loginAudit: LoginAuditTrail
  /** The concurrency ceiling: limit, latency, in-flight and max-in-flight counters. */
  governance: Governance
  faults: Faults
  requestLog: RequestLog
  /** The User Event posts to `notifyUrl`: settings, delivery counters, `idle()` once all are sent. */
  notifications: UserEventNotifier
  /** Every customer, flat (references as ids): `records.list('customer')`, typed. */
  customers(): FlatCustomer[]
  /** Extra time every request takes from now on, in ms (holds its concurrency slot meanwhile). */
  setLatency(ms: number): void
}

/**
 * Starts a sandbox on `host:port` (default 127.0.0.1, port 0 = any free port). Each instance has its own
 * account, credentials and data, so several can run in one process.
 *
 * @example
 * const ns = await startNetSuiteSandbox({ seed: true })
 * // ns.url, ns.credentials.consumerKey, …; await ns.close()
 */
export async function startNetSuiteSandbox(opts: NetSuiteSandboxOptions = {}): Promise<NetSuiteSandbox> {
  const state = createSandboxState(opts)
  const app = createNetSuiteSandboxApp(state)
  const host = opts.host ?? '127.0.0.1'

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: opts.port ?? 0, hostname: host }, () => resolve(s))
    s.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  // A wildcard address is not one a client can be given; the loopback of the same family is.
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host
  const url = `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`

  const records = createSandboxRecords(state, () => url)
  return {
    system: 'netsuite',
    url,
    credentials: state.credentials,
    account: state.account,
    records,
    customers: () => records.list('customer') as FlatCustomer[],
    setLatency(ms) {
      state.governance.latencyMs = ms
    },
    loginAudit: state.audit,
    governance: state.governance,
    faults: state.faults,
    requestLog: state.requestLog,
    notifications: state.notifier,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Keep-alive connections would hold close() open until their idle timeout.
        if ('closeAllConnections' in server) server.closeAllConnections()
        server.close((err) => (err ? reject(err) : resolve()))
      }),
  }
}
