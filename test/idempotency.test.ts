// An API client that lost the answer to an application (a timeout, a 503 while the database went
// away after the commit) sends it again with the same Idempotency-Key and learns it was filed, instead
// of filing it twice.
import { count, eq } from 'drizzle-orm';
import t from 'tap';
import { cases, outbox } from '../src/db/schema.js';
import { testApp } from './helpers/test-app.js';
import { application, multipartBody, PDF, PNG } from './helpers/factories.js';

t.test('POST /api/requests with an Idempotency-Key', async (t) => {
  const { app, db } = await testApp(t);
  const send = (payload: unknown, key?: string) =>
    app.inject({ method: 'POST', url: '/api/requests', payload: payload as object, headers: key === undefined ? {} : { 'idempotency-key': key } });
  const stored = async () => (await db.select({ n: count() }).from(cases))[0]!.n;

  await t.test('the same application sent again with the same key is not filed twice', async (t) => {
    const before = await stored();
    const payload = application({ applicant: { email: 'retry@example.com' } });
    const first = await send(payload, 'a1b2c3-retry');
    t.equal(first.statusCode, 201);
    const { trackingNumber } = first.json() as { trackingNumber: string };
    const again = await send(payload, 'a1b2c3-retry');
    t.equal(again.statusCode, 409);
    t.same(again.json(), {
      error: 'request.duplicate',
      message: `这份申请已经提交过，申请编号为 ${trackingNumber}，无需重复提交；查询码见第一次提交的回执或确认邮件`,
      trackingNumber,
    });
    t.notMatch(again.body, /accessCode/, 'the access code is not given out again');
    t.equal(await stored(), before + 1, 'one case');
    const mails = await db.select({ id: outbox.id }).from(outbox).where(eq(outbox.recipient, 'retry@example.com'));
    t.equal(mails.length, 1, 'one acknowledgment');
  });

  await t.test('sent at the same moment, one is filed and the others are told its number', async (t) => {
    const before = await stored();
    const payload = application({ applicant: { email: 'together@example.com' } });
    const answers = await Promise.all(Array.from({ length: 5 }, () => send(payload, 'same-moment')));
    const filed = answers.filter((r) => r.statusCode === 201);
    t.equal(filed.length, 1, 'one 201');
    const { trackingNumber } = filed[0]!.json() as { trackingNumber: string };
    t.same(
      answers.filter((r) => r.statusCode !== 201).map((r) => [r.statusCode, r.json().trackingNumber]),
      Array(4).fill([409, trackingNumber]),
      'four 409 naming it',
    );
    t.equal(await stored(), before + 1);
  });

  await t.test('another application under the same key is filed: the key is bound to what was sent', async (t) => {
    const first = await send(application({ applicant: { email: 'one@example.com' } }), 'shared-key');
    const second = await send(application({ applicant: { email: 'two@example.com' } }), 'shared-key');
    t.equal(first.statusCode, 201);
    t.equal(second.statusCode, 201);
    t.not(second.json().trackingNumber, first.json().trackingNumber);
  });

  await t.test('with attachments, the key is bound to the files as well', async (t) => {
    const fields = application({ applicant: { email: 'files@example.com' } });
    const sendForm = (files: Parameters<typeof multipartBody>[1]) => {
      const form = multipartBody(fields, files);
      return app.inject({ method: 'POST', url: '/api/requests', payload: form.payload, headers: { ...form.headers, 'idempotency-key': 'with-files' } });
    };
    const first = await sendForm([{ filename: '说明.pdf', content: PDF, type: 'application/pdf' }]);
    t.equal(first.statusCode, 201, first.body);
    const again = await sendForm([{ filename: '说明.pdf', content: PDF, type: 'application/pdf' }]);
    t.equal(again.statusCode, 409, 'the same fields and files again');
    t.equal(again.json().trackingNumber, first.json().trackingNumber);
    const otherFile = await sendForm([{ filename: '说明.png', content: PNG, type: 'image/png' }]);
    t.equal(otherFile.statusCode, 201, 'the same fields with another file are another application');
    t.not(otherFile.json().trackingNumber, first.json().trackingNumber);
  });

  await t.test('the identity number is not part of what the key is bound to (it is not kept where a guess could be confirmed)', async (t) => {
    const passport = (idNumber: string) => application({ applicant: { email: 'passport@example.com', idType: 'passport', idNumber } });
    const first = await send(passport('E12345678'), 'number-key');
    t.equal(first.statusCode, 201);
    const again = await send(passport('E87654321'), 'number-key');
    t.equal(again.statusCode, 409, 'the same application under the same key, whatever its number');
    t.equal(again.json().trackingNumber, first.json().trackingNumber);
  });

  await t.test('without a key, every application sent is filed, as before', async (t) => {
    const before = await stored();
    const payload = application({ applicant: { email: 'twice@example.com' } });
    t.equal((await send(payload)).statusCode, 201);
    t.equal((await send(payload)).statusCode, 201);
    t.equal(await stored(), before + 2);
  });

  await t.test('a key that is not 1 to 200 visible ASCII characters is refused, and nothing is filed', async (t) => {
    const before = await stored();
    for (const key of ['x'.repeat(201), '申请一', 'has space']) {
      const res = await send(application(), key);
      t.equal(res.statusCode, 400, JSON.stringify(key).slice(0, 20));
      t.match(res.json(), { error: 'validation.failed', fields: { 'Idempotency-Key': 'Idempotency-Key 应为 1 至 200 个可见 ASCII 字符' } });
    }
    t.equal(await stored(), before);
  });

  await t.test("a bad key is reported together with the application's own mistakes", async (t) => {
    const res = await send(application({ applicant: { email: 'not-an-address' } }), 'has space');
    t.equal(res.statusCode, 400);
    const { fields } = res.json() as { fields: Record<string, string> };
    t.equal(fields['Idempotency-Key'], 'Idempotency-Key 应为 1 至 200 个可见 ASCII 字符');
    t.ok(fields['applicant.email'], 'the e-mail address is reported as well');
  });
});
