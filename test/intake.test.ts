import { count } from 'drizzle-orm';
import t from 'tap';
import { attachments, caseEvents, cases, timers } from '../src/db/schema.js';
import { api, staffClient, testApp } from './helpers/test-app.js';
import { application, EXE, multipartBody, organizationApplication, PDF, PNG } from './helpers/factories.js';

t.test('intake (art. 29, 31)', async (t) => {
  const { app, clock, db } = await testApp(t);
  const anon = api(app);
  const stored = async () => {
    const [c] = await db.select({ n: count() }).from(cases);
    const [a] = await db.select({ n: count() }).from(attachments);
    const [e] = await db.select({ n: count() }).from(caseEvents);
    const [tm] = await db.select({ n: count() }).from(timers);
    return { cases: c!.n, attachments: a!.n, events: e!.n, timers: tm!.n };
  };

  await t.test('a valid JSON application is received with a tracking number, an access code and a due date', async (t) => {
    const res = await anon.post('/api/requests', application());
    t.equal(res.statusCode, 201);
    const body = res.json();
    t.match(body, { trackingNumber: /^FGJ-2026-\d{5}$/, accessCode: /^[A-Z2-9]{8}$/, state: 'received', receivedOn: '2026-03-02', dueOn: '2026-03-30' });

    const lookup = await anon.get(`/api/requests/${body.trackingNumber}?accessCode=${body.accessCode}`);
    t.equal(lookup.statusCode, 200);
    t.match(lookup.json(), { trackingNumber: body.trackingNumber, state: 'received', receivedOn: '2026-03-02', dueOn: '2026-03-30', letters: [] });
    t.match(lookup.json().timeline, [{ type: 'SUBMITTED', on: '2026-03-02' }]);
    t.equal(lookup.body.includes('11010519491231002X'), false, 'the ID number is not shown to whoever holds the code');

    const lowercase = await anon.get(`/api/requests/${body.trackingNumber.toLowerCase()}?accessCode=${body.accessCode.toLowerCase()}`);
    t.equal(lowercase.statusCode, 200, 'number and code are not case sensitive');
  });

  await t.test('unknown number and wrong code give the same 404', async (t) => {
    const { trackingNumber, accessCode } = (await anon.post('/api/requests', application())).json();
    const wrongCode = await anon.get(`/api/requests/${trackingNumber}?accessCode=${accessCode === 'AAAAAAAA' ? 'BBBBBBBB' : 'AAAAAAAA'}`);
    const unknown = await anon.get(`/api/requests/FGJ-2026-99999?accessCode=${accessCode}`);
    const noCode = await anon.get(`/api/requests/${trackingNumber}`);
    t.equal(wrongCode.statusCode, 404);
    t.same(wrongCode.json(), unknown.json());
    t.same(noCode.json(), unknown.json());
    t.equal(unknown.json().error, 'requests.not_found');
  });

  await t.test('an application arriving on a Saturday is received on Monday (art. 31)', async (t) => {
    clock.set('2026-02-28T12:00:00Z'); // Saturday 28 Feb 2026 is a make-up working day
    t.match((await anon.post('/api/requests', application())).json(), { receivedOn: '2026-02-28' });
    clock.set('2026-03-07T12:00:00Z'); // an ordinary Saturday
    const saturday = (await anon.post('/api/requests', application())).json();
    t.match(saturday, { receivedOn: '2026-03-09', dueOn: '2026-04-07' });
    // The receipt, issued on the Saturday, does not say the agency "received" it on the Monday to come.
    const receiptText = async (r: { trackingNumber: string; accessCode: string }) =>
      (await anon.get(`/api/requests/${r.trackingNumber}?accessCode=${r.accessCode}`)).json().letters.find((l: { kind: string }) => l.kind === 'receipt').text as string;
    const text = await receiptText(saturday);
    t.match(text, '您的政府信息公开申请已于2026年3月7日送达本机关');
    t.match(text, '该日不是工作日，根据《中华人民共和国政府信息公开条例》第三十一条的规定，本机关收到申请之日为其后的第一个工作日，即2026年3月9日');
    t.notMatch(text, '本机关已于');
    // The same holds for an application another agency transfers on a Saturday (art. 36(5)).
    const head = await staffClient(app, 'supervisor', 'fgj');
    const transferred = await head.post(`/api/cases/${saturday.trackingNumber}/events`, { type: 'TRANSFER', agency: 'mzj' });
    const to = transferred.json().events.at(-1).payload.to as string;
    const arrived = await receiptText({ trackingNumber: to, accessCode: saturday.accessCode });
    t.match(arrived, '您的政府信息公开申请已于2026年3月7日送达本机关，申请编号为' + to);
    t.match(arrived, '即2026年3月9日');
    clock.set('2026-03-09T02:00:00Z');
    t.match(
      await receiptText((await anon.post('/api/requests', application())).json()),
      '本机关已于2026年3月9日收到您提交的政府信息公开申请',
      'on a working day it was received that day',
    );
    clock.set('2026-02-16T01:00:00Z'); // Spring Festival
    t.match((await anon.post('/api/requests', application())).json(), { receivedOn: '2026-02-24' });
    clock.set('2026-03-01T16:30:00Z'); // 00:30 on Monday 2 March in Shanghai, still Sunday in UTC
    t.match((await anon.post('/api/requests', application())).json(), { receivedOn: '2026-03-02' });
  });

  await t.test('an organization applies with its credit code', async (t) => {
    const res = await anon.post('/api/requests', organizationApplication({ agency: 'czj' }));
    t.equal(res.statusCode, 201);
    t.match(res.json().trackingNumber, /^CZJ-2026-00001$/);
  });

  await t.test('multipart with an attachment', async (t) => {
    const form = multipartBody(application(), [
      { filename: '身份证复印件.png', content: PNG, type: 'image/png' },
      { filename: '..\\..\\etc\\说明.pdf', content: PDF, type: 'application/pdf' },
    ]);
    const before = await stored();
    const res = await app.inject({ method: 'POST', url: '/api/requests', ...form });
    t.equal(res.statusCode, 201, res.body);
    const after = await stored();
    t.equal(after.attachments - before.attachments, 2);
    const names = (await db.select({ filename: attachments.filename }).from(attachments)).map((r) => r.filename).sort();
    t.same(names, ['身份证复印件.png', '说明.pdf'].sort(), 'display names keep no path');
  });

  await t.test('bad input is refused with field messages and leaves nothing stored', async (t) => {
    const before = await stored();
    const refused = async (what: string, res: Awaited<ReturnType<typeof anon.post>>, status: number, error: string, fields?: Record<string, RegExp>) => {
      t.equal(res.statusCode, status, `${what}: status`);
      t.equal(res.json().error, error, `${what}: code`);
      t.type(res.json().message, 'string');
      if (fields) t.match(res.json().fields, fields, `${what}: fields`);
    };

    await refused(
      'malformed JSON',
      await app.inject({ method: 'POST', url: '/api/requests', headers: { 'content-type': 'application/json' }, payload: '{"agency": "fgj",' }),
      400,
      'request.malformed_json',
    );
    await refused('empty body', await anon.post('/api/requests', {}), 400, 'validation.failed', {
      agency: /机关/,
      applicant: /申请人类型/,
      description: /必填/,
      format: /载体形式/,
      delivery: /获取信息的方式/,
    });
    const missing = application();
    delete (missing.applicant as Record<string, unknown>).phone;
    delete (missing.applicant as Record<string, unknown>).name;
    await refused('missing name and phone', await anon.post('/api/requests', missing), 400, 'validation.failed', {
      'applicant.name': /必填/,
      'applicant.phone': /必填/,
    });
    await refused('bad ID check digit', await anon.post('/api/requests', application({ applicant: { idNumber: '110105194912310021' } })), 400, 'validation.failed', {
      'applicant.idNumber': /校验位/,
    });
    await refused('impossible birth date', await anon.post('/api/requests', application({ applicant: { idNumber: '110105194902300021' } })), 400, 'validation.failed', {
      'applicant.idNumber': /出生日期/,
    });
    await refused(
      'bad credit code',
      await anon.post(
        '/api/requests',
        organizationApplication({ applicant: { kind: 'organization', orgCategory: 'research', name: '某研究所', idType: 'credit_code', idNumber: '91350100M000100Y44' } }),
      ),
      400,
      'validation.failed',
      { 'applicant.idNumber': /统一社会信用代码校验位/ },
    );
    await refused('unknown agency', await anon.post('/api/requests', application({ agency: 'nosuch' })), 400, 'validation.failed', { agency: /机关/ });
    await refused('bad phone and e-mail', await anon.post('/api/requests', application({ applicant: { phone: '12345', email: 'not-an-email' } })), 400, 'validation.failed', {
      'applicant.phone': /手机号码/,
      'applicant.email': /邮箱/,
    });
    await refused('description too short', await anon.post('/api/requests', application({ description: '文件' })), 400, 'validation.failed', { description: /至少 5 个字/ });
    await refused('description too long', await anon.post('/api/requests', application({ description: '很'.repeat(2001) })), 400, 'validation.failed', { description: /2000/ });
    await refused('e-mail delivery without e-mail', await anon.post('/api/requests', application({ applicant: { email: '' } })), 400, 'validation.failed', {
      'applicant.email': /电子邮箱/,
    });

    const disguised = multipartBody(application(), [{ filename: 'report.pdf', content: EXE, type: 'application/pdf' }]);
    await refused('an .exe renamed .pdf', await app.inject({ method: 'POST', url: '/api/requests', ...disguised }), 400, 'validation.failed', {
      'attachments.0': /类型不受支持/,
    });
    const oversize = multipartBody(application(), [{ filename: 'big.pdf', content: Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]) }]);
    await refused('an attachment over 10 MB', await app.inject({ method: 'POST', url: '/api/requests', ...oversize }), 413, 'attachments.too_large', {
      attachments: /10 MB/,
    });
    const tooMany = multipartBody(
      application(),
      Array.from({ length: 6 }, (_, i) => ({ filename: `f${i}.pdf`, content: PDF })),
    );
    await refused('six attachments', await app.inject({ method: 'POST', url: '/api/requests', ...tooMany }), 413, 'attachments.too_many');
    const badFields = multipartBody(application({ applicant: { idNumber: '110105194912310021' } }), [{ filename: 'ok.pdf', content: PDF }]);
    await refused('multipart with a bad ID', await app.inject({ method: 'POST', url: '/api/requests', ...badFields }), 400, 'validation.failed', {
      'applicant.idNumber': /校验位/,
    });

    t.same(await stored(), before, 'no case, attachment, event or timer was written');
  });
});
