// How long the starts that seal identity numbers take over 1,000,000 cases on PostgreSQL: the first
// start with PERSONAL_DATA_KEY (every number sealed), a rotation (every number opened with the
// previous key and sealed with the new one, in one transaction), a start that still has the previous
// key (every number tried with the new key), and an ordinary start. Prints the times; no target.
// Run: DATABASE_URL=postgres://… npm run bench:keys   (BENCH_CASES to change the size)
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { buildApp } from '../src/app.js';
import { manualClock } from '../src/calendar/clock.js';
import { loadConfig, type Config } from '../src/config/config.js';
import { freshPostgres, requirePostgres } from './lib/bench-database.js';

const N = Number(process.env.BENCH_CASES ?? 1_000_000);
const database = await freshPostgres(requirePostgres());
try {
  const base: Config = { ...loadConfig({}), databaseUrl: database.url, logLevel: 'warn', adminEmail: 'admin@bench.local', adminPassword: 'bench-password-1' };
  const clock = manualClock('2026-03-02T02:00:00Z');
  const start = async (label: string, config: Config) => {
    const t = performance.now();
    const app = await buildApp({ config, clock });
    console.log(`${label.padEnd(58)}${((performance.now() - t) / 1000).toFixed(1).padStart(7)} s`);
    return app;
  };
  let app = await start('first start, no key (empty database)', base);
  const t = performance.now();
  // Resident identity numbers, unsealed, as an installation without a key stored them.
  await app.ogi.ctx.db.execute(
    sql.raw(`
    insert into cases (tracking_number, agency_id, access_code_hash, channel, state, version, snapshot, received_on, due_on,
      due_provisional, clock_stopped, applicant_column, applicant_name, applicant, applicant_key, description, format, delivery)
    select 'BENCH-' || g, 1 + g % 15, md5(g::text), 'online', 'assigned', 1, '{}'::jsonb, date '2026-01-05', date '2026-02-02', false, false,
      'person', '申请人' || g,
      jsonb_build_object('kind', 'person', 'name', '申请人' || g, 'idType', 'resident_id', 'idNumber', '110105' || lpad((g % 100000000)::text, 8, '0') || '0000',
        'phone', '13800138000', 'email', 'a' || g || '@example.com', 'address', '湖南省湘潭市'),
      md5('a' || g), '请公开第' || (g % 997) || '号文件', 'electronic', 'online'
    from generate_series(1, ${N}) g`),
  );
  await app.ogi.ctx.db.execute(sql`analyze cases`);
  console.log(`${`seeded ${N.toLocaleString('en')} cases with unsealed numbers`.padEnd(58)}${((performance.now() - t) / 1000).toFixed(1).padStart(7)} s`);
  await app.close();

  const [keyA, keyB] = [randomBytes(32), randomBytes(32)];
  for (const [label, config] of [
    ['first start with PERSONAL_DATA_KEY: every number sealed', { ...base, personalDataKey: keyA }],
    ['rotation: every number sealed anew with the new key', { ...base, personalDataKey: keyB, personalDataPreviousKey: keyA }],
    ['previous key still set: every number tried, none to seal', { ...base, personalDataKey: keyB, personalDataPreviousKey: keyA }],
    ['ordinary start with the new key', { ...base, personalDataKey: keyB }],
  ] as const) {
    app = await start(label, config);
    await app.close();
  }
} finally {
  await database.drop();
}
