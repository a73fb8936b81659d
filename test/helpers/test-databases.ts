// A fresh database per test file: a new PostgreSQL database when DATABASE_URL is set (dropped in
// teardown), otherwise an in-memory PGlite started from a cached, already migrated dump.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import type { Test } from 'tap';
import { MIGRATIONS_DIR } from '../../src/config/paths.js';
import { and, eq, ne, sql, type SQL } from 'drizzle-orm';
import { openDatabase, rowsOf, type DatabaseHandle, type Executor } from '../../src/db/client.js';
import { cases, outbox } from '../../src/db/schema.js';

export const TEST_DATABASE_URL = process.env.DATABASE_URL || null;

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_DIR).sort()) {
    if (file.endsWith('.sql')) hash.update(file).update(readFileSync(path.join(MIGRATIONS_DIR, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

async function migratedDump(): Promise<Blob> {
  const file = path.join(os.tmpdir(), `ogi-pglite-${migrationsHash()}.tar.gz`);
  if (existsSync(file)) return new Blob([readFileSync(file)]);
  const fresh = await openDatabase({ databaseUrl: null, dataDir: '', inMemory: true });
  await fresh.migrate();
  const dump = await (fresh.db as unknown as { $client: PGlite }).$client.dumpDataDir('gzip');
  await fresh.close();
  // Parallel test files may race to write it: write aside, then rename into place atomically.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, Buffer.from(await dump.arrayBuffer()));
  renameSync(temp, file);
  return dump;
}

export function databaseUrlFor(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates an empty PostgreSQL database, with `settings` for every connection to it; the returned `drop` removes it (connections are cut). */
export async function createPostgresDatabase(settings: Record<string, string> = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `ogi_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  for (const [key, value] of Object.entries(settings)) await admin.unsafe(`alter database ${name} set ${key} = ${value}`);
  await admin.end();
  return {
    url: databaseUrlFor(TEST_DATABASE_URL!, name),
    async drop() {
      const cleanup = postgres(TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/**
 * `url` is set on PostgreSQL, so a second app instance can open the same database. `settings`
 * (PostgreSQL only): server settings for every connection to it, such as a plan cache mode.
 */
export async function openTestDatabase(t: Test, options: { poolSize?: number; settings?: Record<string, string> } = {}): Promise<DatabaseHandle & { url: string | null }> {
  if (TEST_DATABASE_URL) {
    const database = await createPostgresDatabase(options.settings);
    const handle = await openDatabase({ databaseUrl: database.url, dataDir: '', inMemory: false, poolSize: options.poolSize });
    t.teardown(async () => {
      await handle.close();
      await database.drop();
    });
    return Object.assign(handle, { url: database.url });
  }
  const handle = await openDatabase({ databaseUrl: null, dataDir: '', inMemory: true, loadDataDir: await migratedDump() });
  t.teardown(() => handle.close());
  return Object.assign(handle, { url: null });
}

/**
 * PostgreSQL: until `n` writes wait for rows another transaction holds (or `done()` says the writes
 * did not wait, as they would without the lock under test). Lets a test line concurrent requests up.
 */
export async function rowWritesWaiting(db: Executor, n: number, done: () => boolean = () => false): Promise<void> {
  for (let tries = 0; tries < 2000 && !done(); tries += 1) {
    const [row] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from pg_locks where locktype in ('transactionid', 'tuple') and not granted`));
    if (row!.n >= n) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  if (!done()) throw new Error(`${n} writes were expected to wait for the held rows`);
}

/**
 * PostgreSQL: locks the rows `statement` selects (it ends in FOR UPDATE) in a transaction of its own
 * and keeps them until the returned function is called (which resolves once it has committed).
 */
export async function holdRows(db: DatabaseHandle['db'], statement: SQL): Promise<() => Promise<void>> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const holding = new Promise<void>((r) => (locked = r));
  const held = db.transaction(async (tx) => {
    await tx.execute(statement);
    locked();
    await released;
  });
  await Promise.race([holding, held]);
  return async () => {
    release();
    await held;
  };
}

/** The mails queued for a case, oldest first: one template's, or all but the acknowledgment. */
export async function caseMails(db: Executor, trackingNumber: string, template?: string) {
  return db
    .select({ template: outbox.template, recipient: outbox.recipient, subject: outbox.subject, text: outbox.text })
    .from(outbox)
    .innerJoin(cases, eq(cases.id, outbox.caseId))
    .where(and(eq(cases.trackingNumber, trackingNumber), template ? eq(outbox.template, template) : ne(outbox.template, 'acknowledgment')))
    .orderBy(outbox.id);
}
