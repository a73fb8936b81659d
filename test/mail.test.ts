import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import t from 'tap';
import { outbox } from '../src/db/schema.js';
import { ADMIN, api, logCapture, staffClient, testApp } from './helpers/test-app.js';
import { application } from './helpers/factories.js';
import { pageText, signIn, webClient } from './helpers/web.js';
import { smtpPeer } from './helpers/smtp.js';

t.test('mail through a real SMTP peer', async (t) => {
  const smtp = await smtpPeer();
  t.teardown(() => smtp.stop());
  const { lines, stream: logStream } = logCapture();
  const { app, clock, db } = await testApp(t, { config: { smtpUrl: smtp.url, logLevel: 'warn' }, logStream });
  const anon = api(app);

  await t.test('the acknowledgment arrives with the tracking number, access code and a Chinese subject', async (t) => {
    const receipt = (await anon.post('/api/requests', application({ applicant: { name: '王小明', email: 'wang@example.com' } }))).json();
    t.same(await app.ogi.outbox.runOnce(), { sent: 1, retried: 0, failed: 0 });
    await smtp.waitFor(1);
    const mail = smtp.messages[0]!;
    t.equal(mail.subject, `【政府信息公开】您的申请已收到（${receipt.trackingNumber}）`);
    t.equal(mail.to && 'text' in mail.to ? mail.to.text : '', 'wang@example.com');
    t.match(mail.text, /王小明：/);
    t.match(mail.text, new RegExp(`申请编号：${receipt.trackingNumber}`));
    t.match(mail.text, new RegExp(`查询码：${receipt.accessCode}`));
    t.match(mail.text, /答复期限：2026年3月30日前/);
    t.match(mail.text, /政府信息公开申请接收回执/, 'the receipt letter is in the mail');
    t.ok(mail.text!.includes(`http://ogi.test/track?trackingNumber=${receipt.trackingNumber}&accessCode=${receipt.accessCode}`), 'the tracking link opens the request directly');
    t.match(mail.messageId, /^<outbox-\d+@ogi\.test>$/);
    const stored = await db.select().from(outbox).where(eq(outbox.recipient, 'wang@example.com'));
    t.match(stored, [{ status: 'sent', subject: mail.subject, text: '', html: '' }], 'once sent, the outbox keeps to whom and what about, not the text');
    t.notOk(JSON.stringify(await db.select().from(outbox)).includes(receipt.accessCode), 'the access code is nowhere in the outbox');
    t.same(await app.ogi.outbox.runOnce(), { sent: 0, retried: 0, failed: 0 }, 'nothing is sent twice');
  });

  await t.test('with the SMTP peer down submissions still succeed; once it is up every mail arrives exactly once', async (t) => {
    const before = smtp.messages.length;
    await smtp.stop();
    const receipts = [];
    for (let i = 0; i < 5; i += 1) {
      const res = await anon.post('/api/requests', application({ applicant: { email: `applicant${i}@example.com` } }));
      t.equal(res.statusCode, 201, 'accepted while mail is down');
      receipts.push(res.json().trackingNumber as string);
    }
    const down = await app.ogi.outbox.runOnce();
    t.same(down, { sent: 0, retried: 5, failed: 0 });
    const pending = await db.select().from(outbox).where(eq(outbox.status, 'pending'));
    t.equal(pending.length, 5);
    t.ok(
      pending.every((m) => m.attempts === 1 && m.lastError && m.nextAttemptAt > clock.now()),
      'each waits for its retry, with the error kept',
    );
    // Issue 33 item 6: trouble shows at the first failed attempt, not after the last.
    const adminWeb = await signIn(app, ADMIN.email, ADMIN.password);
    t.match(pageText((await adminWeb.get('/admin')).body), /有邮件没有发出 5 封邮件发送出错，正在等待重试。/, 'the administration home says so at once');
    t.match((await adminWeb.get('/admin/outbox')).body, /<a href="\/admin\/outbox\?status=pending" aria-current="page">待发送/, 'the outbox opens on the tab that has something');
    // The applicant is told the receipt *will* be sent while the mail server has not taken it.
    const citizen = webClient(app);
    const form = await citizen.get('/apply/fgj');
    const formToken = /name="formToken" value="([^"]+)"/.exec(form.body)![1];
    t.equal((await citizen.postMultipart('/apply', { ...application({ applicant: { email: 'later@example.com' } }), formToken }, [])).statusCode, 303);
    const done = pageText((await citizen.get('/apply/done')).body);
    t.match(done, /回执将发送至 later@example\.com/);
    t.notMatch(done, /回执已发送/, 'not "sent" before the server accepted it');
    receipts.push(/申请编号\s*(FGJ-2026-\d{5})/.exec(done)![1]!);

    await smtp.start();
    t.same(await app.ogi.outbox.runOnce(), { sent: 1, retried: 0, failed: 0 }, 'the ones that failed not before the backoff delay (the one filed since goes)');
    clock.set(new Date(clock.now().getTime() + 2 * 60_000));
    t.same(await app.ogi.outbox.runOnce(), { sent: 5, retried: 0, failed: 0 });
    await smtp.waitFor(before + 6);
    t.same(await app.ogi.outbox.runOnce(), { sent: 0, retried: 0, failed: 0 });
    await new Promise((r) => setTimeout(r, 200));
    const arrived = smtp.messages.slice(before).map((m) => m.subject!.match(/（(.+)）/)![1]);
    t.same([...arrived].sort(), [...receipts].sort(), 'every mail arrived exactly once');
  });

  await t.test('after the last attempt a mail is marked failed with its error, and an administrator can retry it', async (t) => {
    await smtp.stop();
    await anon.post('/api/requests', application({ applicant: { email: 'late@example.com' } }));
    for (let attempt = 0; attempt < 8; attempt += 1) {
      await app.ogi.outbox.runOnce();
      clock.set(new Date(clock.now().getTime() + 7 * 60 * 60_000));
    }
    const [failed] = await db.select().from(outbox).where(eq(outbox.recipient, 'late@example.com'));
    t.match(failed, { status: 'failed', attempts: 8, lastError: /ECONNREFUSED|connect/ });
    const admin = await staffClient(app, 'admin');
    const listed = (await admin.get('/api/admin/outbox?status=failed')).json();
    t.ok(
      listed.items.some((m: { id: number }) => m.id === failed!.id),
      'administrators see failed mail',
    );
    await smtp.start();
    const retried = await admin.post(`/api/admin/outbox/${failed!.id}/retry`);
    t.equal(retried.statusCode, 200);
    t.same(await app.ogi.outbox.runOnce(), { sent: 1, retried: 0, failed: 0 });
    await smtp.waitFor(1);
  });

  await t.test('a mail being sent cannot be sent again by an administrator meanwhile', async (t) => {
    const admin = await staffClient(app, 'admin');
    await anon.post('/api/requests', application({ applicant: { email: 'slow@example.com' } }));
    const [queued] = await db.select().from(outbox).where(eq(outbox.recipient, 'slow@example.com'));
    const before = smtp.messages.length;
    const release = smtp.hold(); // a slow mail server: the message is in, the answer not yet
    const sending = app.ogi.outbox.runOnce();
    await smtp.waitFor(before + 1);
    const retried = await admin.post(`/api/admin/outbox/${queued!.id}/retry`);
    t.equal(retried.statusCode, 404, 'retry refused while it is being sent');
    t.match(retried.json(), { error: 'outbox.not_found', message: /正在发送/ });
    const meanwhile = app.ogi.outbox.runOnce(); // another instance's worker
    release();
    t.same(await sending, { sent: 1, retried: 0, failed: 0 });
    t.same(await meanwhile, { sent: 0, retried: 0, failed: 0 });
    await new Promise((r) => setTimeout(r, 200));
    t.equal(smtp.messages.filter((m) => m.to && 'text' in m.to && m.to.text === 'slow@example.com').length, 1, 'it arrives once');
  });

  await t.test('a worker held up by a slow mail server hands back what it has not started, so no mail is sent twice', async (t) => {
    const to = ['slow1@example.com', 'slow2@example.com', 'slow3@example.com'];
    for (const email of to) await anon.post('/api/requests', application({ applicant: { email } }));
    const before = smtp.messages.length;
    const start = clock.now().getTime();
    const first = smtp.hold();
    const a = app.ogi.outbox.runOnce(); // leases the three for five minutes
    await smtp.waitFor(before + 1);
    clock.set(new Date(start + 4 * 60_000)); // the first took four minutes
    const second = smtp.hold(); // and the server stays slow
    first();
    await Promise.race([a, smtp.waitFor(before + 2)]);
    clock.set(new Date(start + 6 * 60_000)); // the lease has run out: another instance's worker looks
    const b = app.ogi.outbox.runOnce();
    await Promise.race([b, smtp.waitFor(before + 2)]);
    second();
    const [ra, rb] = await Promise.all([a, b]);
    t.equal(ra.sent + rb.sent, 3, 'three mails sent in all');
    t.same(await app.ogi.outbox.runOnce(), { sent: 0, retried: 0, failed: 0 }, 'none left');
    await new Promise((r) => setTimeout(r, 200));
    const arrived = smtp.messages.slice(before).map((m) => (m.to && 'text' in m.to ? m.to.text : ''));
    t.same([...arrived].sort(), to, 'each arrived once');
    const rows = await db.select().from(outbox).where(inArray(outbox.recipient, to));
    t.ok(
      rows.every((r) => r.status === 'sent' && r.attempts === 1),
      'each counted as one attempt',
    );
  });

  await t.test('a worker held up past its lease whose send then fails does not free a mail another worker has taken since', async (t) => {
    const to = 'stalled@example.com';
    await anon.post('/api/requests', application({ applicant: { email: to } }));
    const before = smtp.messages.length;
    const start = clock.now().getTime();
    const first = smtp.hold();
    const a = app.ogi.outbox.runOnce(); // leases it for five minutes, and is held up
    await smtp.waitFor(before + 1);
    clock.set(new Date(start + 6 * 60_000)); // the lease has run out: another instance's worker takes it
    const second = smtp.hold();
    const b = app.ogi.outbox.runOnce();
    await smtp.waitFor(before + 2);
    first('refuse'); // the first worker's send fails at last
    t.same(await a, { sent: 0, retried: 1, failed: 0 });
    clock.set(new Date(start + 9 * 60_000)); // past the first worker's retry delay, within the second's lease
    const c = app.ogi.outbox.runOnce(); // a third worker
    await Promise.race([c, smtp.waitFor(before + 2)]);
    second();
    t.same(await b, { sent: 1, retried: 0, failed: 0 });
    t.same(await c, { sent: 0, retried: 0, failed: 0 }, 'the third worker finds nothing to send');
    await new Promise((r) => setTimeout(r, 200));
    t.equal(smtp.messages.filter((m) => m.to && 'text' in m.to && m.to.text === to).length, 1, 'it arrives once');
    const [row] = await db.select().from(outbox).where(eq(outbox.recipient, to));
    t.match(row, { status: 'sent', lastError: null });
    t.same(
      lines
        .map((l) => JSON.parse(l) as { msg?: string; outboxId?: number })
        .filter((l) => l.outboxId === row!.id)
        .map((l) => l.msg),
      ['mail not delivered; its lease ran out meanwhile, the worker holding it now decides'],
      'the log says the failure was left to the worker holding the mail, not that it will be retried',
    );
  });
});

t.test('with the scheduler running, mail goes out as soon as what queued it is committed, not at the next sweep', async (t) => {
  const smtp = await smtpPeer();
  t.teardown(() => smtp.stop());
  const { app, db } = await testApp(t, { config: { smtpUrl: smtp.url, schedulerIntervalMs: 24 * 60 * 60 * 1000 } });
  app.ogi.scheduler.start(); // its first run finds nothing to send; the next would be a day later
  const anon = api(app);
  const to = (m: (typeof smtp.messages)[number]) => (m.to && 'text' in m.to ? m.to.text : '');

  const receipt = (await anon.post('/api/requests', application({ applicant: { email: 'prompt@example.com' } }))).json();
  await smtp.waitFor(1);
  t.equal(smtp.messages[0]!.subject, `【政府信息公开】您的申请已收到（${receipt.trackingNumber}）`, 'the acknowledgment');

  const head = await staffClient(app, 'supervisor', 'fgj');
  const answered = await head.post(`/api/cases/${receipt.trackingNumber}/events`, { type: 'ANSWER', disposition: 'disclosed', text: '现向您提供该政府信息全文。' });
  t.equal(answered.statusCode, 200);
  await smtp.waitFor(2);
  t.equal(to(smtp.messages[1]!), 'prompt@example.com', 'the answer, from a clerk’s action');

  const together = await Promise.all([1, 2, 3, 4, 5].map((i) => anon.post('/api/requests', application({ applicant: { email: `group${i}@example.com` } }))));
  t.ok(together.every((r) => r.statusCode === 201));
  await smtp.waitFor(7);
  t.same(
    smtp.messages.slice(2).map(to).sort(),
    [1, 2, 3, 4, 5].map((i) => `group${i}@example.com`),
    'applications filed together',
  );

  // A mail server that was down: the administrator's 重新发送 goes out at once too.
  await smtp.stop();
  await anon.post('/api/requests', application({ applicant: { email: 'down@example.com' } }));
  let queued;
  for (let i = 0; i < 500 && !queued?.lastError; i += 1) {
    await new Promise((r) => setTimeout(r, 20));
    [queued] = await db.select().from(outbox).where(eq(outbox.recipient, 'down@example.com'));
  }
  t.match(queued, { status: 'pending', attempts: 1, lastError: /ECONNREFUSED|connect/ }, 'tried at once, waiting for its retry');
  await smtp.start();
  const admin = await staffClient(app, 'admin');
  t.equal((await admin.post(`/api/admin/outbox/${queued!.id}/retry`)).statusCode, 200);
  await smtp.waitFor(8);
  t.equal(to(smtp.messages[7]!), 'down@example.com');
  await new Promise((r) => setTimeout(r, 200));
  t.equal(smtp.messages.length, 8, 'each mail once');
});

t.test('without SMTP_URL each mail is a complete .eml file under DATA_DIR/mail', async (t) => {
  const dataDir = t.testdir({});
  const { app, db } = await testApp(t, { config: { dataDir } });
  const receipt = (await api(app).post('/api/requests', application({ applicant: { name: '李文', email: 'li@example.com' } }))).json();
  t.same(await app.ogi.outbox.runOnce(), { sent: 1, retried: 0, failed: 0 });
  const [row] = await db.select().from(outbox).where(eq(outbox.recipient, 'li@example.com'));
  const dir = path.join(dataDir, 'mail');
  t.same(readdirSync(dir), [`${String(row!.id).padStart(8, '0')}.eml`], 'one file, named by the outbox row, nothing half-written beside it');
  const mail = await simpleParser(readFileSync(path.join(dir, readdirSync(dir)[0]!)));
  t.equal(mail.subject, `【政府信息公开】您的申请已收到（${receipt.trackingNumber}）`);
  t.equal(mail.to && 'text' in mail.to ? mail.to.text : '', 'li@example.com');
  t.match(mail.text, new RegExp(`查询码：${receipt.accessCode}`));
  t.match(row, { status: 'sent', text: '', html: '' });
  t.same(await app.ogi.outbox.runOnce(), { sent: 0, retried: 0, failed: 0 }, 'written once');
});
