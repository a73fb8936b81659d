// A lost access code (issue 33 item 3): a one-time link to the e-mail address on file; the old code
// works until the link is used, so no one can lock the applicant out; nothing says whether the
// address matched; at most three links a day.
import { eq } from 'drizzle-orm';
import t from 'tap';
import { outbox } from '../src/db/schema.js';
import { api, testApp } from './helpers/test-app.js';
import { application } from './helpers/factories.js';
import { pageText, webClient } from './helpers/web.js';

t.test('an applicant who lost the access code gets a new one by a link mailed to the address on file', async (t) => {
  const { app, db } = await testApp(t);
  const filed = (await api(app).post('/api/requests', application({ applicant: { email: 'wang@example.cn' } }))).json() as { trackingNumber: string; accessCode: string };
  const tn = filed.trackingNumber;
  const opens = async (code: string) => (await api(app).get(`/api/requests/${tn}?accessCode=${code}`)).statusCode;
  const links = async () => (await db.select().from(outbox).where(eq(outbox.template, 'access_code_recovery'))).filter((m) => m.recipient === 'wang@example.cn');

  const wrong = await api(app).post('/api/requests/access-code-recovery', { trackingNumber: tn, email: 'someone@example.cn' });
  t.equal(wrong.statusCode, 202);
  const right = await api(app).post('/api/requests/access-code-recovery', { trackingNumber: tn, email: 'WANG@example.cn' });
  t.equal(right.statusCode, 202);
  t.equal(right.json().message, wrong.json().message, 'the answer does not say whether the address matched');
  t.equal((await links()).length, 1, 'one link, to the address on file only');
  t.equal(await opens(filed.accessCode), 200, 'the old code still works: asking locks no one out');

  const token = /recover\?token=([A-Za-z0-9_-]+)/.exec((await links())[0]!.text)![1]!;
  const citizen = webClient(app);
  const confirm = await citizen.get(`/track/recover?token=${token}`);
  t.match(pageText(confirm.body), /确认后将生成新的查询码/, 'opening the link changes nothing yet (mail scanners open links)');
  t.equal(await opens(filed.accessCode), 200);
  const issued = await citizen.post('/track/recover', { token });
  t.equal(issued.statusCode, 200);
  const code = /新查询码为：\s*(\S{8})/.exec(pageText(issued.body))?.[1];
  t.ok(code, 'the new code is shown once');
  t.equal(await opens(filed.accessCode), 404, 'now the old code stops working');
  t.equal(await opens(code!), 200, 'the new one opens the request');
  t.equal((await citizen.post('/track/recover', { token })).statusCode, 404, 'a link is used once');
  const staffView = await db.select().from(outbox).where(eq(outbox.template, 'access_code'));
  t.equal(staffView.filter((m) => m.recipient === 'wang@example.cn').length, 1, 'the new code is mailed too');

  for (let i = 0; i < 4; i += 1) await api(app).post('/api/requests/access-code-recovery', { trackingNumber: tn, email: 'wang@example.cn' });
  t.equal((await links()).length, 3, 'at most three links a day');
  t.equal((await api(app).post('/api/requests/access-code-recovery', { trackingNumber: tn, email: 'not an address' })).statusCode, 400);
});
