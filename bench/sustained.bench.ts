// Sustained load: the tracking lookup, then the submission, each for a long stretch without a pause,
// printing requests/s and the CPU per request of the service and of PostgreSQL (when it runs on this
// machine) for each 10 s window. A service that slows down the longer it is busy (a queue that grows,
// memory that is not given back) shows it here and not in bench:http's 5 s rounds; postgres.js did
// (patches/, README).
// Run: DATABASE_URL=postgres://… npm run bench:sustained (builds dist/ first)   (BENCH_SECONDS per scenario, default 60; BENCH_CONNECTIONS)
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { application } from '../test/helpers/factories.js';
import { freePort } from '../test/helpers/process.js';
import { freshPostgres, requirePostgres } from './lib/bench-database.js';
import { cpuMs, fileApplications, postgresCpuMs, rssMb, startService } from './lib/processes.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const WINDOW = 10;

type Window = { rps: number; cpuPerRequest: number; postgresPerRequest: number; rssMb: number };

/** One scenario without a pause; a window's figures from the responses counted and /proc. */
async function sustained(opts: autocannon.Options, pid: number): Promise<Window[]> {
  const windows: Window[] = [];
  let count = 0;
  let seconds = 0;
  let cpuAtStart = cpuMs(pid);
  let postgresAtStart = postgresCpuMs();
  let run!: autocannon.Instance;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    run = autocannon({ ...opts, duration: SECONDS, connections: CONNECTIONS }, (err, result) => (err ? reject(err) : resolve(result)));
  });
  run.on('response', () => (count += 1));
  run.on('tick', () => {
    seconds += 1;
    if (seconds < WINDOW) return;
    const [cpu, postgres, n] = [cpuMs(pid), postgresCpuMs(), Math.max(1, count)];
    windows.push({ rps: count / seconds, cpuPerRequest: (cpu - cpuAtStart) / n, postgresPerRequest: (postgres - postgresAtStart) / n, rssMb: rssMb(pid) });
    [count, seconds, cpuAtStart, postgresAtStart] = [0, 0, cpu, postgres];
  });
  const result = await finished;
  if (result.errors || result.non2xx) throw new Error(`${result.errors} errors, ${result.non2xx} answers other than 2xx`);
  return windows;
}

const database = await freshPostgres(requirePostgres());
let service: ChildProcess | null = null;
const logFile = path.join(tmpdir(), `ogi-bench-sustained-${process.pid}.log`);
try {
  const port = await freePort();
  service = await startService({ databaseUrl: database.url, port, logFile });
  const url = `http://127.0.0.1:${port}`;
  const tracked = await fileApplications(url, 200);
  let k = 0;
  const scenarios: [string, autocannon.Options][] = [
    [
      'tracking lookup (GET /api/requests/:tn)',
      {
        url,
        requests: [
          {
            setupRequest: (r) => {
              const t = tracked[k++ % tracked.length]!;
              return { ...r, path: `/api/requests/${t.trackingNumber}?accessCode=${t.accessCode}` };
            },
          },
        ],
      },
    ],
    ['submission (POST /api/requests)', { url: `${url}/api/requests`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(application()) }],
  ];
  console.log(
    `${CONNECTIONS} connections, ${SECONDS} s per scenario without a pause; per ${WINDOW} s window: requests/s, CPU per request of the service and of PostgreSQL, the service's RSS`,
  );
  for (const [name, opts] of scenarios) {
    const windows = await sustained(opts, service.pid!);
    console.log(`\n${name}`);
    for (const [i, w] of windows.entries())
      console.log(
        `  ${String(i * WINDOW).padStart(4)}–${String((i + 1) * WINDOW).padEnd(4)} s ${w.rps.toFixed(0).padStart(7)} req/s ${w.cpuPerRequest.toFixed(3).padStart(7)} ms CPU ${w.postgresPerRequest.toFixed(3).padStart(7)} ms PostgreSQL ${w.rssMb.toFixed(0).padStart(5)} MB`,
      );
    const [first, last] = [windows[0], windows.at(-1)];
    if (first && last)
      console.log(
        `  last window / first: ${(last.rps / first.rps).toFixed(2)} of the requests/s, ${(last.cpuPerRequest / first.cpuPerRequest).toFixed(2)} × the service's CPU per request, ${(last.postgresPerRequest / Math.max(1e-9, first.postgresPerRequest)).toFixed(2)} × PostgreSQL's`,
      );
  }
} finally {
  service?.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1000));
  await database.drop();
  rmSync(logFile, { force: true });
}
