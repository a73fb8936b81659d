// HTTP benchmarks (autocannon), each against a bare baseline measured in the same run on the same
// PostgreSQL database: submission vs one INSERT, tracking lookup vs a one-row SELECT, guide page vs
// a constant string. Prints requests/s, p99 latency, ratios and the service's peak RSS.
// Run: DATABASE_URL=postgres://… npm run bench:http (builds dist/ first)   (BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS)
import type { ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { application } from '../test/helpers/factories.js';
import { freePort } from '../test/helpers/process.js';
import { freshPostgres, requirePostgres } from './lib/bench-database.js';
import { fileApplications, measured, rssMb, start, startService, type Cpu } from './lib/processes.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
// This machine's figures drift by a third between runs; bare and ours alternate, and the median counts.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
// BENCH_ONLY=lookup (or submission, guide): one scenario, for working on it.
const ONLY = process.env.BENCH_ONLY ?? '';
const wanted = (name: string) => !ONLY || name.includes(ONLY);

type Figures = { rps: number; p99: number; errors: number; cpu: Cpu };
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
type Target = { opts: autocannon.Options; pid: number };

/**
 * Bare, our stack doing the bare work (floor, where there is one) and ours, in alternating rounds after
 * one warm-up each: median requests/s and CPU per request, worst p99, all errors.
 */
async function compare(targets: { bare: Target; ours: Target; floor?: Target }): Promise<{ bare: Figures; ours: Figures; floor?: Figures }> {
  const named = (['bare', 'floor', 'ours'] as const).flatMap((name) => (targets[name] ? [[name, targets[name]] as const] : []));
  for (const [, t] of named) await autocannon({ ...t.opts, duration: 2, connections: CONNECTIONS });
  const runs = new Map<string, Awaited<ReturnType<typeof measured>>[]>(named.map(([name]) => [name, []]));
  for (let i = 0; i < ROUNDS; i += 1) {
    for (const [name, t] of named) runs.get(name)!.push(await measured({ ...t.opts, duration: SECONDS, connections: CONNECTIONS }, t.pid));
  }
  const figures = (name: string): Figures => {
    const rs = runs.get(name)!;
    return {
      rps: median(rs.map((r) => r.result.requests.average)),
      p99: Math.max(...rs.map((r) => r.result.latency.p99)),
      errors: rs.reduce((n, r) => n + r.result.errors + r.result.non2xx, 0),
      cpu: { server: median(rs.map((r) => r.cpu.server)), postgres: median(rs.map((r) => r.cpu.postgres)), load: median(rs.map((r) => r.cpu.load)) },
    };
  };
  return { bare: figures('bare'), ours: figures('ours'), ...(targets.floor ? { floor: figures('floor') } : {}) };
}

const database = await freshPostgres(requirePostgres());
const children: ChildProcess[] = [];
try {
  const port = await freePort();
  const service = await startService({ databaseUrl: database.url, port, logFile: path.join(tmpdir(), `ogi-bench-service-${process.pid}.log`) });
  children.push(service);
  // The guide page's baseline sends the same bytes as a constant string: the ratio then measures our
  // work per request, not the size of the page on the wire.
  const pageFile = path.join(tmpdir(), `ogi-bench-page-${process.pid}.html`);
  writeFileSync(pageFile, await (await fetch(`http://127.0.0.1:${port}/guide/czj`)).text());
  const basePort = await freePort();
  const baseline = await start(
    ['--import', 'tsx', 'bench/lib/baseline-server.ts'],
    { DATABASE_URL: database.url, PORT: String(basePort), BASELINE_PAGE: pageFile },
    { pattern: /baseline ready/ },
  );
  children.push(baseline);
  // Our stack with the baselines' work (bench/lib/stack-server.ts): a second instance on the same database.
  const floorPort = await freePort();
  const stack = await startService({
    databaseUrl: database.url,
    port: floorPort,
    logFile: path.join(tmpdir(), `ogi-bench-floor-${process.pid}.log`),
    entry: ['--import', 'tsx', 'bench/lib/stack-server.ts'],
  });
  children.push(stack);
  const floorUrl = `http://127.0.0.1:${floorPort}`;
  const svc = `http://127.0.0.1:${port}`;
  const base = `http://127.0.0.1:${basePort}`;

  let peakRss = rssMb(service.pid!);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(service.pid!))), 200);

  // Requests to look up later.
  const tracked = await fileApplications(svc, 200);

  const body = JSON.stringify(application());
  const rows: { name: string; target: number; ours: Figures; bare: Figures; floor?: Figures }[] = [];
  let k = 0;
  const lookup = () => tracked[k++ % tracked.length]!;
  const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body } as const;
  const ours = (opts: autocannon.Options): Target => ({ opts, pid: service.pid! });
  const bare = (opts: autocannon.Options): Target => ({ opts, pid: baseline.pid! });
  const floor = (opts: autocannon.Options): Target => ({ opts, pid: stack.pid! });
  const scenarios: { name: string; target: number; bare: Target; ours: Target; floor?: Target }[] = [
    {
      name: 'submission (POST /api/requests)',
      target: 0.5,
      bare: bare({ url: `${base}/insert`, ...post }),
      floor: floor({ url: `${floorUrl}/floor/insert`, ...post }),
      ours: ours({ url: `${svc}/api/requests`, ...post }),
    },
    {
      name: 'tracking lookup (GET /api/requests/:tn)',
      target: 0.6,
      bare: bare({ url: base, requests: [{ setupRequest: (r) => ({ ...r, path: `/select/${lookup().trackingNumber}` }) }] }),
      floor: floor({ url: floorUrl, requests: [{ setupRequest: (r) => ({ ...r, path: `/floor/select/${lookup().trackingNumber}` }) }] }),
      ours: ours({
        url: svc,
        requests: [
          {
            setupRequest: (r) => {
              const t = lookup();
              return { ...r, path: `/api/requests/${t.trackingNumber}?accessCode=${t.accessCode}` };
            },
          },
        ],
      }),
    },
    { name: 'guide page (GET /guide/:slug)', target: 0.7, bare: bare({ url: `${base}/text` }), ours: ours({ url: `${svc}/guide/czj` }) },
  ];
  for (const s of scenarios.filter((s) => wanted(s.name))) rows.push({ name: s.name, target: s.target, ...(await compare(s)) });
  // Not a target: how far the database alone, writing the same rows, is from one INSERT.
  const rowsOnly = wanted('submission') ? await compare({ bare: bare({ url: `${base}/insert`, ...post }), ours: bare({ url: `${base}/intake`, ...post }) }) : null;
  clearInterval(sampler);

  console.log(
    `\n${CONNECTIONS} connections; after a 2 s warm-up, ${ROUNDS} alternating rounds of ${SECONDS} s each (median req/s, worst p99); PostgreSQL ${database.url.replace(/\/\/[^@]*@/, '//')}`,
  );
  console.log('scenario                                  ours req/s  bare req/s  ratio  target  ours p99  bare p99  errors');
  for (const r of rows) {
    const ratio = r.ours.rps / r.bare.rps;
    console.log(
      `${r.name.padEnd(42)}${r.ours.rps.toFixed(0).padStart(10)}${r.bare.rps.toFixed(0).padStart(12)}${ratio.toFixed(3).padStart(7)}${`≥${r.target}`.padStart(8)}${`${r.ours.p99} ms`.padStart(10)}${`${r.bare.p99} ms`.padStart(10)}${String(r.ours.errors).padStart(8)}  ${ratio >= r.target && r.ours.p99 < 100 ? 'met' : 'NOT met'}`,
    );
  }
  // Our stack (access log, security headers, hooks, drizzle) doing only the bare work: no route of ours
  // can do better than this, so a target above it cannot be met by the route's own code.
  for (const r of rows.filter((r) => r.floor)) {
    console.log(
      `${r.name}: our stack doing the bare work ${r.floor!.rps.toFixed(0)} req/s = ${(r.floor!.rps / r.bare.rps).toFixed(3)} of bare (p99 ${r.floor!.p99} ms, errors ${r.floor!.errors}); ours = ${(r.ours.rps / r.floor!.rps).toFixed(3)} of that`,
    );
  }
  if (rowsOnly)
    console.log(
      `same rows as a submission, one SQL statement, no application work: ${rowsOnly.ours.rps.toFixed(0)} req/s = ${(rowsOnly.ours.rps / rowsOnly.bare.rps).toFixed(2)} of the bare INSERT (${rowsOnly.bare.rps.toFixed(0)}), p99 ${rowsOnly.ours.p99} ms, errors ${rowsOnly.ours.errors}`,
    );

  // Service, database and load generator share this machine's cores: a request's CPU, summed over the
  // three, bounds what any amount of waiting less could reach. "ceiling" is that bound for ours, as a
  // share of the bare figure measured above.
  const cores = availableParallelism();
  const total = (c: Cpu) => c.server + c.postgres + c.load;
  const cpuLine = (label: string, c: Cpu) =>
    `${label.padEnd(6)}${c.server.toFixed(3).padStart(9)}${c.postgres.toFixed(3).padStart(12)}${c.load.toFixed(3).padStart(8)}${total(c).toFixed(3).padStart(8)}`;
  console.log(`\nCPU per request in ms (median round), ${cores} cores: the server under test, PostgreSQL (its processes on this machine), the load generator`);
  console.log('scenario                                        server  PostgreSQL    load   total   ceiling with every core busy');
  for (const r of [...rows, ...(rowsOnly ? [{ name: 'same rows, one statement', target: 0, ...rowsOnly }] : [])]) {
    const ceiling = (cores * 1000) / total(r.ours.cpu);
    console.log(`${r.name.slice(0, 42).padEnd(42)}${cpuLine('ours', r.ours.cpu)}   ${ceiling.toFixed(0)} req/s = ${(ceiling / r.bare.rps).toFixed(3)} of bare`);
    if (r.floor) console.log(`${''.padEnd(42)}${cpuLine('floor', r.floor.cpu)}   ${((cores * 1000) / total(r.floor.cpu) / r.bare.rps).toFixed(3)} of bare`);
    console.log(`${''.padEnd(42)}${cpuLine('bare', r.bare.cpu)}`);
  }
  console.log(`service peak RSS: ${peakRss.toFixed(0)} MB (target under 300 MB: ${peakRss < 300 ? 'met' : 'NOT met'})`);
} finally {
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1000));
  await database.drop();
  for (const file of [`ogi-bench-page-${process.pid}.html`, `ogi-bench-service-${process.pid}.log`, `ogi-bench-floor-${process.pid}.log`])
    rmSync(path.join(tmpdir(), file), { force: true });
}
