import { and, eq } from 'drizzle-orm';
import t from 'tap';
import { cases, letters } from '../src/db/schema.js';
import { api, staffClient, testApp } from './helpers/test-app.js';
import { caseMails } from './helpers/test-databases.js';
import { application } from './helpers/factories.js';
import { pageText, signIn, webClient } from './helpers/web.js';

// Art. 35: an agency that finds requests clearly beyond reason asks the applicant to explain them
// by a date; the applicant answers online (or on paper, recorded by a clerk); the agency decides.
t.test('an applicant explains the requests online when asked (art. 35)', async (t) => {
  const { app, db } = await testApp(t);
  const anon = api(app);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const file = async (ask = true) => {
    const receipt = (await anon.post('/api/requests', application())).json() as { trackingNumber: string; accessCode: string };
    t.equal((await clerk.post(`/api/cases/${receipt.trackingNumber}/events`, { type: 'ASSIGN', assignee: clerk.id })).statusCode, 200);
    if (ask) {
      const asked = await clerk.post(`/api/cases/${receipt.trackingNumber}/events`, {
        type: 'REQUEST_REASONS',
        matter: '您本月已向本机关提出申请120件',
        replyWithinWorkingDays: 10,
      });
      t.equal(asked.statusCode, 200);
    }
    return receipt;
  };
  const mailsOf = (trackingNumber: string, template: string) => caseMails(db, trackingNumber, template);

  await t.test('through the API: recorded, the clerk told, the answer period unchanged, once', async (t) => {
    const receipt = await file();
    const lookup = (await anon.get(`/api/requests/${receipt.trackingNumber}?accessCode=${receipt.accessCode}`)).json();
    t.same(lookup.reasonsRequested, { replyBy: '2026-03-16' }, 'the applicant sees that reasons are awaited, and by when');
    const [letter] = await db
      .select({ text: letters.bodyText })
      .from(letters)
      .innerJoin(cases, eq(cases.id, letters.caseId))
      .where(and(eq(cases.trackingNumber, receipt.trackingNumber), eq(letters.kind, 'reasons_request')));
    t.match(letter?.text, /可以凭申请编号和查询码在政府信息公开申请平台的“查询进度”页面在线说明/, 'the letter says it can be done online');

    const url = `/api/requests/${receipt.trackingNumber}/reasons`;
    t.equal((await anon.post(url, { accessCode: 'AAAAAAAA', text: '研究需要' })).statusCode, 404, 'a wrong code explains nothing');
    const empty = await anon.post(url, { accessCode: receipt.accessCode, text: '' });
    t.equal(empty.statusCode, 400);
    t.match(empty.json(), { error: 'validation.failed', fields: { text: '请填写申请理由' } });

    const res = await anon.post(url, { accessCode: receipt.accessCode, text: '本人从事地方财政研究，所申请信息分属不同项目' });
    t.equal(res.statusCode, 200);
    t.match(res.json(), { state: 'assigned', dueOn: '2026-03-30', reasonsRequested: null });
    t.match(res.json().timeline.at(-1), { type: 'REASONS_GIVEN', label: '申请人说明理由', details: { receivedOn: '2026-03-02' } });
    const staffView = (await clerk.get(`/api/cases/${receipt.trackingNumber}`)).json();
    t.match(staffView.events.at(-1), { type: 'REASONS_GIVEN', actor: { kind: 'applicant' }, payload: { text: '本人从事地方财政研究，所申请信息分属不同项目' } });
    t.notOk(staffView.allowedEvents.includes('REASONS_GIVEN'), 'nothing more to record');
    const [mail, ...more] = await mailsOf(receipt.trackingNumber, 'reasons_given');
    t.match(mail, { recipient: clerk.email, subject: `【已说明理由】申请 ${receipt.trackingNumber} 的申请人已说明申请理由` });
    t.match(mail?.text, /已于2026年3月2日在线说明申请理由（条例第三十五条）。请审查理由是否合理/);
    t.equal(more.length, 0);
    const [told, ...twice] = await mailsOf(receipt.trackingNumber, 'reasons_received');
    t.match(told, { recipient: 'zhangsan@example.com', subject: `【政府信息公开】您说明的申请理由已收到（${receipt.trackingNumber}）` });
    t.match(told?.text, /已收到您就政府信息公开申请（申请编号：FGJ-2026-\d{5}）说明的申请理由。依照《中华人民共和国政府信息公开条例》第三十五条，本机关将审查您的理由/);
    t.match(told?.text, /目前的答复期限为2026年3月30日前。/, 'the answer period runs on');
    t.equal(twice.length, 0);

    const desk = await signIn(app, clerk.email, clerk.password);
    const page = pageText((await desk.get(`/staff/cases/${receipt.trackingNumber}`)).body);
    t.match(page, /申请人说明理由 申请人 收到日期：2026年3月2日；理由：本人从事地方财政研究/);
    t.match(page, /申请人说明理由：2026年3月2日收到/, 'the deadline steps show it');
    t.notMatch(page, /登记申请人说明的理由/, 'no form to record it again');

    const again = await anon.post(url, { accessCode: receipt.accessCode, text: '补充' });
    t.equal(again.statusCode, 409);
    t.match(again.json(), { rule: 'art35_reasons_requested' });
  });

  await t.test('not asked: nothing to explain', async (t) => {
    const receipt = await file(false);
    const res = await anon.post(`/api/requests/${receipt.trackingNumber}/reasons`, { accessCode: receipt.accessCode, text: '研究需要' });
    t.equal(res.statusCode, 409);
    const page = pageText((await webClient(app).get(`/track?trackingNumber=${receipt.trackingNumber}&accessCode=${receipt.accessCode}`)).body);
    t.notMatch(page, /说明申请理由/);
  });

  await t.test('on paper: the clerk records it from the case page; the applicant is told', async (t) => {
    const receipt = await file();
    const desk = await signIn(app, clerk.email, clerk.password);
    t.match(pageText((await desk.get(`/staff/cases/${receipt.trackingNumber}`)).body), /登记申请人说明的理由（条例第三十五条）/);
    const version = (await clerk.get(`/api/cases/${receipt.trackingNumber}`)).json().version as number;
    const posted = await desk.post(`/staff/cases/${receipt.trackingNumber}/events`, {
      type: 'REASONS_GIVEN',
      expectedVersion: String(version),
      text: '书面说明：用于学术研究',
      receivedOn: '2026-03-02',
    });
    t.equal(posted.statusCode, 303);
    const staffView = (await clerk.get(`/api/cases/${receipt.trackingNumber}`)).json();
    t.match(staffView.events.at(-1), { type: 'REASONS_GIVEN', actor: { kind: 'staff' }, payload: { text: '书面说明：用于学术研究', receivedOn: '2026-03-02' } });
    t.equal((await mailsOf(receipt.trackingNumber, 'reasons_given')).length, 0, 'the clerk who recorded it is not mailed');
    t.match(await mailsOf(receipt.trackingNumber, 'reasons_received'), [{ recipient: 'zhangsan@example.com' }], 'the applicant is told they are in');
    const lookup = (await anon.get(`/api/requests/${receipt.trackingNumber}?accessCode=${receipt.accessCode}`)).json();
    t.equal(lookup.reasonsRequested, null, 'the applicant is no longer asked');
  });

  await t.test('from the tracking page: the form, its token, its errors', async (t) => {
    const receipt = await file();
    const web = webClient(app);
    const url = `/track?trackingNumber=${receipt.trackingNumber}&accessCode=${receipt.accessCode}`;
    t.match(
      pageText((await web.get(url)).body),
      /说明申请理由 湘潭市雨湖区发展和改革局认为您申请的数量、频次明显超过合理范围，请您于2026年3月16日前说明申请理由（见 政府信息公开申请说明理由告知书 ）/,
    );
    const form = { trackingNumber: receipt.trackingNumber, accessCode: receipt.accessCode, text: '<script>alert(1)</script>研究' };
    t.equal((await web.post('/track/reasons', form, { csrf: false })).statusCode, 403, 'no token');
    const empty = await web.post('/track/reasons', { ...form, text: ' ' });
    t.equal(empty.statusCode, 400);
    t.match(pageText(empty.body), /请填写申请理由/);
    const done = await web.post('/track/reasons', form);
    t.equal(done.statusCode, 303);
    const page = pageText((await web.get(String(done.headers.location))).body);
    t.match(page, /申请理由已提交，本机关审查后作出处理。/);
    t.match(page, /申请人说明理由/);
    t.notMatch(page, /提交理由/, 'no form once explained');
    const desk = await signIn(app, clerk.email, clerk.password);
    const staffPage = (await desk.get(`/staff/cases/${receipt.trackingNumber}`)).body;
    t.notMatch(staffPage, /<script>alert/);
    t.match(staffPage, /理由：&lt;script&gt;alert\(1\)&lt;\/script&gt;研究/, 'shown to staff as text');
  });
});
