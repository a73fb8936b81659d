import { and, count, eq, sql } from 'drizzle-orm';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { openDatabase } from '../src/db/client.js';
import { agencies, caseEvents, cases, outbox, timers } from '../src/db/schema.js';
import { api, staffClient, testApp, testConfig } from './helpers/app.js';
import { application } from './helpers/factories.js';
import { seedCases } from './helpers/seed.js';
import { smtpPeer } from './helpers/smtp.js';

t.test('one sweep past the due date: overdue, one alert; a second sweep changes nothing', async (t) => {
  const smtp = await smtpPeer();
  t.teardown(() => smtp.stop());
  const { app, clock, db } = await testApp(t, { config: { smtpUrl: smtp.url } });
  const supervisor = await staffClient(app, 'supervisor', 'fgj');
  const { trackingNumber } = (await api(app).post('/api/requests', application({ delivery: 'online', applicant: { email: null } }))).json();
  t.equal(await app.ogi.outbox.runOnce().then((r) => r.sent), 0, 'no applicant mail without an address');

  clock.set('2026-03-30T15:59:59Z'); // 23:59:59 on the due date in Shanghai
  t.same(await app.ogi.sweeper.runOnce(), { applied: 2, ignored: 0, failed: 0 }, 'only the reminders so far');
  t.equal((await supervisor.get(`/api/cases/${trackingNumber}`)).json().state, 'received');
  t.same(await app.ogi.outbox.runOnce(), { sent: 2, retried: 0, failed: 0 }, 'two reminders to the supervisor (nobody assigned)');
  await smtp.waitFor(2);
  t.same(smtp.messages.map((m) => m.subject), [`【办理提醒】申请 ${trackingNumber} 即将到期`, `【办理提醒】申请 ${trackingNumber} 即将到期`]);
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
  const [sent] = await first.db.select({ n: count() }).from(outbox).where(and(eq(outbox.template, 'overdue_alert'), eq(outbox.status, 'sent')));
  t.equal(sent!.n, 1000);
});
