// The database: PostgreSQL through postgres.js when DATABASE_URL is set, otherwise embedded PGlite
// persisted under DATA_DIR. Both go through the same drizzle schema and migrations.
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql } from 'drizzle-orm';
import { PgTransaction, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { MIGRATIONS_DIR } from '../config/paths.js';
import { makePrivateDir } from '../config/private-files.js';
import { acquireDirectoryLock } from './directory-lock.js';
import * as schema from './schema.js';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Anything that runs queries: the database or a transaction. Pass `tx` down inside a transaction (PGlite has one connection). */
export type Executor = Database | Tx;

export type DatabaseHandle = {
  db: Database;
  kind: 'pglite' | 'postgres';
  /**
   * PostgreSQL only: a pool of its own for statements that must commit on their own while the
   * caller's transaction stays open (drawing numbers). Separate so that they never wait for a
   * connection held by a transaction that is itself waiting for them.
   */
  autonomous: Database | null;
  /**
   * Applies pending migrations, then runs `seed` (first-start data), both under one lock that
   * instances starting together share: the first does the work, the others wait and find it done.
   */
  migrate(seed?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
};

// Any fixed number shared by all instances: the lock under which migrations and seeding run once.
const MIGRATION_LOCK = 4_242_019;

function postgresClient(url: string, max: number) {
  return preparing(postgres(url, { max, onnotice: () => {}, connect_timeout: 10 }));
}

type Sql = ReturnType<typeof postgres>;
type Wrapped = (...args: unknown[]) => unknown;

/**
 * Drizzle runs every query through `unsafe()` without options, which postgres.js sends unprepared:
 * PostgreSQL parses and plans each statement anew (drizzle-orm#6096). Preparing them (one statement
 * per distinct text and connection, as postgres.js's own queries do; connections are renewed every
 * 30–60 minutes, which bounds the set) nearly doubled the tracking lookup's throughput. Transactions
 * and savepoints hand out clients of their own, wrapped the same way.
 */
function preparing(client: Sql): Sql {
  const methods = client as unknown as Record<string, Wrapped | undefined>;
  const unsafe = methods.unsafe!;
  methods.unsafe = (query, args, options) => unsafe.call(client, query, args, { ...(options as object), prepare: true });
  for (const name of ['begin', 'savepoint']) {
    const original = methods[name];
    if (!original) continue;
    methods[name] = (...args) => {
      const body = args.pop() as (tx: Sql) => unknown;
      return original.call(client, ...args, (tx: Sql) => body(preparing(tx)));
    };
  }
  return client;
}

export async function openDatabase(options: {
  databaseUrl: string | null;
  dataDir: string;
  inMemory: boolean;
  poolSize?: number;
  /** In-memory PGlite only: start from this dump (tests start from an already migrated one). */
  loadDataDir?: Blob;
}): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    // Fails fast (10 s) rather than hanging when the server is down; the pool reconnects on the next query.
    const client = postgresClient(options.databaseUrl, options.poolSize ?? 10);
    const db = withCommitCallbacks(drizzlePostgres({ client, schema }) as unknown as Database);
    const autonomousClient = postgresClient(options.databaseUrl, 2);
    return {
      db,
      kind: 'postgres',
      autonomous: drizzlePostgres({ client: autonomousClient, schema }) as unknown as Database,
      async migrate(seed) {
        // A client of one connection keeps the session-level lock on the connection that migrates;
        // the seed runs through the pool while this session still holds the lock.
        const single = postgresClient(options.databaseUrl!, 1);
        try {
          await single`select pg_advisory_lock(${MIGRATION_LOCK})`;
          await migratePostgres(drizzlePostgres({ client: single, schema }), { migrationsFolder: MIGRATIONS_DIR });
          await seed?.();
        } finally {
          await single.end({ timeout: 5 });
        }
      },
      close: async () => {
        await Promise.all([client.end({ timeout: 5 }), autonomousClient.end({ timeout: 5 })]);
      },
    };
  }

  let releaseLock = () => {};
  let client: PGlite;
  if (options.inMemory) {
    client = new PGlite({ extensions: { pg_trgm }, ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}) });
  } else {
    const dir = path.join(options.dataDir, 'pgdata');
    // Owner-only, whatever the umask: PGlite's own files inherit nothing better.
    makePrivateDir(dir);
    // PGlite has no lock of its own: two processes on one directory would corrupt it.
    releaseLock = acquireDirectoryLock(path.join(options.dataDir, 'pgdata.lock'));
    try {
      client = new PGlite(dir, { extensions: { pg_trgm } });
      await client.waitReady;
    } catch (err) {
      releaseLock();
      throw err;
    }
  }
  const db = withCommitCallbacks(drizzlePglite({ client, schema }) as unknown as Database);
  return {
    db,
    kind: 'pglite',
    autonomous: null,
    // One process per directory (the directory lock above), so nothing to wait for.
    async migrate(seed) {
      await migratePglite(drizzlePglite({ client, schema }), { migrationsFolder: MIGRATIONS_DIR });
      await seed?.();
    },
    async close() {
      await client.close();
      releaseLock();
    },
  };
}

const commitCallbacks = new WeakMap<object, (() => void)[]>();

/**
 * Runs `fn` once the transaction `tx` has committed, never if it rolls back; at once when `tx` is the
 * database itself (each statement commits on its own). For what must not happen before the rows are
 * visible to others, such as waking the mail worker.
 */
export function afterCommit(tx: Executor, fn: () => void): void {
  const callbacks = commitCallbacks.get(tx);
  if (callbacks) callbacks.push(fn);
  else if (tx instanceof PgTransaction) throw new Error('afterCommit: a nested transaction; pass the outer one');
  else fn();
}

function withCommitCallbacks(db: Database): Database {
  const transaction = db.transaction.bind(db);
  db.transaction = (async (body, config) => {
    const callbacks: (() => void)[] = [];
    const result = await transaction((tx) => {
      commitCallbacks.set(tx, callbacks);
      return body(tx);
    }, config);
    for (const fn of callbacks) {
      // Committed is committed: a failing callback must not turn the transaction into an error.
      try {
        fn();
      } catch (err) {
        process.emitWarning(err instanceof Error ? err : new Error(String(err)), 'AfterCommitWarning');
      }
    }
    return result;
  }) as Database['transaction'];
  return db;
}

/** Rows of `db.execute()`: PGlite returns `{ rows }`, postgres.js an array. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export async function ping(db: Executor): Promise<void> {
  await db.execute(sql`select 1`);
}

/** A unique violation (23505), and its constraint name, on either driver. */
export function uniqueViolation(err: unknown): string | null {
  const cause = (err as { cause?: { code?: string; constraint?: string; constraint_name?: string } })?.cause ?? (err as never);
  if (cause?.code !== '23505') return null;
  return cause.constraint ?? cause.constraint_name ?? '';
}

// postgres.js's own codes for a connection that failed or went away, and the system's for a server
// that cannot be reached.
const CONNECTION_LOST = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * The database cannot be reached or is going away (a restart, a failover, no connection left): the
 * request may succeed if tried again shortly. SQLSTATE classes 08 (connection exception), 53
 * (insufficient resources) and 57P (shutting down, starting up). Drizzle wraps the driver's error in
 * `cause`.
 */
export function databaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_LOST.has(code) || /^(08|53|57P)/.test(code))) return true;
  }
  return false;
}
