import { and, count, eq, sql } from 'drizzle-orm';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { openDatabase, rowsOf } from '../src/db/client.js';
import { agencies, caseEvents, cases, outbox, timers } from '../src/db/schema.js';
import { api, staffClient, testApp, testConfig } from './helpers/test-app.js';
import { openTestDatabase, TEST_DATABASE_URL } from './helpers/test-databases.js';
import { application } from './helpers/factories.js';
import { seedCases } from './helpers/seed.js';
import { smtpPeer } from './helpers/smtp.js';

t.test('one sweep past the due date: overdue, one alert; a second sweep changes nothing', async (t) => {
  const smtp = await smtpPeer();
  t.teardown(() => smtp.stop());
  const { app, clock, db } = await testApp(t, { config: { smtpUrl: smtp.url } });
  const supervisor = await staffClient(app, 'supervisor', 'fgj');
  const { trackingNumber } = (await api(app).post('/api/requests', application({ delivery: 'online', applicant: { email: null } }))).json();
  t.equal(await app.ogi.outbox.runOnce().then((r) => r.sent), 1, 'no applicant mail without an address: the acknowledgment goes by SMS');

  clock.set('2026-03-30T15:59:59Z'); // 23:59:59 on the due date in Shanghai
  t.same(await app.ogi.sweeper.runOnce(), { applied: 2, ignored: 0, failed: 0 }, 'only the reminders so far');
  t.equal((await supervisor.get(`/api/cases/${trackingNumber}`)).json().state, 'received');
  t.same(await app.ogi.outbox.runOnce(), { sent: 2, retried: 0, failed: 0 }, 'two reminders to the supervisor (nobody assigned)');
  await smtp.waitFor(2);
  t.same(
    smtp.messages.map((m) => m.subject),
    [`【办理提醒】申请 ${trackingNumber} 即将到期`, `【办理提醒】申请 ${trackingNumber} 即将到期`],
  );
  t.match(smtp.messages[0]!.text, /还剩 \d+ 个工作日/);

  clock.set('2026-03-30T16:00:01Z'); // just after midnight: the 20th working day is over
  t.same(await app.ogi.sweeper.runOnce(), { applied: 1, ignored: 0, failed: 0 });
  const view = (await supervisor.get(`/api/cases/${trackingNumber}`)).json();
  t.equal(view.state, 'overdue');
  t.same(await app.ogi.outbox.runOnce(), { sent: 1, retried: 0, failed: 0 });
  await smtp.waitFor(3);
  const alert = smtp.messages[2]!;
  t.equal(alert.subject, `【超期警示】申请 ${trackingNumber} 已超过答复期限`);
  t.equal(alert.to && 'text' in alert.to ? alert.to.text : '', supervisor.email);
  t.match(alert.text, /答复期限（2026年3月30日）已经届满/);

  const eventsBefore = (await db.select({ n: count() }).from(caseEvents))[0]!.n;
  t.same(await app.ogi.sweeper.runOnce(), { applied: 0, ignored: 0, failed: 0 }, 'a second sweep finds nothing');
  t.same(await app.ogi.outbox.runOnce(), { sent: 0, retried: 0, failed: 0 });
  t.equal((await db.select({ n: count() }).from(caseEvents))[0]!.n, eventsBefore, 'and writes nothing');
  t.equal(smtp.messages.length, 3, 'exactly one alert');
});

t.test('two instances on one database sweep 1,000 cases falling due at the same moment: each moved once, each alert sent once', async (t) => {
  const smtp = await smtpPeer();
  t.teardown(() => smtp.stop());
  const first = await testApp(t, { config: { smtpUrl: smtp.url } });
  // The second instance: its own pool on the same PostgreSQL database (on PGlite, the same embedded one).
  const secondDb = first.database.url ? await openDatabase({ databaseUrl: first.database.url, dataDir: '', inMemory: false }) : first.database;
  if (secondDb !== first.database) t.teardown(() => secondDb.close());
  const second = await buildApp({ config: testConfig({ smtpUrl: smtp.url }), clock: first.clock, database: secondDb });
  t.teardown(() => second.close());

  await staffClient(first.app, 'supervisor', 'fgj');
  const [fgj] = await first.db.select({ id: agencies.id, code: agencies.code }).from(agencies).where(eq(agencies.slug, 'fgj'));
  await seedCases({ db: first.db, calendar: await first.ctx.calendar(first.db), agencies: [fgj!], count: 1000, receivedOn: () => '2026-01-05', timerKinds: ['answer_due'] });

  const [a, b] = await Promise.all([first.app.ogi.sweeper.runOnce(), second.ogi.sweeper.runOnce()]);
  t.equal(a.applied + b.applied, 1000, `both swept: ${a.applied} + ${b.applied}`);
  t.equal(a.failed + b.failed + a.ignored + b.ignored, 0);
  if (first.database.url) t.ok(a.applied > 0 && b.applied > 0, 'on PostgreSQL the two instances shared the work');

  const [overdue] = await first.db.select({ n: count() }).from(cases).where(eq(cases.state, 'overdue'));
  t.equal(overdue!.n, 1000);
  const perCase = await first.db
    .select({ caseId: caseEvents.caseId, n: count() })
    .from(caseEvents)
    .where(eq(caseEvents.type, 'DEADLINE_PASSED'))
    .groupBy(caseEvents.caseId)
    .having(sql`count(*) <> 1`);
  t.same(perCase, [], 'every case moved exactly once');
  const [leftover] = await first.db.select({ n: count() }).from(timers).where(eq(timers.status, 'pending'));
  t.equal(leftover!.n, 0);
  const [alerts] = await first.db.select({ n: count() }).from(outbox).where(eq(outbox.template, 'overdue_alert'));
  t.equal(alerts!.n, 1000);

  const [x, y] = await Promise.all([first.app.ogi.outbox.runOnce(), second.ogi.outbox.runOnce()]);
  t.equal(x.sent + y.sent, 1000);
  await smtp.waitFor(1000, 30_000);
  await new Promise((r) => setTimeout(r, 200));
  t.equal(smtp.messages.length, 1000, 'no alert twice');
  t.equal(new Set(smtp.messages.map((m) => m.subject)).size, 1000, 'one alert per case');
  const [sent] = await first.db
    .select({ n: count() })
    .from(outbox)
    .where(and(eq(outbox.template, 'overdue_alert'), eq(outbox.status, 'sent')));
  t.equal(sent!.n, 1000);
});

t.test(
  'what runs every minute reads pending timers and mail through their indexes, however many done ones the years leave, whatever plan PostgreSQL caches',
  { skip: TEST_DATABASE_URL ? false : 'PostgreSQL only: PGlite plans each statement anew' },
  async (t) => {
    // A prepared statement's generic plan, which PostgreSQL may cache after five runs, is the one that
    // used to miss the partial indexes: force it for every statement of this database.
    // One connection, so that its statistics can be flushed when asked.
    const database = await openTestDatabase(t, { poolSize: 1, settings: { plan_cache_mode: 'force_generic_plan' } });
    const { app, clock, db } = await testApp(t, { database });
    const clerk = await staffClient(app, 'clerk', 'fgj');
    const receipts = [];
    for (let i = 0; i < 3; i += 1) receipts.push((await api(app).post('/api/requests', application({ agency: 'fgj' }))).json().trackingNumber as string);
    // Years of finished work: timers done and mail sent, which the indexes of pending ones leave out.
    await db.execute(sql`insert into timers (case_id, kind, due_on, fire_at, status, created_at)
      select c.id, 'answer_due', c.due_on, now() - interval '1 year', 'done', now() from cases c, generate_series(1, 20000)`);
    await db.execute(sql`insert into outbox (dedupe_key, case_id, template, recipient, subject, text, html, status, next_attempt_at, created_at)
      select 'old-' || g, null, 'acknowledgment', 'someone@example.com', 's', '', '', 'sent', now() - interval '1 year', now() from generate_series(1, 6000) g`);
    await db.execute(sql`analyze timers; analyze outbox`);
    const scans = async () => {
      await db.execute(sql`select pg_stat_force_next_flush()`);
      const rows = rowsOf<{ relname: string; seq_scan: string; idx_scan: string }>(
        await db.execute(sql`select relname, seq_scan, coalesce(idx_scan, 0) as idx_scan from pg_stat_user_tables where relname in ('timers', 'outbox') order by relname`),
      );
      return Object.fromEntries(rows.map((r) => [r.relname, { seq: Number(r.seq_scan), idx: Number(r.idx_scan) }]));
    };
    const before = await scans();

    const asked = await clerk.post(`/api/cases/${receipts[0]}/events`, { type: 'REQUEST_CORRECTION', items: ['写明文件名称'], dueInWorkingDays: 5 });
    t.equal(asked.statusCode, 200, 'an event on a case (its pending timers read and replaced)');
    t.equal((await app.ogi.outbox.runOnce()).sent, 4, 'the mail worker (three acknowledgments, one correction notice)');
    clock.set('2026-04-20T02:00:00Z');
    t.ok((await app.ogi.sweeper.runOnce()).applied > 0, 'the sweeper, with timers due');

    const after = await scans();
    t.equal(after.timers!.seq - before.timers!.seq, 0, 'no timer read by a scan of them all');
    t.equal(after.outbox!.seq - before.outbox!.seq, 0, 'no mail read by a scan of them all');
    t.ok(after.timers!.idx > before.timers!.idx && after.outbox!.idx > before.outbox!.idx, 'both read through their indexes');
  },
);

t.test('each reminder goes out once per case, whatever events, sweeps and instances come after it', async (t) => {
  const { app, clock, db, database } = await testApp(t); // Monday 2026-03-02: due 2026-03-30, reminders on 03-23 and 03-27
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const { trackingNumber } = (await api(app).post('/api/requests', application())).json();
  const reminders = async () =>
    (
      await db
        .select({ n: count() })
        .from(outbox)
        .innerJoin(cases, eq(cases.id, outbox.caseId))
        .where(and(eq(cases.trackingNumber, trackingNumber), eq(outbox.template, 'reminder')))
    )[0]!.n;
  const entries = async () =>
    (
      await db
        .select({ n: count() })
        .from(caseEvents)
        .innerJoin(cases, eq(cases.id, caseEvents.caseId))
        .where(and(eq(cases.trackingNumber, trackingNumber), eq(caseEvents.type, 'REMINDER')))
    )[0]!.n;

  clock.set('2026-03-23T02:00:00Z'); // 10:00, after the 5-day reminder's 08:00
  t.same(await app.ogi.sweeper.runOnce(), { applied: 1, ignored: 0, failed: 0 });
  t.equal(await reminders(), 1);
  // Events after the reminder re-derive the timers of the same deadline (it was made again and sent
  // once more after every one of them: four mails within seconds).
  for (const event of [
    { type: 'ASSIGN', assignee: clerk.email },
    { type: 'REQUEST_REASONS', matter: '您本月已申请60件', replyWithinWorkingDays: 3 },
    { type: 'ASSIGN', assignee: clerk.email },
  ]) {
    t.equal((await clerk.post(`/api/cases/${trackingNumber}/events`, event)).statusCode, 200, event.type);
    await app.ogi.sweeper.runOnce();
  }
  // A second instance on the same database, and a restart of this one, sweep too.
  const otherDb = database.url ? await openDatabase({ databaseUrl: database.url, dataDir: '', inMemory: false }) : database;
  if (otherDb !== database) t.teardown(() => otherDb.close());
  const other = await buildApp({ config: testConfig(), clock, database: otherDb });
  t.teardown(() => other.close());
  await other.ogi.sweeper.runOnce();
  t.equal(await reminders(), 1, 'one 5-day reminder mail');
  t.equal(await entries(), 1, 'one reminder in the timeline');
  clock.set('2026-03-27T02:00:00Z');
  await app.ogi.sweeper.runOnce();
  await other.ogi.sweeper.runOnce();
  t.equal(await reminders(), 2, 'and one 1-day reminder');
});
