// What the desk says after an action (issue 33 item 2): what was done and what follows, in words —
// the letter with its number, who is told and how, the period now running; never "操作已完成".
import t from 'tap';
import { api, staffClient, testApp } from './helpers/test-app.js';
import { application } from './helpers/factories.js';
import { pageText, signIn, webClient } from './helpers/web.js';

t.test('after an action the desk names the letter issued, who is told, and the period (art. 30)', async (t) => {
  const { app } = await testApp(t); // Monday 2026-03-02
  const head = await staffClient(app, 'supervisor', 'fgj');
  const tn = (await api(app).post('/api/requests', application({ applicant: { email: 'li@example.cn' } }))).json().trackingNumber as string;
  const web = await signIn(app, head.email, head.password);
  const page = await web.get(`/staff/cases/${tn}`);
  const version = /name="expectedVersion" value="(\d+)"/.exec(page.body)?.[1];
  const posted = await web.post(`/staff/cases/${tn}/events`, { expectedVersion: version, type: 'REQUEST_CORRECTION', items: '请写明所需文件的名称', dueInWorkingDays: '15' });
  t.equal(posted.statusCode, 303);
  const after = pageText((await web.get(posted.headers.location!)).body);
  t.match(
    after,
    /已发出《政府信息公开申请补正告知书》（雨发改依申〔2026〕\d+号）；通知邮件将发送至申请人的电子邮箱 li@example\.cn；期限自送达之日起计算：送达后请在“文书”中登记送达；补正期限：2026年3月\d+日（暂按发文日计算）。/,
  );
  t.notMatch(after, /操作已完成/);
});

t.test('past the due date the tracking page says the agency is overdue and what the applicant can do (art. 51)', async (t) => {
  const { app, clock } = await testApp(t); // Monday 2026-03-02: due 2026-03-30
  const filed = (await api(app).post('/api/requests', application())).json() as { trackingNumber: string; accessCode: string };
  const page = async () => pageText((await webClient(app).get(`/track?trackingNumber=${filed.trackingNumber}&accessCode=${filed.accessCode}`)).body);
  t.notMatch(await page(), /超过法定答复期限/, 'not before the due date');
  clock.set('2026-03-31T02:00:00Z');
  const late = await page();
  t.match(late, /受理机关已超过法定答复期限 本申请的答复期限为2026年3月30日，湘潭市雨湖区发展和改革局至今未作答复。/);
  t.match(late, /政府信息公开工作主管部门投诉、举报（《中华人民共和国政府信息公开条例》第五十一条）/);
  t.match(late, /向湘潭市雨湖区人民政府申请行政复议/, 'the review body of the agency');
});
