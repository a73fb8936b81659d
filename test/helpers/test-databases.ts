// A fresh database per test file: a new PostgreSQL database when DATABASE_URL is set (dropped in
// teardown), otherwise a PGlite copied from a cached, already migrated template directory.
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
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

/**
 * Server settings of every PGlite test database. PGlite zeroes its shared buffers at each start, and
 * zeroing the default 128 MB costs 0.4 s of CPU; test databases hold a few hundred rows.
 */
const TEST_SETTINGS = 'shared_buffers = 8MB\n';

function migrationsHash(): string {
  const hash = createHash('sha256').update(TEST_SETTINGS);
  for (const file of readdirSync(MIGRATIONS_DIR).sort()) {
    if (file.endsWith('.sql')) hash.update(file).update(readFileSync(path.join(MIGRATIONS_DIR, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * PGlite test databases are directories copied from templates on a memory file system: copying one
 * and opening it takes about 0.6 s, where loading the same database into memory from a dump takes
 * 1.5 s and creating one (initdb) 5 s.
 */
const TEMPLATES = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();

/** Moves a finished directory into place; a parallel test file may have put the same one there first. */
function publish(temp: string, dir: string): void {
  try {
    renameSync(temp, dir);
  } catch (err) {
    if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
    rmSync(temp, { recursive: true, force: true });
  }
}

const aside = (dir: string) => `${dir}.${process.pid}.${randomBytes(4).toString('hex')}`;

/** A PGlite data directory (DATA_DIR layout: `pgdata/`) holding the migrated, empty schema. */
export async function migratedTemplate(): Promise<string> {
  const dir = path.join(TEMPLATES, `ogi-pglite-${migrationsHash()}`);
  if (existsSync(dir)) return dir;
  const temp = aside(dir);
  const fresh = await openDatabase({ databaseUrl: null, dataDir: temp, inMemory: false });
  await fresh.migrate();
  await fresh.close();
  appendFileSync(path.join(temp, 'pgdata', 'postgresql.conf'), TEST_SETTINGS);
  publish(temp, dir);
  return dir;
}

/** A private copy of a template directory, removed when the test ends. */
async function openCopy(t: Test, template: string): Promise<DatabaseHandle & { url: null; dataDir: string }> {
  const dataDir = mkdtempSync(path.join(TEMPLATES, 'ogi-test-'));
  cpSync(template, dataDir, { recursive: true });
  const handle = await openDatabase({ databaseUrl: null, dataDir, inMemory: false });
  t.teardown(async () => {
    await handle.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return Object.assign(handle, { url: null, dataDir });
}

/**
 * PGlite: the database as an app leaves it after its first start (keys, schedules, demo agencies and
 * their guides, the administrator), kept as a template under `key` and `version`: testApp puts the
 * configuration and the clock into the key, a hash of the sources into the version (versions of a key
 * made over an hour ago are removed). Building that state takes longer than opening the database itself, and most
 * test files start several apps.
 */
export async function openStartedDatabase(
  t: Test,
  key: string,
  version: string,
  start: (database: DatabaseHandle & { url: null }) => Promise<void>,
): Promise<DatabaseHandle & { url: null }> {
  const migrated = await migratedTemplate();
  const name = `ogi-pglite-started-${key}-`;
  const dir = path.join(TEMPLATES, `${name}${version}-${path.basename(migrated).slice('ogi-pglite-'.length)}`);
  if (existsSync(dir)) return openCopy(t, dir);
  const handle = await openCopy(t, migrated);
  await start(handle);
  await clientOf(handle).query('checkpoint');
  const temp = aside(dir);
  cpSync(handle.dataDir, temp, { recursive: true, filter: (source) => !source.endsWith('pgdata.lock') });
  publish(temp, dir);
  // Other versions of this key made over an hour ago (another checkout may be running its tests on
  // one now); never another process's directory in the making (its name has a suffix).
  for (const old of readdirSync(TEMPLATES)) {
    const other = path.join(TEMPLATES, old);
    if (old.startsWith(name) && !old.includes('.') && other !== dir && statSync(other).mtimeMs < Date.now() - 3_600_000) rmSync(other, { recursive: true, force: true });
  }
  return handle;
}

const clientOf = (handle: DatabaseHandle) => (handle.db as unknown as { $client: PGlite }).$client;

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
  return openCopy(t, await migratedTemplate());
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
