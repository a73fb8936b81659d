import { eq } from 'drizzle-orm';
import t from 'tap';
import { attachments, cases } from '../src/db/schema.js';
import { api, staffClient, testApp } from './helpers/test-app.js';
import { caseMails } from './helpers/test-databases.js';
import { application, EXE, multipartBody, PDF } from './helpers/factories.js';
import { pageText, signIn, webClient } from './helpers/web.js';

// Art. 30: the agency asks once for a correction; the applicant answers it online. Art. 31: what
// arrives online on a day off is received on the next working day, and the 20 days run from then.
t.test('an applicant corrects the application online', async (t) => {
  const { app, clock, db } = await testApp(t);
  const anon = api(app);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const file = async () => {
    clock.set('2026-03-02T02:00:00Z');
    const receipt = (await anon.post('/api/requests', application())).json() as { trackingNumber: string; accessCode: string };
    t.equal((await clerk.post(`/api/cases/${receipt.trackingNumber}/events`, { type: 'ASSIGN', assignee: clerk.id })).statusCode, 200);
    const asked = await clerk.post(`/api/cases/${receipt.trackingNumber}/events`, { type: 'REQUEST_CORRECTION', items: ['写明所需文件的名称或文号'], dueInWorkingDays: 10 });
    t.equal(asked.statusCode, 200);
    return receipt;
  };
  const filesOf = async (trackingNumber: string) =>
    db
      .select({ role: attachments.role, filename: attachments.filename })
      .from(attachments)
      .innerJoin(cases, eq(cases.id, attachments.caseId))
      .where(eq(cases.trackingNumber, trackingNumber));
  const mailsOf = (trackingNumber: string, template: string) => caseMails(db, trackingNumber, template);

  await t.test('through the API on a Saturday: received on Monday, back with the clerk, the clerk told', async (t) => {
    const receipt = await file();
    clock.set('2026-03-07T03:00:00Z'); // Saturday
    const url = `/api/requests/${receipt.trackingNumber}/correction`;
    const before = (await anon.get(`/api/requests/${receipt.trackingNumber}?accessCode=${receipt.accessCode}`)).json();
    t.match(before, { state: 'awaiting_correction', correctionDueOn: '2026-03-16', paymentDueOn: null }, 'the applicant sees by when to correct');
    t.equal((await anon.post(url, { accessCode: 'AAAAAAAA', text: '2026年政府投资项目审批结果清单' })).statusCode, 404, 'a wrong code corrects nothing');
    const empty = await anon.post(url, { accessCode: receipt.accessCode, text: '  ' });
    t.equal(empty.statusCode, 400);
    t.match(empty.json(), { error: 'validation.failed', fields: { text: '请填写补正内容' } });
    t.equal((await clerk.get(`/api/cases/${receipt.trackingNumber}`)).json().state, 'awaiting_correction', 'still awaiting the correction');

    const res = await anon.post(url, { accessCode: receipt.accessCode, text: '所需信息为《雨湖区2026年政府投资项目计划》（雨发改〔2026〕3号）' });
    t.equal(res.statusCode, 200);
    // 20 working days from Monday 2026-03-09, over Qingming (04-04..04-06).
    t.match(res.json(), { state: 'assigned', dueOn: '2026-04-07', correctionDueOn: null });
    t.match(res.json().timeline.at(-1), { type: 'CORRECTION_RECEIVED', label: '收到补正材料', on: '2026-03-07', details: { receivedOn: '2026-03-09' } });
    const staffView = (await clerk.get(`/api/cases/${receipt.trackingNumber}`)).json();
    t.match(staffView.events.at(-1), { type: 'CORRECTION_RECEIVED', actor: { kind: 'applicant' }, payload: { receivedOn: '2026-03-09', text: /雨发改〔2026〕3号/ } });
    const [mail, ...more] = await mailsOf(receipt.trackingNumber, 'correction_submitted');
    t.match(mail, { recipient: clerk.email, subject: `【已补正】申请 ${receipt.trackingNumber} 的申请人已提交补正` });
    t.match(mail?.text, /已于2026年3月7日在线提交补正，答复期限自收到补正之日起重新计算，至2026年4月7日/);
    t.equal(more.length, 0);
    const [told, ...twice] = await mailsOf(receipt.trackingNumber, 'correction_received');
    t.match(told, { recipient: 'zhangsan@example.com', subject: `【政府信息公开】您的补正已收到（${receipt.trackingNumber}）` });
    t.match(
      told?.text,
      /已收到您对政府信息公开申请（申请编号：FGJ-2026-\d{5}）的补正。依照《中华人民共和国政府信息公开条例》第三十条，答复期限自收到补正之日起重新计算，本机关将于2026年4月7日前作出答复/,
    );
    t.equal(twice.length, 0);

    const desk = await signIn(app, clerk.email, clerk.password);
    t.match(
      pageText((await desk.get(`/staff/cases/${receipt.trackingNumber}`)).body),
      /收到补正材料 申请人 补正材料收到日期：2026年3月9日，答复期限重新计算；补正内容：所需信息为《雨湖区2026年政府投资项目计划》/,
    );

    const again = await anon.post(url, { accessCode: receipt.accessCode, text: '再补充一点' });
    t.equal(again.statusCode, 409, 'once corrected, no second correction');
    t.equal((await mailsOf(receipt.trackingNumber, 'correction_submitted')).length, 1);
  });

  await t.test('with documents (multipart): kept as correction material; a refused file keeps nothing', async (t) => {
    const receipt = await file();
    const url = `/api/requests/${receipt.trackingNumber}/correction`;
    const bad = multipartBody({ accessCode: receipt.accessCode, text: '附身份证明' }, [{ filename: '身份证明.pdf', content: EXE }]);
    const refused = await app.inject({ method: 'POST', url, ...bad });
    t.equal(refused.statusCode, 400);
    t.match(refused.json().fields, { 'attachments.0': /类型不受支持/ });
    t.equal((await clerk.get(`/api/cases/${receipt.trackingNumber}`)).json().state, 'awaiting_correction');

    const good = multipartBody({ accessCode: receipt.accessCode, text: '附身份证明' }, [{ filename: '../身份证明.pdf', content: PDF }]);
    const res = await app.inject({ method: 'POST', url, ...good });
    t.equal(res.statusCode, 200);
    t.match(res.json(), { state: 'assigned', dueOn: '2026-03-30' }, 'received on a working day: counted from that day');
    t.same(await filesOf(receipt.trackingNumber), [{ role: 'correction', filename: '身份证明.pdf' }]);
    const desk = await signIn(app, clerk.email, clerk.password);
    const page = pageText((await desk.get(`/staff/cases/${receipt.trackingNumber}`)).body);
    t.match(page, /身份证明\.pdf （补正材料，1 KB）/);
    t.match(page, /要求补正：2026年3月2日 收到补正材料：2026年3月2日，自该日重新计算答复期限/, 'the deadline steps say when it came back');
    t.match(page, /补正内容：附身份证明；附件 1 个/);
  });

  await t.test('a correction on paper, recorded by the clerk: the applicant is told the new period too, the clerk is not mailed', async (t) => {
    const receipt = await file();
    const res = await clerk.post(`/api/cases/${receipt.trackingNumber}/events`, { type: 'CORRECTION_RECEIVED', receivedOn: '2026-03-02' });
    t.equal(res.statusCode, 200);
    t.match(await mailsOf(receipt.trackingNumber, 'correction_received'), [{ recipient: 'zhangsan@example.com', text: /本机关将于2026年3月30日前作出答复/ }]);
    t.equal((await mailsOf(receipt.trackingNumber, 'correction_submitted')).length, 0);
  });

  await t.test('a correction faxed on a Saturday: the case page lets the clerk record it as received on Monday (art. 31)', async (t) => {
    const receipt = await file();
    const field = (html: string) => html.match(/<input type="date" id="corr-received"[^>]*>/)?.[0] ?? '';
    const onMonday = (await (await signIn(app, clerk.email, clerk.password)).get(`/staff/cases/${receipt.trackingNumber}`)).body;
    t.match(field(onMonday), /value="2026-03-02" max="2026-03-02"/, 'on a working day, not after today');
    t.notMatch(pageText(onMonday), /今天不是工作日/);
    clock.set('2026-03-07T03:00:00Z'); // Saturday
    const desk = await signIn(app, clerk.email, clerk.password);
    const page = (await desk.get(`/staff/cases/${receipt.trackingNumber}`)).body;
    t.match(field(page), /value="2026-03-07" max="2026-03-09"/);
    t.match(pageText(page), /今天不是工作日：节假日以传真、电子邮件等方式收到的，收到日期为其后第一个工作日（条例第三十一条）/);
    const version = (await clerk.get(`/api/cases/${receipt.trackingNumber}`)).json().version as number;
    const posted = await desk.post(`/staff/cases/${receipt.trackingNumber}/events`, { type: 'CORRECTION_RECEIVED', expectedVersion: String(version), receivedOn: '2026-03-09' });
    t.match(posted, { statusCode: 303, headers: { location: `/staff/cases/${receipt.trackingNumber}?notice=done` } });
    t.match((await clerk.get(`/api/cases/${receipt.trackingNumber}`)).json(), { state: 'assigned', dueOn: '2026-04-07' });
  });

  await t.test('a request not awaiting a correction cannot be corrected', async (t) => {
    clock.set('2026-03-02T02:00:00Z');
    const receipt = (await anon.post('/api/requests', application())).json() as { trackingNumber: string; accessCode: string };
    const res = await anon.post(`/api/requests/${receipt.trackingNumber}/correction`, { accessCode: receipt.accessCode, text: '补正' });
    t.equal(res.statusCode, 409);
    t.match(res.json(), { error: 'workflow.rule_violation' });
    const page = await webClient(app).get(`/track?trackingNumber=${receipt.trackingNumber}&accessCode=${receipt.accessCode}`);
    t.notMatch(pageText(page.body), /提交补正/, 'no correction form');
  });

  await t.test('from the tracking page: the form, its token, its errors', async (t) => {
    const receipt = await file();
    const web = webClient(app);
    const query = `trackingNumber=${receipt.trackingNumber}&accessCode=${receipt.accessCode}`;
    const page = await web.get(`/track?${query}`);
    t.match(pageText(page.body), /补正期限 2026年3月16日前/);
    t.match(pageText(page.body), /提交补正 湘潭市雨湖区发展和改革局已要求您补正申请，需要补正的事项见 政府信息公开申请补正告知书 。请于2026年3月16日前提交补正；/);
    t.match(page.body, new RegExp(`action="/track/correction\\?trackingNumber&#x3D;${receipt.trackingNumber}&amp;accessCode&#x3D;${receipt.accessCode}&amp;_csrf=`));

    const noToken = multipartBody({ text: '补正' }, []);
    t.equal((await app.inject({ method: 'POST', url: `/track/correction?${query}`, ...noToken })).statusCode, 403, 'no token');

    const empty = await web.postMultipart(`/track/correction?${query}`, { text: '' }, []);
    t.equal(empty.statusCode, 400);
    t.match(pageText(empty.body), /请填写补正内容/);
    t.notMatch(empty.body, /correction-files-reselect/, 'no file sent, none to choose again');
    const noText = await web.postMultipart(`/track/correction?${query}`, { text: '' }, [{ filename: '说明.pdf', content: PDF }]);
    t.match(noText.body, /id="correction-files-reselect">您选择的文件没有保存，请重新选择后再提交。/);
    const scripted = await web.postMultipart(`/track/correction?${query}`, { text: '<script>alert(1)</script>补正' }, [{ filename: 'a.exe', content: EXE }]);
    t.equal(scripted.statusCode, 400);
    t.match(scripted.body, />&lt;script&gt;alert\(1\)&lt;\/script&gt;补正<\/textarea>/, 'what was typed is kept, escaped');
    t.equal((await clerk.get(`/api/cases/${receipt.trackingNumber}`)).json().state, 'awaiting_correction');
    const oversize = await web.postMultipart(`/track/correction?${query}`, { text: '所需信息为项目清单' }, [
      { filename: '扫描件.pdf', content: Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]) },
    ]);
    t.equal(oversize.statusCode, 413);
    t.match(pageText(oversize.body), /附件“扫描件.pdf”超过 10 MB/);
    t.match(oversize.body, />所需信息为项目清单<\/textarea>/, 'what was typed is kept when a file is too large');
    t.equal((await clerk.get(`/api/cases/${receipt.trackingNumber}`)).json().state, 'awaiting_correction');

    const done = await web.postMultipart(`/track/correction?${query}`, { text: '<b>所需信息</b>为项目清单' }, [{ filename: '说明.pdf', content: PDF }]);
    t.equal(done.statusCode, 303);
    const after = pageText((await web.get(String(done.headers.location))).body);
    t.match(after, /补正已提交，答复期限自收到补正之日起重新计算。/);
    t.match(after, /答复期限 2026年3月30日前/);
    t.match(after, /收到补正材料/);
    t.notMatch(after, /补正内容/, 'no form once corrected');
    const desk = await signIn(app, clerk.email, clerk.password);
    const staffPage = (await desk.get(`/staff/cases/${receipt.trackingNumber}`)).body;
    t.match(staffPage, /补正内容：&lt;b&gt;所需信息&lt;\/b&gt;为项目清单/, 'shown to staff as text');
  });
});

t.test('the tracking page says by when the applicant must pay a fee', async (t) => {
  const { app } = await testApp(t);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const receipt = (await api(app).post('/api/requests', application())).json() as { trackingNumber: string; accessCode: string };
  const notice = await clerk.post(`/api/cases/${receipt.trackingNumber}/events`, { type: 'ISSUE_FEE_NOTICE', method: 'per_page', quantity: 100 });
  t.equal(notice.statusCode, 200);
  // 20 working days from the day after the notice (2026-03-02).
  t.match((await api(app).get(`/api/requests/${receipt.trackingNumber}?accessCode=${receipt.accessCode}`)).json(), {
    state: 'awaiting_payment',
    paymentDueOn: '2026-03-30',
    correctionDueOn: null,
  });
  const page = pageText((await webClient(app).get(`/track?trackingNumber=${receipt.trackingNumber}&accessCode=${receipt.accessCode}`)).body);
  // Counted from the fee notice's receipt (docs/statute.md §6): provisional from its issue until that is recorded.
  t.match(page, /缴费期限 2026年3月30日前（自您收到该文书之日起计算；收到日期尚未登记，暂按发出日期计算，登记后以收到日期为准）（逾期未缴纳的，视为放弃申请）/);
});
