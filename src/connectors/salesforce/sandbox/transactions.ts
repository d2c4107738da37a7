import { AsyncLocalStorage } from 'node:async_hooks'

/** A committed change to one record, as change notifications announce it. */
export interface RecordChange {
  object: string
  id: string
  changeType: 'CREATE' | 'UPDATE' | 'DELETE'
  /** UPDATE: the fields whose values changed, LastModifiedDate included (as in CDC). */
  changedFields: string[]
}

/** An open transaction: the undo steps of its writes, and the changes to announce once it commits. */
interface Transaction {
  undo: (() => void)[]
  changes: RecordChange[]
}

/**
 * The org's transactions: all-or-nothing groups of writes whose changes are announced only on commit, as
 * Change Data Capture publishes after commit. Tracked per async call chain, so a composite request's
 * rollback never undoes another request's writes.
 */
export class Transactions {
  readonly #current = new AsyncLocalStorage<Transaction>()
  readonly #listeners: ((change: RecordChange) => void)[] = []

  onChange(listener: (change: RecordChange) => void): void {
    this.#listeners.push(listener)
  }

  /** Runs `fn` as one transaction; nested calls join the outer one. */
  run<T>(fn: () => T): T {
    if (this.#current.getStore()) return fn()
    const tx: Transaction = { undo: [], changes: [] }
    let result: T
    try {
      result = this.#current.run(tx, fn)
    } catch (err) {
      for (const step of tx.undo.reverse()) step()
      throw err
    }
    this.#publish(tx.changes)
    return result
  }

  /** {@link run} for work that awaits in between. */
  async runAsync<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#current.getStore()) return fn()
    const tx: Transaction = { undo: [], changes: [] }
    let result: T
    try {
      result = await this.#current.run(tx, fn)
    } catch (err) {
      for (const step of tx.undo.reverse()) step()
      throw err
    }
    this.#publish(tx.changes)
    return result
  }

  /** Records how to undo a write made inside a transaction (outside one, writes are final). */
  onRollback(step: () => void): void {
    this.#current.getStore()?.undo.push(step)
  }

  /** A change, announced now or when the enclosing transaction commits. */
  announce(change: RecordChange): void {
    const tx = this.#current.getStore()
    if (tx) tx.changes.push(change)
    else this.#publish([change])
  }

  #publish(changes: readonly RecordChange[]): void {
    for (const change of changes) for (const listener of this.#listeners) listener(change)
  }
}
