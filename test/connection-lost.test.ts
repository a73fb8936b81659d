// PostgreSQL cuts a connection in the middle of a transaction (a restart, a failover, an administrator
// ending sessions). patches/postgres+3.4.9.patch makes postgres.js end such a transaction cleanly
// (porsager/postgres#1208): without it, the transaction's own ROLLBACK was written to the closed
// socket from a timer and the TypeError ended the process (the fault test caught a service dying
// this way), and statements the transaction sent after the cut went to the session the pool opened in
// its place, each committed on its own while the caller was told the transaction had failed: an
// application reported as not filed, yet half stored. Runs through the database layer the service
// uses (drizzle over our postgres.js pool); PostgreSQL only, the embedded database has no connection
// to cut.
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import t from 'tap';
import { rowsOf } from '../src/db/client.js';
import { openTestDatabase, TEST_DATABASE_URL } from './helpers/test-databases.js';

const skip = TEST_DATABASE_URL ? false : 'PostgreSQL only: the embedded database has no connection to cut';

async function cutConnection(url: string, pid: number): Promise<void> {
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin`select pg_terminate_backend(${pid})`;
  await admin.end();
}

const backendPid = async (tx: { execute(q: ReturnType<typeof sql>): Promise<unknown> }) => rowsOf<{ pid: number }>(await tx.execute(sql`select pg_backend_pid() as pid`))[0]!.pid;

t.test('a transaction whose connection is cut mid-statement fails, and the process and the pool carry on', { skip }, async (t) => {
  const database = await openTestDatabase(t, { poolSize: 2 });
  let pid: number | null = null;
  const transaction = database.db.transaction(async (tx) => {
    pid = await backendPid(tx);
    await tx.execute(sql`select pg_sleep(5)`);
  });
  const outcome = transaction.then(
    () => 'committed',
    (err: { code?: string }) => err.code ?? 'failed',
  );
  while (pid === null) await new Promise((r) => setTimeout(r, 10));
  await cutConnection(database.url!, pid);
  t.equal(await outcome, 'CONNECTION_CLOSED', 'the transaction fails with the connection');
  // The patched-out crash came from a timer after the failure: give it its turn.
  await new Promise((r) => setTimeout(r, 100));
  const rows = await Promise.all([1, 2, 3].map((n) => database.db.execute(sql`select ${n}::int as n`)));
  t.same(
    rows.map((r) => rowsOf<{ n: number }>(r)[0]!.n),
    [1, 2, 3],
    'the pool answers again, on a new connection',
  );
});

t.test('what a transaction sends after its connection was cut is never run, on that connection or on the one opened in its place', { skip }, async (t) => {
  // One connection, so that the pool reopens the transaction's own connection for the next query.
  const database = await openTestDatabase(t, { poolSize: 1 });
  await database.db.execute(sql`create table filed (n int not null)`);
  let pid: number | null = null;
  let carryOn!: () => void;
  const elsewhere = new Promise<void>((r) => (carryOn = r));
  const transaction = database.db.transaction(async (tx) => {
    pid = await backendPid(tx);
    // Busy with something that is not this connection (filing waits for numbers drawn on a pool of
    // their own), while the connection is cut.
    await elsewhere;
    await tx.execute(sql`insert into filed values (1)`);
    await tx.execute(sql`insert into filed values (2)`);
  });
  const outcome = transaction.then(
    () => 'committed',
    (err: { code?: string }) => err.code ?? 'failed',
  );
  while (pid === null) await new Promise((r) => setTimeout(r, 10));
  await cutConnection(database.url!, pid);
  // Someone else's query: the pool opens the connection again for it.
  t.same(rowsOf(await database.db.execute(sql`select 1 as one`)), [{ one: 1 }], 'the pool serves others meanwhile');
  carryOn();
  t.equal(await outcome, 'CONNECTION_CLOSED', 'the transaction is reported failed');
  await new Promise((r) => setTimeout(r, 100));
  t.same(rowsOf(await database.db.execute(sql`select n from filed order by n`)), [], 'and nothing of it was stored');
});
