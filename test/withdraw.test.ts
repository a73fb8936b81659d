import t from 'tap';
import { api, staffClient, testApp } from './helpers/test-app.js';
import { caseMails } from './helpers/test-databases.js';
import { application } from './helpers/factories.js';
import { pageText, signIn, webClient } from './helpers/web.js';

t.test('an applicant withdraws a request online', async (t) => {
  const { app, db } = await testApp(t);
  const anon = api(app);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const head = await staffClient(app, 'supervisor', 'fgj');
  const file = async () => (await anon.post('/api/requests', application())).json() as { trackingNumber: string; accessCode: string };
  const mailsOf = (trackingNumber: string) => caseMails(db, trackingNumber);

  await t.test('through the API, with the access code: closed, no longer processed, recorded', async (t) => {
    const receipt = await file();
    const wrong = await anon.post(`/api/requests/${receipt.trackingNumber}/withdraw`, { accessCode: 'AAAAAAAA' });
    t.equal(wrong.statusCode, 404, 'a wrong code withdraws nothing');
    t.equal((await clerk.get(`/api/cases/${receipt.trackingNumber}`)).json().state, 'received');

    t.equal((await clerk.post(`/api/cases/${receipt.trackingNumber}/events`, { type: 'ASSIGN', assignee: clerk.id })).statusCode, 200);
    const res = await anon.post(`/api/requests/${receipt.trackingNumber}/withdraw`, { accessCode: receipt.accessCode, reason: '已从其他渠道获得' });
    t.equal(res.statusCode, 200);
    t.match(res.json(), { state: 'closed', stateLabel: '已终止处理', concludedOn: '2026-03-02' });
    t.match(res.json().timeline.at(-1), { type: 'WITHDRAW', label: '申请人撤回申请' });
    const staffView = (await clerk.get(`/api/cases/${receipt.trackingNumber}`)).json();
    t.match(staffView, { state: 'closed', disposition: 'other', outcome: { reason: 'withdrawn' } });
    t.match(staffView.events.at(-1), { type: 'WITHDRAW', actor: { kind: 'applicant' }, payload: { reason: '已从其他渠道获得' } });
    t.same(staffView.allowedEvents, ['CORRECT_LETTER'], 'nothing left to do but correct a mistaken letter');
    t.match(
      await mailsOf(receipt.trackingNumber),
      [
        { template: 'withdrawal_notice', recipient: 'zhangsan@example.com', subject: `【政府信息公开】您的申请已撤回（${receipt.trackingNumber}）` },
        { template: 'withdrawn_by_applicant', recipient: clerk.email, subject: `【已撤回】申请 ${receipt.trackingNumber} 已由申请人撤回` },
      ],
      'the applicant gets it in writing; the clerk handling it is told',
    );
    const [notice, alert] = await mailsOf(receipt.trackingNumber);
    t.match(notice?.text, /于2026年3月2日撤回，湘潭市雨湖区发展和改革局不再处理。如仍需要相关政府信息，可以重新提出申请。/);
    t.match(notice?.text, /如果您没有撤回这一申请，请尽快与/);
    t.notMatch(notice?.text, new RegExp(receipt.accessCode), 'the mail does not carry the access code');
    t.match(alert?.text, /已由申请人于2026年3月2日在线撤回，不再处理/);

    const desk = await signIn(app, clerk.email, clerk.password);
    t.match(pageText((await desk.get(`/staff/cases/${receipt.trackingNumber}`)).body), /申请人撤回申请 申请人 撤回理由：已从其他渠道获得/, 'the desk shows who withdrew and why');

    const again = await anon.post(`/api/requests/${receipt.trackingNumber}/withdraw`, { accessCode: receipt.accessCode });
    t.equal(again.statusCode, 409);
    t.match(again.json(), { error: 'workflow.rule_violation', rule: 'workflow_state_does_not_allow' });
  });

  await t.test('withdrawn by phone, recorded by the clerk: the applicant gets it in writing', async (t) => {
    const receipt = await file();
    const res = await head.post(`/api/cases/${receipt.trackingNumber}/events`, { type: 'WITHDRAW', reason: '电话申请撤回' });
    t.equal(res.statusCode, 200);
    t.match(await mailsOf(receipt.trackingNumber), [{ template: 'withdrawal_notice', recipient: 'zhangsan@example.com' }]);
    t.equal((await mailsOf(receipt.trackingNumber)).length, 1, 'no one in the agency is told what the clerk did');
  });

  await t.test('an answered request cannot be withdrawn', async (t) => {
    const receipt = await file();
    t.equal((await head.post(`/api/cases/${receipt.trackingNumber}/events`, { type: 'ANSWER', disposition: 'disclosed', text: '现向您提供该政府信息全文。' })).statusCode, 200);
    const res = await anon.post(`/api/requests/${receipt.trackingNumber}/withdraw`, { accessCode: receipt.accessCode });
    t.equal(res.statusCode, 409);
    t.equal((await clerk.get(`/api/cases/${receipt.trackingNumber}`)).json().state, 'answered');
  });

  await t.test('from the tracking page: confirmation and CSRF token required', async (t) => {
    const receipt = await file();
    const web = webClient(app);
    const url = `/track?trackingNumber=${receipt.trackingNumber}&accessCode=${receipt.accessCode}`;
    t.match(pageText((await web.get(url)).body), /撤回申请 撤回理由（选填）/);
    const form = { trackingNumber: receipt.trackingNumber, accessCode: receipt.accessCode, reason: '<script>alert(1)</script>不再需要' };

    t.equal((await web.post('/track/withdraw', { ...form, confirm: 'yes' }, { csrf: false })).statusCode, 403, 'no token');
    t.equal(
      (await web.post('/track/withdraw', { ...form, trackingNumber: [receipt.trackingNumber, receipt.trackingNumber], confirm: 'yes' })).statusCode,
      404,
      'a field sent twice: nothing found, nothing withdrawn',
    );
    await web.get(url);
    const unconfirmed = await web.post('/track/withdraw', form);
    t.equal(unconfirmed.statusCode, 400);
    t.match(pageText(unconfirmed.body), /请勾选确认撤回/);
    t.match(unconfirmed.body, />&lt;script&gt;alert\(1\)&lt;\/script&gt;不再需要<\/textarea>/, 'what was typed is kept, escaped');
    t.equal((await clerk.get(`/api/cases/${receipt.trackingNumber}`)).json().state, 'received', 'still open');

    const done = await web.post('/track/withdraw', { ...form, confirm: 'yes' });
    t.equal(done.statusCode, 303);
    const page = pageText((await web.get(String(done.headers.location))).body);
    t.match(page, /您的申请已撤回，本机关不再处理。/);
    t.match(page, /已终止处理/);
    t.match(page, /申请人撤回申请/);
    t.notMatch(page, /撤回理由（选填）/, 'no form on a closed request');
    const desk = await signIn(app, clerk.email, clerk.password);
    const staffPage = (await desk.get(`/staff/cases/${receipt.trackingNumber}`)).body;
    t.notMatch(staffPage, /<script>alert/, 'the reason is shown as text to staff');
    t.match(staffPage, /&lt;script&gt;alert\(1\)&lt;\/script&gt;不再需要/);
  });
});
