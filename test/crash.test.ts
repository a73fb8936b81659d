import { count, eq, sql } from 'drizzle-orm';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { agencies, caseEvents, cases, outbox, timers } from '../src/db/schema.js';
import { createStaff } from '../src/staff/auth.service.js';
import { testConfig } from './helpers/test-app.js';
import { serverStorage, startServer, stopServer, waitForHealth, type ServerProcess } from './helpers/process.js';
import { seedCases } from './helpers/seed.js';

const CASES = 1500;
const ADMIN = { email: 'crash-admin@test.local', password: 'crash-admin-password' };

t.test('a process killed in the middle of a sweep loses nothing: after restart every due timer is applied once', async (t) => {
  const storage = await serverStorage(t, 'crash');
  const { dataDir } = storage;
  const config = testConfig({ databaseUrl: storage.databaseUrl, inMemoryDatabase: false, dataDir, adminEmail: ADMIN.email, adminPassword: ADMIN.password });

  // Seed with the app itself, then close it so the server process can open the database.
  {
    const app = await buildApp({ config });
    const { ctx } = app.ogi;
    const [fgj] = await ctx.db.select({ id: agencies.id, code: agencies.code }).from(agencies).where(eq(agencies.slug, 'fgj'));
    await createStaff(ctx, { email: 'crash-supervisor@test.local', password: 'supervisor-password', name: '督办', role: 'supervisor', agency: 'fgj' });
    // Received 2026-01-05, due 2026-02-02: long past whatever the real date of the run.
    await seedCases({ db: ctx.db, calendar: await ctx.calendar(ctx.db), agencies: [fgj!], count: CASES, receivedOn: () => '2026-01-05', timerKinds: ['answer_due'] });
    await app.close();
  }

  const env = () => storage.env({ SCHEDULER_INTERVAL_MS: '100', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
  const status = async (server: ServerProcess, token: string) =>
    (await (await fetch(`${server.url}/api/admin/status`, { headers: { authorization: `Bearer ${token}` } })).json()) as { timers: { pending: number; done: number } };
  const signIn = async (server: ServerProcess) =>
    (
      (await (await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) })).json()) as {
        token: string;
      }
    ).token;

  const first = startServer(await env());
  t.teardown(() => stopServer(first, 'SIGKILL'));
  await waitForHealth(first);
  const token = await signIn(first);
  let done = 0;
  for (let i = 0; i < 600 && done === 0; i += 1) {
    done = (await status(first, token)).timers.done;
    if (done === 0) await new Promise((r) => setTimeout(r, 25));
  }
  first.child.kill('SIGKILL');
  await first.exited;
  t.ok(done > 0 && done < CASES, `killed with ${done} of ${CASES} timers applied`);

  const second = startServer(await env());
  t.teardown(() => stopServer(second, 'SIGKILL'));
  await waitForHealth(second);
  const token2 = await signIn(second);
  for (let i = 0; i < 1200; i += 1) {
    if ((await status(second, token2)).timers.pending === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  t.equal(await stopServer(second), 0, 'clean shutdown');

  const app = await buildApp({ config });
  t.teardown(() => app.close());
  const db = app.ogi.ctx.db;
  const [pending] = await db.select({ n: count() }).from(timers).where(eq(timers.status, 'pending'));
  t.equal(pending!.n, 0, 'no timer left behind');
  const [overdue] = await db.select({ n: count() }).from(cases).where(eq(cases.state, 'overdue'));
  t.equal(overdue!.n, CASES, 'every case moved');
  const twice = await db
    .select({ caseId: caseEvents.caseId })
    .from(caseEvents)
    .where(eq(caseEvents.type, 'DEADLINE_PASSED'))
    .groupBy(caseEvents.caseId)
    .having(sql`count(*) <> 1`);
  t.same(twice, [], 'none moved twice');
  const [alerts] = await db.select({ n: count() }).from(outbox).where(eq(outbox.template, 'overdue_alert'));
  t.equal(alerts!.n, CASES, 'one alert per case');
});
