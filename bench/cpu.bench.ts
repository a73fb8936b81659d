// CPU time of the service per operation, in-process (no network, no load generator): where the
// HTTP benchmark's throughput goes. Run: DATABASE_URL=postgres://… npm run bench:cpu
import { buildApp } from '../src/app.js';
import { manualClock } from '../src/calendar/clock.js';
import { testConfig } from '../test/helpers/app.js';
import { application } from '../test/helpers/factories.js';
import { freshPostgres, requirePostgres } from './lib/database.js';

const database = await freshPostgres(requirePostgres());
try {
  const app = await buildApp({ config: testConfig({ databaseUrl: database.url }), clock: manualClock('2026-03-02T02:00:00Z') });
  const body = application();
  const receipt = (await app.inject({ method: 'POST', url: '/api/requests', payload: body })).json();
  const ops: [string, () => Promise<unknown>][] = [
    ['submission', () => app.inject({ method: 'POST', url: '/api/requests', payload: body })],
    ['tracking lookup', () => app.inject({ method: 'GET', url: `/api/requests/${receipt.trackingNumber}?accessCode=${receipt.accessCode}` })],
    ['guide page (cached)', () => app.inject({ method: 'GET', url: '/guide/czj' })],
    ['health (one query)', () => app.inject({ method: 'GET', url: '/health' })],
  ];
  for (const [name, op] of ops) {
    for (let i = 0; i < 50; i += 1) await op();
    const n = 500;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1) await op();
    const c = process.cpuUsage(c0);
    console.log(`${name.padEnd(22)} ${((c.user + c.system) / 1000 / n).toFixed(2).padStart(6)} ms CPU  ${((performance.now() - t0) / n).toFixed(2).padStart(6)} ms wall, per operation`);
  }
  await app.close();
} finally {
  await database.drop();
}
