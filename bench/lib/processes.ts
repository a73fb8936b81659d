// The processes a benchmark runs and watches: servers started and waited for, their memory and CPU
// read from /proc (Linux), and PostgreSQL's CPU when it runs on the same machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { application } from '../../test/helpers/factories.js';

/**
 * Starts a server and waits until it is ready. Its output goes to `logFile` if given (the service logs
 * a line per request at LOG_LEVEL=info: written to a file, as a production log collector would take
 * it, rather than read by this process, which also runs the load generator).
 */
export function start(args: string[], env: Record<string, string>, ready: { pattern?: RegExp; url?: string; logFile?: string }): Promise<ChildProcess> {
  const fd = ready.logFile ? openSync(ready.logFile, 'w') : null;
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', fd ?? 'pipe', fd ?? 'pipe'] });
  if (fd !== null) closeSync(fd);
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  return new Promise((resolve, reject) => {
    const timer = setInterval(async () => {
      if (ready.pattern?.test(output)) return done();
      if (ready.url) {
        try {
          if ((await fetch(ready.url)).ok) return done();
        } catch {
          // not yet
        }
      }
    }, 100);
    const done = () => {
      clearInterval(timer);
      resolve(child);
    };
    child.on('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`exited ${code}: ${ready.logFile ? readFileSync(ready.logFile, 'utf8').slice(-4096) : output}`));
    });
  });
}

export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU time (ms) a process has used, from /proc. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** CPU time (ms) of every PostgreSQL process this user may read (0 when the server runs elsewhere). */
export function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += cpuMs(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** CPU per request (ms) of the server under test, PostgreSQL and this process (the load generator). */
export type Cpu = { server: number; postgres: number; load: number };
export async function measured(opts: autocannon.Options, serverPid: number): Promise<{ result: autocannon.Result; cpu: Cpu }> {
  const before = { server: cpuMs(serverPid), postgres: postgresCpuMs(), load: process.cpuUsage() };
  const result = await autocannon(opts);
  const n = Math.max(1, result.requests.total);
  const load = process.cpuUsage(before.load);
  return { result, cpu: { server: (cpuMs(serverPid) - before.server) / n, postgres: (postgresCpuMs() - before.postgres) / n, load: (load.user + load.system) / 1000 / n } };
}

// As production should run: identity numbers sealed. One key for every instance a benchmark starts on
// its fresh database.
const PERSONAL_DATA_KEY = randomBytes(32).toString('hex');

/**
 * The service as it runs in production (Dockerfile): the compiled build (the bench scripts run
 * `npm run build` first), logging at the default level, a JSON line per request, to `logFile`.
 * `entry`: another script to run with the same configuration (bench/lib/stack-server.ts).
 */
export async function startService(args: { databaseUrl: string; port: number; logFile: string; entry?: string[] }): Promise<ChildProcess> {
  // Mail is sent as it is queued (no SMTP_URL: written as files), into a directory of this run's own.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ogi-bench-data-'));
  process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  return start(
    args.entry ?? ['dist/src/server.js'],
    {
      DATABASE_URL: args.databaseUrl,
      DATA_DIR: dataDir,
      PORT: String(args.port),
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'info',
      SCHEDULER_INTERVAL_MS: '3600000',
      ADMIN_EMAIL: 'admin@bench.local',
      ADMIN_PASSWORD: 'bench-password-1',
      NODE_ENV: 'production',
      PERSONAL_DATA_KEY,
    },
    { url: `http://127.0.0.1:${args.port}/health`, logFile: args.logFile },
  );
}

/** Files `count` applications over HTTP (to three agencies in turn) and returns what to look them up with. */
export async function fileApplications(url: string, count: number): Promise<{ trackingNumber: string; accessCode: string }[]> {
  const tracked: { trackingNumber: string; accessCode: string }[] = [];
  for (let i = 0; i < count; i += 1) {
    const res = await fetch(`${url}/api/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(application({ agency: ['fgj', 'czj', 'mzj'][i % 3] })),
    });
    tracked.push((await res.json()) as { trackingNumber: string; accessCode: string });
  }
  return tracked;
}
