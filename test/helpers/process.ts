// Runs the real server as a child process, as `npm start` does, on a port of its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import type { Test } from 'tap';
import { PROJECT_ROOT } from '../../src/config/paths.js';
import { createPostgresDatabase, migratedTemplate, TEST_DATABASE_URL } from './test-databases.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export type ServerProcess = { child: ChildProcess; url: string; output(): string; exited: Promise<number | null> };

export function startServer(env: Record<string, string>): ServerProcess {
  // Not --liftoff-only, as the test processes are: a server here writes megabytes of files into the
  // embedded database, which unoptimised WebAssembly does several times slower.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, url: `http://127.0.0.1:${env.PORT}`, output: () => output, exited };
}

/** Waits until GET /health answers 200, or the process exits. */
export async function waitForHealth(server: ServerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void server.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`server exited with ${exitCode}:\n${server.output()}`);
    try {
      const res = await fetch(`${server.url}/health`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not become healthy:\n${server.output()}`);
}

export async function stopServer(server: ServerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (server.child.exitCode !== null) return server.child.exitCode;
  server.child.kill(signal);
  return server.exited;
}

/**
 * Where a test's server processes keep their data: a fresh embedded database directory, or in the
 * PostgreSQL run a fresh PostgreSQL database. `env()` gives a server's environment on a new port.
 */
/**
 * A DATA_DIR (and on PostgreSQL a database) for server processes and apps started in a test. On PGlite
 * the embedded database in it is already created and migrated (copied from a template: creating one
 * costs a start 5 s); `fresh` leaves DATA_DIR empty, for a test of what a first start creates.
 */
export async function serverStorage(t: Test, name: string, options: { fresh?: boolean } = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `ogi-${name}-`));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  if (!TEST_DATABASE_URL && !options.fresh) cpSync(await migratedTemplate(), dataDir, { recursive: true });
  const database = TEST_DATABASE_URL ? await createPostgresDatabase() : null;
  if (database) t.teardown(() => database.drop());
  return {
    dataDir,
    databaseUrl: database?.url ?? null,
    env: async (extra: Record<string, string> = {}) => ({
      DATA_DIR: dataDir,
      DATABASE_URL: database?.url ?? '',
      PORT: String(await freePort()),
      RATE_LIMIT_PER_MINUTE: '0',
      ...extra,
    }),
  };
}
