// CPU time of the service per operation, in-process (no network, no load generator): where the
// HTTP benchmark's throughput goes. Run: DATABASE_URL=postgres://… npm run bench:cpu
import { buildApp } from '../src/app.js';
import { manualClock } from '../src/calendar/clock.js';
import { testConfig } from '../test/helpers/test-app.js';
import { application } from '../test/helpers/factories.js';
import { freshPostgres, requirePostgres } from './lib/bench-database.js';

const database = await freshPostgres(requirePostgres());
try {
  const app = await buildApp({ config: testConfig({ databaseUrl: database.url }), clock: manualClock('2026-03-02T02:00:00Z') });
  const body = application();
  const receipt = (await app.inject({ method: 'POST', url: '/api/requests', payload: body })).json();
  const submit = () => app.inject({ method: 'POST', url: '/api/requests', payload: body });
  // [name, operation, requests per operation]
  const ops: [string, () => Promise<unknown>, number][] = [
    ['submission, one alone', submit, 1],
    // Arriving together, they are filed in groups (src/db/group-commit.ts), as under load.
    ['submission, 50 at once', () => Promise.all(Array.from({ length: 50 }, submit)), 50],
    ['tracking lookup', () => app.inject({ method: 'GET', url: `/api/requests/${receipt.trackingNumber}?accessCode=${receipt.accessCode}` }), 1],
    ['guide page (cached)', () => app.inject({ method: 'GET', url: '/guide/czj' }), 1],
    ['health (one query)', () => app.inject({ method: 'GET', url: '/health' }), 1],
  ];
  for (const [name, op, per] of ops) {
    const n = Math.ceil(500 / per);
    for (let i = 0; i < n / 10; i += 1) await op();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1) await op();
    const c = process.cpuUsage(c0);
    const requests = n * per;
    console.log(
      `${name.padEnd(24)} ${((c.user + c.system) / 1000 / requests).toFixed(2).padStart(6)} ms CPU  ${((performance.now() - t0) / requests).toFixed(2).padStart(6)} ms wall, per request`,
    );
  }
  await app.close();
} finally {
  await database.drop();
}
