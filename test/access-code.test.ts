import { and, eq } from 'drizzle-orm';
import t from 'tap';
import { outbox } from '../src/db/schema.js';
import { api, staffClient, testApp } from './helpers/test-app.js';
import { application } from './helpers/factories.js';
import { pageText, signIn, webClient } from './helpers/web.js';

t.test('an applicant who lost the access code gets a new one from the agency', async (t) => {
  const { app, db } = await testApp(t);
  const anon = api(app);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const head = await staffClient(app, 'supervisor', 'fgj');
  const track = (tn: string, code: string) => anon.get(`/api/requests/${tn}?accessCode=${code}`);
  const file = async (email?: string) => {
    const res = await anon.post('/api/requests', email ? application({ applicant: { email } }) : application({ applicant: { email: '' }, delivery: 'online' }));
    if (res.statusCode !== 201) throw new Error(`file: ${res.statusCode} ${res.body}`);
    return res.json() as { trackingNumber: string; accessCode: string };
  };

  await t.test('through the API: the old code stops working, the new one is mailed and recorded', async (t) => {
    const receipt = await file('lost@example.com');
    const res = await clerk.post(`/api/cases/${receipt.trackingNumber}/access-code`);
    t.equal(res.statusCode, 200);
    const issued = res.json();
    t.match(issued, { trackingNumber: receipt.trackingNumber, accessCode: /^[A-HJ-NP-Z2-9]{8}$/, mailedTo: 'lost@example.com' });
    t.not(issued.accessCode, receipt.accessCode);
    t.equal((await track(receipt.trackingNumber, receipt.accessCode)).statusCode, 404, 'the old code opens nothing');
    const tracked = await track(receipt.trackingNumber, issued.accessCode);
    t.equal(tracked.statusCode, 200, 'the new one does');
    t.ok(
      tracked.json().timeline.some((e: { label: string }) => e.label === '重新生成查询码'),
      'the applicant sees that it was reissued',
    );

    const [mail] = await db
      .select()
      .from(outbox)
      .where(and(eq(outbox.recipient, 'lost@example.com'), eq(outbox.template, 'access_code')));
    t.equal(mail?.subject, `【政府信息公开】您的申请查询码已重新生成（${receipt.trackingNumber}）`);
    t.match(mail?.text, new RegExp(`新的查询码：${issued.accessCode}`));
    t.ok(mail?.text.includes(`/track?trackingNumber=${receipt.trackingNumber}&accessCode=${issued.accessCode}`), 'with the link that opens the request');

    const entry = (await clerk.get(`/api/cases/${receipt.trackingNumber}`)).json().events.at(-1);
    t.match(entry, { type: 'ACCESS_CODE_REISSUED', label: '重新生成查询码', actor: { kind: 'staff', id: clerk.id } });
  });

  await t.test('another agency cannot, nor can anyone without signing in', async (t) => {
    const receipt = await file();
    const other = await staffClient(app, 'clerk', 'czj');
    t.equal((await other.post(`/api/cases/${receipt.trackingNumber}/access-code`)).statusCode, 404);
    t.equal((await anon.post(`/api/cases/${receipt.trackingNumber}/access-code`)).statusCode, 401);
    t.equal((await clerk.post('/api/cases/FGJ-2026-99999/access-code')).statusCode, 404);
    t.equal((await track(receipt.trackingNumber, receipt.accessCode)).statusCode, 200, 'the code still works');
  });

  await t.test('a transferred request: reissued at the agency it went to, the new code opens both numbers', async (t) => {
    const receipt = await file();
    const transferred = await head.post(`/api/cases/${receipt.trackingNumber}/events`, { type: 'TRANSFER', agency: 'czj' });
    t.equal(transferred.statusCode, 200);
    const to = transferred.json().events.at(-1).payload.to as string;
    const refused = await clerk.post(`/api/cases/${receipt.trackingNumber}/access-code`);
    t.equal(refused.statusCode, 409);
    t.match(refused.json(), { error: 'access_code.transferred', message: /请由接收机关重新生成查询码/ });

    const receiving = await staffClient(app, 'clerk', 'czj');
    const issued = (await receiving.post(`/api/cases/${to}/access-code`)).json();
    t.equal(issued.mailedTo, null, 'no e-mail on file: the clerk tells the applicant');
    for (const tn of [receipt.trackingNumber, to]) {
      t.equal((await track(tn, issued.accessCode)).statusCode, 200, `${tn} opens with the new code`);
      t.equal((await track(tn, receipt.accessCode)).statusCode, 404, `${tn} no longer with the old one`);
    }
  });

  await t.test('the tracking page of a transferred request links to its new number, and back', async (t) => {
    const receipt = await file();
    const transferred = await head.post(`/api/cases/${receipt.trackingNumber}/events`, { type: 'TRANSFER', agency: 'czj' });
    const to = transferred.json().events.at(-1).payload.to as string;
    const web = webClient(app);
    const old = await web.get(`/track?trackingNumber=${receipt.trackingNumber}&accessCode=${receipt.accessCode}`);
    t.match(pageText(old.body), new RegExp(`告知并转送负责机关（新申请编号 ${to} ）`));
    const href = /href="(\/track\?trackingNumber[^"]+)"/
      .exec(old.body)?.[1]
      ?.replace(/&#x3D;/g, '=')
      .replace(/&amp;/g, '&');
    t.equal(href, `/track?trackingNumber=${to}&accessCode=${receipt.accessCode}`, 'the new number opens with the same code');
    const next = await web.get(href!);
    t.equal(next.statusCode, 200);
    t.match(pageText(next.body), new RegExp(`由其他机关转来（原申请编号 ${receipt.trackingNumber} ）`), 'and the new one names where it came from');
  });

  await t.test('the tracking page says what to do when the code is lost', async (t) => {
    const text = pageText((await webClient(app).get('/track')).body);
    t.match(text, /遗失查询码的，申请时留有电子邮箱的可以 通过邮箱找回查询码 /, 'by the e-mail address on file (test/access-code-recovery.test.ts)');
    t.match(text, /未留邮箱的，请联系受理机关（联系电话见该机关的 政府信息公开指南 ），核对身份后为您重新生成/);
  });

  await t.test('on the case page: shown once to the clerk, with a CSRF token required', async (t) => {
    const receipt = await file();
    const web = await signIn(app, clerk.email, clerk.password);
    const page = await web.get(`/staff/cases/${receipt.trackingNumber}`);
    t.match(pageText(page.body), /申请人遗失查询码：重新生成/);
    t.equal((await web.post(`/staff/cases/${receipt.trackingNumber}/access-code`, {}, { csrf: false })).statusCode, 403);
    t.equal((await track(receipt.trackingNumber, receipt.accessCode)).statusCode, 200, 'nothing changed without the token');

    await web.get(`/staff/cases/${receipt.trackingNumber}`);
    const done = await web.post(`/staff/cases/${receipt.trackingNumber}/access-code`, {});
    t.equal(done.statusCode, 200);
    const code = /新的查询码：([A-Z2-9]{8})/.exec(pageText(done.body))?.[1];
    t.ok(code, 'the new code is on the page');
    t.match(pageText(done.body), /申请人未留电子邮箱，请核对申请人身份后告知/);
    t.match(pageText(done.body), /重新生成查询码 .*新查询码由工作人员告知/, 'and in the timeline');
    t.equal((await track(receipt.trackingNumber, code!)).statusCode, 200);
    t.notMatch(pageText((await web.get(`/staff/cases/${receipt.trackingNumber}`)).body), new RegExp(code!), 'not shown again');
  });
});
