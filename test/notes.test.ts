import t from 'tap';
import { api, staffClient, testApp } from './helpers/test-app.js';
import { application } from './helpers/factories.js';
import { pageText, signIn, webClient } from './helpers/web.js';

// A clerk's working notes on a case: for staff only, at any stage, and they move nothing.
t.test('internal notes on a case', async (t) => {
  const { app, clock } = await testApp(t);
  const anon = api(app);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const head = await staffClient(app, 'supervisor', 'fgj');
  const file = async () => (await anon.post('/api/requests', application())).json() as { trackingNumber: string; accessCode: string };
  const NOTE = '已电话联系申请人，确认所需为2026年第一季度的审批结果清单';

  await t.test('through the API: in the staff timeline, nowhere in what the applicant sees', async (t) => {
    const receipt = await file();
    const before = (await clerk.get(`/api/cases/${receipt.trackingNumber}`)).json();
    clock.set('2026-03-03T06:30:00Z');
    const res = await clerk.post(`/api/cases/${receipt.trackingNumber}/notes`, { text: `  ${NOTE}  ` });
    t.equal(res.statusCode, 201);
    const after = res.json();
    t.match(after.events.at(-1), { type: 'NOTE', label: '内部备注', on: '2026-03-03', actor: { kind: 'staff', id: clerk.id }, payload: { text: NOTE } });
    t.match(after, { state: before.state, dueOn: before.dueOn, version: before.version }, 'neither the state, the deadline nor the version moves');
    t.same(after.allowedEvents, before.allowedEvents);

    const lookup = await anon.get(`/api/requests/${receipt.trackingNumber}?accessCode=${receipt.accessCode}`);
    t.notOk(
      lookup.json().timeline.some((e: { type: string }) => e.type === 'NOTE'),
      'not in the applicant timeline',
    );
    t.notMatch(lookup.body, /电话联系/);
    const page = await webClient(app).get(`/track?trackingNumber=${receipt.trackingNumber}&accessCode=${receipt.accessCode}`);
    t.equal(page.statusCode, 200);
    t.notMatch(pageText(page.body), /电话联系|内部备注/, 'nor on the tracking page');

    const assigned = await clerk.post(`/api/cases/${receipt.trackingNumber}/events`, { type: 'ASSIGN', assignee: clerk.id, expectedVersion: before.version });
    t.equal(assigned.statusCode, 200, 'a form opened before the note is not stale');
  });

  await t.test("also once answered; refused when empty, too long, or another agency's", async (t) => {
    const receipt = await file();
    t.equal((await head.post(`/api/cases/${receipt.trackingNumber}/events`, { type: 'ANSWER', disposition: 'disclosed', text: '现向您提供该政府信息全文。' })).statusCode, 200);
    const late = await clerk.post(`/api/cases/${receipt.trackingNumber}/notes`, { text: '答复书已于3月4日当面交申请人签收' });
    t.equal(late.statusCode, 201);
    t.match(late.json(), { state: 'answered', events: [{}, {}, { type: 'NOTE', payload: { text: '答复书已于3月4日当面交申请人签收' } }] });

    const empty = await clerk.post(`/api/cases/${receipt.trackingNumber}/notes`, { text: '   ' });
    t.equal(empty.statusCode, 400);
    t.match(empty.json(), { error: 'validation.failed', fields: { text: '请填写记录内容' } });
    const long = await clerk.post(`/api/cases/${receipt.trackingNumber}/notes`, { text: '长'.repeat(2001) });
    t.match(long.json(), { error: 'validation.failed', fields: { text: '记录不超过2000字' } });
    const elsewhere = await staffClient(app, 'clerk', 'czj');
    t.equal((await elsewhere.post(`/api/cases/${receipt.trackingNumber}/notes`, { text: '越权' })).statusCode, 404);
    t.equal((await anon.post(`/api/cases/${receipt.trackingNumber}/notes`, { text: '匿名' })).statusCode, 401);
    t.equal((await clerk.get(`/api/cases/${receipt.trackingNumber}`)).json().events.length, 3, 'nothing more was recorded');
  });

  await t.test('from the case page: the form, its token, its errors', async (t) => {
    const receipt = await file();
    const desk = await signIn(app, clerk.email, clerk.password);
    const url = `/staff/cases/${receipt.trackingNumber}`;
    t.match(pageText((await desk.get(url)).body), /添加内部备注 .*备注只有工作人员可见，不改变办理状态和期限。/);
    const forged = await app.inject({
      method: 'POST',
      url: `${url}/notes`,
      headers: { cookie: [...desk.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'text=x',
    });
    t.equal(forged.statusCode, 403, 'no CSRF token, no note');

    const empty = await desk.post(`${url}/notes`, { text: '' });
    t.equal(empty.statusCode, 400);
    t.match(pageText(empty.body), /请填写记录内容/);
    const saved = await desk.post(`${url}/notes`, { text: '<script>alert(1)</script>已向档案室调取原件' });
    t.match(saved, { statusCode: 303, headers: { location: `${url}?notice=saved#timeline-h` } });
    const page = await desk.get(`${url}?notice=saved`);
    t.match(page.body, /<td>内部备注<\/td><td>[^<]*<\/td><td>&lt;script&gt;alert\(1\)&lt;\/script&gt;已向档案室调取原件<\/td>/, 'in the timeline, escaped');
    t.match(pageText(page.body), /已保存。/);
  });
});
