// HTTP benchmarks (autocannon), each against a bare baseline measured in the same run on the same
// PostgreSQL database: submission vs one INSERT, tracking lookup vs a one-row SELECT, guide page vs
// a constant string. Prints requests/s, p99 latency, ratios and the service's peak RSS.
// Run: DATABASE_URL=postgres://… npm run bench:http (builds dist/ first)   (BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS)
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { application } from '../test/helpers/factories.js';
import { freePort } from '../test/helpers/process.js';
import { freshPostgres, requirePostgres } from './lib/database.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
// This machine's figures drift by a third between runs; bare and ours alternate, and the median counts.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
// BENCH_ONLY=lookup (or submission, guide): one scenario, for working on it.
const ONLY = process.env.BENCH_ONLY ?? '';
const wanted = (name: string) => !ONLY || name.includes(ONLY);

/**
 * Starts a server and waits until it is ready. Its output goes to `logFile` if given (the service logs
 * a line per request at LOG_LEVEL=info: written to a file, as a production log collector would take
 * it, rather than read by this process, which also runs the load generator).
 */
function start(args: string[], env: Record<string, string>, ready: { pattern?: RegExp; url?: string; logFile?: string }): Promise<ChildProcess> {
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

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

type Figures = { rps: number; p99: number; errors: number };
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

/** Bare and ours in alternating rounds after one warm-up each: median requests/s, worst p99, all errors. */
async function compare(bare: autocannon.Options, ours: autocannon.Options): Promise<{ bare: Figures; ours: Figures }> {
  for (const opts of [bare, ours]) await autocannon({ ...opts, duration: 2, connections: CONNECTIONS });
  const results: { bare: autocannon.Result[]; ours: autocannon.Result[] } = { bare: [], ours: [] };
  for (let i = 0; i < ROUNDS; i += 1) {
    results.bare.push(await autocannon({ ...bare, duration: SECONDS, connections: CONNECTIONS }));
    results.ours.push(await autocannon({ ...ours, duration: SECONDS, connections: CONNECTIONS }));
  }
  const figures = (rs: autocannon.Result[]) => ({ rps: median(rs.map((r) => r.requests.average)), p99: Math.max(...rs.map((r) => r.latency.p99)), errors: rs.reduce((n, r) => n + r.errors + r.non2xx, 0) });
  return { bare: figures(results.bare), ours: figures(results.ours) };
}

const database = await freshPostgres(requirePostgres());
const children: ChildProcess[] = [];
try {
  const port = await freePort();
  // The service as it runs in production (Dockerfile): the compiled build, which `npm run bench:http`
  // makes first, logging at the default level (a JSON line per request).
  const service = await start(['dist/src/server.js'], { DATABASE_URL: database.url, PORT: String(port), RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'info', SCHEDULER_INTERVAL_MS: '3600000', ADMIN_EMAIL: 'admin@bench.local', ADMIN_PASSWORD: 'bench-password-1', NODE_ENV: 'production' }, { url: `http://127.0.0.1:${port}/health`, logFile: path.join(tmpdir(), `ogi-bench-service-${process.pid}.log`) });
  children.push(service);
  // The guide page's baseline sends the same bytes as a constant string: the ratio then measures our
  // work per request, not the size of the page on the wire.
  const pageFile = path.join(tmpdir(), `ogi-bench-page-${process.pid}.html`);
  writeFileSync(pageFile, await (await fetch(`http://127.0.0.1:${port}/guide/czj`)).text());
  const basePort = await freePort();
  const baseline = await start(['--import', 'tsx', 'bench/lib/baseline-server.ts'], { DATABASE_URL: database.url, PORT: String(basePort), BASELINE_PAGE: pageFile }, { pattern: /baseline ready/ });
  children.push(baseline);
  const svc = `http://127.0.0.1:${port}`;
  const base = `http://127.0.0.1:${basePort}`;

  let peakRss = rssMb(service.pid!);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(service.pid!))), 200);

  // Requests to look up later.
  const tracked: { trackingNumber: string; accessCode: string }[] = [];
  for (let i = 0; i < 200; i += 1) {
    const res = await fetch(`${svc}/api/requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(application({ agency: ['fgj', 'czj', 'mzj'][i % 3] })) });
    tracked.push((await res.json()) as { trackingNumber: string; accessCode: string });
  }

  const body = JSON.stringify(application());
  const rows: { name: string; target: number; ours: Figures; bare: Figures }[] = [];
  let k = 0;
  const lookup = () => tracked[k++ % tracked.length]!;
  const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body } as const;
  const scenarios: { name: string; target: number; bare: autocannon.Options; ours: autocannon.Options }[] = [
    { name: 'submission (POST /api/requests)', target: 0.5, bare: { url: `${base}/insert`, ...post }, ours: { url: `${svc}/api/requests`, ...post } },
    {
      name: 'tracking lookup (GET /api/requests/:tn)',
      target: 0.6,
      bare: { url: base, requests: [{ setupRequest: (r) => ({ ...r, path: `/select/${lookup().trackingNumber}` }) }] },
      ours: { url: svc, requests: [{ setupRequest: (r) => { const t = lookup(); return { ...r, path: `/api/requests/${t.trackingNumber}?accessCode=${t.accessCode}` }; } }] },
    },
    { name: 'guide page (GET /guide/:slug)', target: 0.7, bare: { url: `${base}/text` }, ours: { url: `${svc}/guide/czj` } },
  ];
  for (const s of scenarios.filter((s) => wanted(s.name))) rows.push({ name: s.name, target: s.target, ...(await compare(s.bare, s.ours)) });
  // Not a target: how far the database alone, writing the same rows, is from one INSERT.
  const rowsOnly = wanted('submission') ? await compare({ url: `${base}/insert`, ...post }, { url: `${base}/intake`, ...post }) : null;
  clearInterval(sampler);

  console.log(`\n${CONNECTIONS} connections; after a 2 s warm-up, ${ROUNDS} alternating rounds of ${SECONDS} s each (median req/s, worst p99); PostgreSQL ${database.url.replace(/\/\/[^@]*@/, '//')}`);
  console.log('scenario                                  ours req/s  bare req/s  ratio  target  ours p99  bare p99  errors');
  for (const r of rows) {
    const ratio = r.ours.rps / r.bare.rps;
    console.log(
      `${r.name.padEnd(42)}${r.ours.rps.toFixed(0).padStart(10)}${r.bare.rps.toFixed(0).padStart(12)}${ratio.toFixed(3).padStart(7)}${(`≥${r.target}`).padStart(8)}${`${r.ours.p99} ms`.padStart(10)}${`${r.bare.p99} ms`.padStart(10)}${String(r.ours.errors).padStart(8)}  ${ratio >= r.target && r.ours.p99 < 100 ? 'met' : 'NOT met'}`,
    );
  }
  if (rowsOnly) console.log(`same rows as a submission, one SQL statement, no application work: ${rowsOnly.ours.rps.toFixed(0)} req/s = ${(rowsOnly.ours.rps / rowsOnly.bare.rps).toFixed(2)} of the bare INSERT (${rowsOnly.bare.rps.toFixed(0)}), p99 ${rowsOnly.ours.p99} ms, errors ${rowsOnly.ours.errors}`);
  console.log(`service peak RSS: ${peakRss.toFixed(0)} MB (target under 300 MB: ${peakRss < 300 ? 'met' : 'NOT met'})`);
} finally {
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1000));
  await database.drop();
  for (const file of [`ogi-bench-page-${process.pid}.html`, `ogi-bench-service-${process.pid}.log`]) rmSync(path.join(tmpdir(), file), { force: true });
}
