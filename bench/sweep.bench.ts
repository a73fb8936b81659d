// How long one instance takes to sweep 10,000 statutory timers that fall due at the same moment,
// on PostgreSQL. Target: under 10 s. Run: DATABASE_URL=postgres://… npm run bench:sweep
import { count, eq } from 'drizzle-orm';
import { buildApp } from '../src/app.js';
import { manualClock } from '../src/calendar/clock.js';
import { loadConfig } from '../src/config/config.js';
import { agencies, cases, outbox } from '../src/db/schema.js';
import { createStaff } from '../src/staff/auth.service.js';
import { freshPostgres, requirePostgres } from './lib/bench-database.js';
import { seedCases } from '../test/helpers/seed.js';

const N = Number(process.env.BENCH_TIMERS ?? 10_000);
const database = await freshPostgres(requirePostgres());
try {
  const clock = manualClock('2026-03-02T02:00:00Z');
  const config = { ...loadConfig({}), databaseUrl: database.url, logLevel: 'warn' as const, adminEmail: 'admin@bench.local', adminPassword: 'bench-password-1' };
  const app = await buildApp({ config, clock });
  const { ctx } = app.ogi;
  const all = await ctx.db.select({ id: agencies.id, code: agencies.code, slug: agencies.slug }).from(agencies);
  for (const a of all.slice(0, 5)) {
    await createStaff(ctx, { email: `sup-${a.code}@bench.local`, password: 'bench-password-1', name: `督办${a.code}`, role: 'supervisor', agency: a.slug });
  }
  let t = performance.now();
  // Received 2026-01-05: all answers were due 2026-02-02, long past on 2026-03-02.
  await seedCases({ db: ctx.db, calendar: await ctx.calendar(ctx.db), agencies: all, count: N, receivedOn: () => '2026-01-05', timerKinds: ['answer_due'] });
  console.log(`seeded ${N} cases with due timers in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  const result = await app.ogi.sweeper.runOnce();
  const seconds = (performance.now() - t) / 1000;
  const [overdue] = await ctx.db.select({ n: count() }).from(cases).where(eq(cases.state, 'overdue'));
  const [alerts] = await ctx.db.select({ n: count() }).from(outbox).where(eq(outbox.template, 'overdue_alert'));
  console.log(`swept ${result.applied} timers (ignored ${result.ignored}, failed ${result.failed}) in ${seconds.toFixed(2)} s = ${(result.applied / seconds).toFixed(0)} timers/s`);
  console.log(`cases now overdue: ${overdue!.n}; overdue alerts queued: ${alerts!.n}`);
  console.log(`target under 10 s: ${seconds < 10 ? 'met' : 'NOT met'}`);
  await app.close();
} finally {
  await database.drop();
}
