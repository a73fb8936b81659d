import { count, eq, sql } from 'drizzle-orm';
import t from 'tap';
import { caseEvents, cases, letters, outbox, timers } from '../src/db/schema.js';
import { api, testApp } from './helpers/test-app.js';
import { application, PNG } from './helpers/factories.js';
import { webClient } from './helpers/web.js';

// Submissions that arrive together are written together (src/db/group-commit.ts); what each
// applicant gets must be the same as if each had come alone.

t.test('200 concurrent submissions get 200 distinct tracking numbers and 200 whole cases', async (t) => {
  const { app, db } = await testApp(t);
  const anon = api(app);
  const agencies = ['fgj', 'czj', 'mzj', 'fgj'];
  const responses = await Promise.all(
    Array.from({ length: 200 }, (_, i) => anon.post('/api/requests', application({ agency: agencies[i % agencies.length], applicant: { email: `a${i}@example.com` } }))),
  );
  t.same([...new Set(responses.map((r) => r.statusCode))], [201]);
  const receipts = responses.map((r) => r.json() as { trackingNumber: string; accessCode: string; agency: string });
  const numbers = receipts.map((r) => r.trackingNumber);
  t.equal(new Set(numbers).size, 200, 'all tracking numbers distinct');
  const fgj = numbers.filter((n) => n.startsWith('FGJ-')).sort();
  t.same(
    fgj,
    Array.from({ length: 100 }, (_, i) => `FGJ-2026-${String(i + 1).padStart(5, '0')}`),
    'each agency numbers without gaps',
  );
  t.ok(
    receipts.every((r, i) => r.agency === agencies[i % agencies.length] && r.trackingNumber.startsWith(`${r.agency.toUpperCase()}-`)),
    'each receipt names the agency applied to',
  );

  const [stored] = await db.select({ n: count() }).from(cases);
  t.equal(stored!.n, 200);
  const [entries] = await db.select({ n: count() }).from(caseEvents);
  const [pending] = await db.select({ n: count() }).from(timers).where(eq(timers.status, 'pending'));
  const receiptLetters = await db.select({ documentNumber: letters.documentNumber }).from(letters).where(eq(letters.kind, 'receipt'));
  const mails = await db.select({ recipient: outbox.recipient, text: outbox.text }).from(outbox).where(eq(outbox.template, 'acknowledgment'));
  t.equal(entries!.n, 200, 'one timeline entry each');
  t.equal(pending!.n, 600, 'three statutory timers each');
  t.equal(receiptLetters.length, 200, 'one receipt letter each');
  t.equal(new Set(receiptLetters.map((l) => l.documentNumber)).size, 200, 'letter numbers distinct');
  t.equal(new Set(mails.map((m) => m.recipient)).size, 200, 'one acknowledgment to each applicant');

  // Each applicant's mail and lookup carry their own case, not a neighbour's from the same group:
  // the acknowledgment names the case, its access code and the receipt letter stored for it.
  const letterOf = new Map(
    (
      await db
        .select({ trackingNumber: cases.trackingNumber, documentNumber: letters.documentNumber })
        .from(letters)
        .innerJoin(cases, eq(cases.id, letters.caseId))
        .where(eq(letters.kind, 'receipt'))
    ).map((l) => [l.trackingNumber, l.documentNumber]),
  );
  for (const [i, r] of receipts.entries()) {
    const mail = mails.find((m) => m.recipient === `a${i}@example.com`);
    if (!mail?.text.includes(r.trackingNumber) || !mail.text.includes(r.accessCode) || !mail.text.includes(letterOf.get(r.trackingNumber)!)) {
      t.fail(`the acknowledgment to a${i} names ${r.trackingNumber} with its access code and receipt letter`);
      return;
    }
  }
  const lookups = await Promise.all(receipts.map((r) => anon.get(`/api/requests/${r.trackingNumber}?accessCode=${r.accessCode}`)));
  t.same([...new Set(lookups.map((l) => l.statusCode))], [200], 'every receipt opens its request');
});

t.test('one form sent twice among others at the same moment: one case for it, the others all filed', async (t) => {
  const { app, db } = await testApp(t);
  const citizens = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const web = webClient(app);
      const form = await web.get('/apply/czj');
      const formToken = /name="formToken" value="([^"]+)"/.exec(form.body)![1]!;
      return { web, fields: { ...application({ agency: 'czj', applicant: { email: `c${i}@example.com` } }), formToken } };
    }),
  );
  const send = (c: (typeof citizens)[number]) => c.web.postMultipart('/apply', c.fields, [{ filename: '身份证.png', content: PNG }]);
  const responses = await Promise.all([send(citizens[0]!), ...citizens.map(send)]);
  t.same([...new Set(responses.map((r) => r.statusCode))], [303]);
  const already = responses.filter((r) => r.cookies.some((c) => c.name === 'ogi_already'));
  t.equal(already.length, 1, 'the second copy is told the form was already sent');
  const [stored] = await db.select({ n: count() }).from(cases);
  t.equal(stored!.n, 20, 'twenty forms, twenty cases');
  const [firstCopy] = await db
    .select({ trackingNumber: cases.trackingNumber })
    .from(cases)
    .where(sql`${cases.applicant}->>'email' = 'c0@example.com'`);
  t.equal(already[0]!.cookies.find((c) => c.name === 'ogi_already')!.value, firstCopy!.trackingNumber, 'and given the first copy’s tracking number');
});

t.test('an application to no such agency among others at the same moment: refused alone, the others filed', async (t) => {
  const { app, db } = await testApp(t);
  const anon = api(app);
  const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => anon.post('/api/requests', application({ agency: i === 7 ? 'nosuch' : 'mzj' }))));
  t.equal(responses[7]!.statusCode, 400);
  t.match(responses[7]!.json(), { error: 'validation.failed', fields: { agency: '请选择受理申请的机关' } });
  t.same([...new Set(responses.filter((_, i) => i !== 7).map((r) => r.statusCode))], [201]);
  const [stored] = await db.select({ n: count() }).from(cases);
  t.equal(stored!.n, 19);
});

t.test('a statement failing late in a filing leaves nothing of that application, and its neighbours are filed', async (t) => {
  const { app, db } = await testApp(t);
  // The database refuses the acknowledgment to one address: the last rows a filing writes, sent
  // together with its receipt letter, after its case, timeline entry and timers.
  await db.execute(
    sql.raw(
      `create function ogi_test_refuse() returns trigger language plpgsql as $$ begin if new.recipient = 'refuse@example.com' then raise exception 'refused by the test'; end if; return new; end $$`,
    ),
  );
  await db.execute(sql.raw(`create trigger ogi_test_refuse before insert on outbox for each row execute function ogi_test_refuse()`));
  const anon = api(app);
  const responses = await Promise.all(
    Array.from({ length: 10 }, (_, i) => anon.post('/api/requests', application({ agency: 'czj', applicant: { email: i === 4 ? 'refuse@example.com' : `n${i}@example.com` } }))),
  );
  t.equal(responses[4]!.statusCode, 500, 'the refused one is told it failed');
  t.same(responses[4]!.json(), { error: 'internal', message: '服务器内部错误，请稍后再试' }, 'and gets no tracking number');
  t.same([...new Set(responses.filter((_, i) => i !== 4).map((r) => r.statusCode))], [201], 'the others are filed');
  const counts = async () => Promise.all([cases, caseEvents, timers, letters, outbox].map(async (table) => Number((await db.select({ n: count() }).from(table))[0]!.n)));
  t.same(await counts(), [9, 9, 27, 9, 9], 'cases, timeline entries, timers, letters and mails of the nine only');
  const [left] = await db
    .select({ n: count() })
    .from(cases)
    .where(sql`${cases.applicant}->>'email' = 'refuse@example.com'`);
  t.equal(left!.n, 0, 'nothing of the refused application');
});
