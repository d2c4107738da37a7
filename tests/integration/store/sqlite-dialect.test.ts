import { type Generated, Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNodeSqliteDialect } from '../../../src/store/sqlite-dialect.ts'
import { createTempDir, type TestDir } from '../../helpers/databases.ts'

// The embedded store's one SQLite connection is shared by every concurrent query and transaction: it must
// be handed to one holder at a time, in turn, and a reused prepared statement must give fresh results.

interface Db {
  counter: { id: number; n: number }
  items: { id: Generated<number>; label: string }
}

let dir: TestDir
let db: Kysely<Db>

beforeAll(async () => {
  dir = createTempDir()
  db = new Kysely<Db>({ dialect: createNodeSqliteDialect(`${dir.path}/dialect.db`) })
  await sql`create table counter (id integer primary key, n integer not null)`.execute(db)
  await sql`create table items (id integer primary key autoincrement, label text not null)`.execute(db)
  await db.insertInto('counter').values({ id: 1, n: 0 }).execute()
})
afterAll(async () => {
  await db.destroy()
  dir.remove()
})

describe('node:sqlite dialect', () => {
  it('runs concurrent transactions one at a time, so no read-modify-write is lost', async () => {
    await Promise.all(
      Array.from({ length: 200 }, () =>
        db.transaction().execute(async (tx) => {
          const { n } = await tx.selectFrom('counter').select('n').where('id', '=', 1).executeTakeFirstOrThrow()
          // Yield between read and write: another holder of the connection would interleave here.
          await new Promise<void>((resolve) => setImmediate(resolve))
          await tx
            .updateTable('counter')
            .set({ n: n + 1 })
            .where('id', '=', 1)
            .execute()
        }),
      ),
    )
    expect(await db.selectFrom('counter').select('n').where('id', '=', 1).executeTakeFirstOrThrow()).toEqual({
      n: 200,
    })
  })

  it('serves queries waiting for the connection in the order they asked for it', async () => {
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        db
          .insertInto('items')
          .values({ label: `item-${i}` })
          .execute(),
      ),
    )
    const rows = await db.selectFrom('items').select('label').orderBy('id').execute()
    expect(rows.map((r) => r.label)).toEqual(Array.from({ length: 100 }, (_, i) => `item-${i}`))
  })

  it('gives a reused statement fresh results, also while another iteration of it is open', async () => {
    const countQuery = () => db.selectFrom('items').select((eb) => eb.fn.countAll<number>().as('n'))
    expect(await countQuery().executeTakeFirstOrThrow()).toEqual({ n: 100 })
    await db.insertInto('items').values({ label: 'one more' }).execute()
    expect(await countQuery().executeTakeFirstOrThrow()).toEqual({ n: 101 })
    const labels: string[] = []
    for await (const row of db.selectFrom('items').select('label').orderBy('id').limit(3).stream()) {
      labels.push(row.label)
    }
    expect(labels).toEqual(['item-0', 'item-1', 'item-2'])
    expect(await countQuery().executeTakeFirstOrThrow()).toEqual({ n: 101 })
  })

  it('waits for a transaction holding the connection before running a query from elsewhere', async () => {
    const order: string[] = []
    let release!: () => void
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const tx = db.transaction().execute(async (t) => {
      await t.insertInto('items').values({ label: 'in-transaction' }).execute()
      order.push('transaction wrote')
      await held
      order.push('transaction done')
    })
    // Asked for while the transaction holds the connection: it must not run inside it.
    await new Promise<void>((resolve) => setImmediate(resolve))
    const outside = db
      .insertInto('items')
      .values({ label: 'outside' })
      .execute()
      .then(() => order.push('outside wrote'))
    await new Promise<void>((resolve) => setImmediate(resolve))
    release()
    await Promise.all([tx, outside])
    expect(order).toEqual(['transaction wrote', 'transaction done', 'outside wrote'])
  })
})
