import { and, asc, eq, inArray } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { caseEvents, cases, letters } from '../src/db/schema.js';
import { remedySentences, type Remedy } from '../src/letters/remedy.js';
import { OPEN_STATES } from '../src/workflow/types.js';
import { api, staffClient, testApp } from './helpers/test-app.js';
import { application, PDF } from './helpers/factories.js';
import { pageText, signIn, webClient } from './helpers/web.js';

t.test("the clerks' desk", async (t) => {
  const { app, clock, db } = await testApp(t); // Monday 2026-03-02, 10:00 in Shanghai
  const clerkAccount = await staffClient(app, 'clerk', 'fgj');
  const clerk2Account = await staffClient(app, 'clerk', 'fgj');
  const supervisorAccount = await staffClient(app, 'supervisor', 'fgj');
  const otherAccount = await staffClient(app, 'clerk', 'czj');
  let clerk = await signIn(app, clerkAccount.email, clerkAccount.password);
  let supervisor = await signIn(app, supervisorAccount.email, supervisorAccount.password);
  const signInAgain = async () => {
    clerk = await signIn(app, clerkAccount.email, clerkAccount.password);
    supervisor = await signIn(app, supervisorAccount.email, supervisorAccount.password);
  };

  const submit = async (overrides: Record<string, unknown> = {}) => {
    const res = await api(app).post('/api/requests', application(overrides));
    t.equal(res.statusCode, 201, res.body);
    return res.json() as { trackingNumber: string; accessCode: string };
  };
  const caseRow = async (tn: string) => (await db.select().from(cases).where(eq(cases.trackingNumber, tn)))[0]!;
  const lastEntry = async (tn: string) => {
    const row = await caseRow(tn);
    const entries = await db.select().from(caseEvents).where(eq(caseEvents.caseId, row.id)).orderBy(asc(caseEvents.seq));
    return entries.at(-1)!;
  };
  const letterOf = async (tn: string, kind: string) => {
    const row = await caseRow(tn);
    const found = await db
      .select()
      .from(letters)
      .where(and(eq(letters.caseId, row.id), eq(letters.kind, kind)));
    return found.at(-1);
  };
  /** Opens the case page (for its CSRF token and version), then posts an action form. */
  const post = async (web: typeof clerk, tn: string, fields: Record<string, unknown>) => {
    const page = await web.get(`/staff/cases/${tn}`);
    const version = /name="expectedVersion" value="(\d+)"/.exec(page.body)?.[1];
    return web.post(`/staff/cases/${tn}/events`, { expectedVersion: version, ...fields });
  };
  /** An action as its page sends it; a clerk's decision is then signed by the office head (art. 17; test/sign-off.test.ts). */
  const act = async (web: typeof clerk, tn: string, fields: Record<string, unknown>) => {
    const res = await post(web, tn, fields);
    return res.statusCode === 303 && (await caseRow(tn)).pendingDraft ? post(supervisor, tn, { type: 'SIGN_OFF' }) : res;
  };
  /** The fgj agency's review body and court, as every remedy clause of its letters names them. */
  const remedyOf = (remedy: Remedy) => remedySentences({ remedy, reviewBody: '湘潭市雨湖区人民政府', court: '湘潭市雨湖区人民法院' });
  const assertLetter = async (t: Test, tn: string, kind: string, article: RegExp, more: RegExp[] = [], remedy: Remedy = 'review_or_suit') => {
    const letter = await letterOf(tn, kind);
    t.ok(letter, `a ${kind} letter is stored`);
    if (!letter) return;
    t.match(letter.bodyText, article, `${kind}: names the article`);
    t.match(letter.bodyText, /湘潭市雨湖区发展和改革局/, `${kind}: names the agency`);
    t.match(letter.bodyText, new RegExp(tn), `${kind}: gives the tracking number`);
    t.match(letter.documentNumber, /^雨发改依申〔2026〕\d+号$/, `${kind}: has a document number`);
    // 行政复议法 arts. 20, 23; 法释〔2011〕17号 art. 2(1): the remedy by decision, none in an interim letter.
    if (remedy === 'none') t.notMatch(letter.bodyText, /如对本.{0,8}不服/, `${kind}: an interim letter offers no remedy`);
    for (const sentence of remedyOf(remedy)) t.ok(letter.bodyText.includes(sentence), `${kind}: states the remedy (${remedy}) word for word`);
    for (const m of more) t.match(letter.bodyText, m);
    const printable = await clerk.get(`/staff/cases/${tn}/letters/${letter.id}`);
    t.equal(printable.statusCode, 200);
    t.ok(printable.body.includes(letter.bodyHtml), 'the printable page shows the letter exactly as stored');
  };

  await t.test('sign-in, session cookie, CSRF, logout and password change', async (t) => {
    const anon = webClient(app);
    const redirected = await anon.get('/staff');
    t.equal(redirected.statusCode, 303);
    t.equal(redirected.headers.location, '/staff/login?next=%2Fstaff');
    await anon.get('/staff/login');
    const wrong = await anon.post('/staff/login', { email: clerkAccount.email, password: 'not-the-password' });
    t.equal(wrong.statusCode, 401);
    t.match(pageText(wrong.body), /邮箱或密码不正确/);
    t.match(pageText(wrong.body), /忘记密码的，请联系系统管理员重置/, 'and who can help');
    const noCsrf = await anon.post('/staff/login', { email: clerkAccount.email, password: clerkAccount.password }, { csrf: false });
    t.equal(noCsrf.statusCode, 403, 'a form without the CSRF token is refused');
    const ok = await anon.post('/staff/login', { email: clerkAccount.email, password: clerkAccount.password, next: '/staff?state=received' });
    t.equal(ok.statusCode, 303);
    t.equal(ok.headers.location, '/staff?state=received', 'back to where the clerk was going');
    const cookie = ok.cookies.find((c) => c.name === 'ogi_session')!;
    t.match(cookie, { httpOnly: true, sameSite: 'Lax', path: '/' });
    const offsite = await anon.post('/staff/login', { email: clerkAccount.email, password: clerkAccount.password, next: 'https://evil.example/' });
    t.equal(offsite.headers.location, '/staff', 'never an open redirect');
    t.equal(
      await api(app)
        .get('/api/cases')
        .then((r) => r.statusCode),
      401,
    );
    t.equal((await app.inject({ method: 'GET', url: '/api/cases', headers: { cookie: `ogi_session=${cookie.value}` } })).statusCode, 401, 'the API does not take the page cookie');

    await anon.get('/staff');
    const logout = await anon.post('/staff/logout', {});
    t.equal(logout.statusCode, 303);
    t.equal((await anon.get('/staff')).statusCode, 303, 'signed out');

    const a = await signIn(app, clerk2Account.email, clerk2Account.password);
    const b = await signIn(app, clerk2Account.email, clerk2Account.password);
    await a.get('/staff/password');
    const bad = await a.post('/staff/password', { currentPassword: 'wrong', newPassword: 'a-Brand-new-password' });
    t.equal(bad.statusCode, 400);
    t.match(pageText(bad.body), /当前密码不正确/);
    const changed = await a.post('/staff/password', { currentPassword: clerk2Account.password, newPassword: 'a-Brand-new-password' });
    t.equal(changed.statusCode, 303);
    t.equal((await a.get('/staff')).statusCode, 200, 'this session stays');
    t.equal((await b.get('/staff')).statusCode, 303, 'the other session of the account ends');
    await signIn(app, clerk2Account.email, 'a-Brand-new-password');
  });

  await t.test('the case page masks the ID number; revealing it is recorded', async (t) => {
    const { trackingNumber: tn } = await submit();
    const page = await clerk.get(`/staff/cases/${tn}`);
    t.equal(page.statusCode, 200);
    t.match(pageText(page.body), /1101\*{10}002X/);
    t.notMatch(page.body, /11010519491231002X/, 'the full number is not on the page');
    t.notMatch(JSON.stringify((await caseRow(tn)).applicant), /11010519491231002X/, 'nor in the database, where it is sealed');
    t.match(pageText(page.body), /收到申请：2026年3月2日/);
    t.match(pageText(page.body), /法定答复期限：自 2026年3月2日 起 20 个工作日/);
    const revealed = await clerk.post(`/staff/cases/${tn}/reveal`, {});
    t.match(pageText(revealed.body), /11010519491231002X/);
    t.match(await lastEntry(tn), { type: 'ID_REVEALED', actorId: clerkAccount.id });
    t.equal((await caseRow(tn)).version, 1, "looking does not make others' forms stale");
    t.equal((await webClient(app).get(`/staff/cases/${tn}`)).statusCode, 303, 'not without signing in');
    const other = await signIn(app, otherAccount.email, otherAccount.password);
    t.equal((await other.get(`/staff/cases/${tn}`)).statusCode, 404, 'not for another agency');
    t.equal((await other.post(`/staff/cases/${tn}/reveal`, {})).statusCode, 404);
  });

  await t.test('assign, correction, corrected application', async (t) => {
    const { trackingNumber: tn } = await submit();
    let res = await act(clerk, tn, { type: 'ASSIGN', assignee: String(clerkAccount.id) });
    t.equal(res.statusCode, 303);
    t.match(await caseRow(tn), { state: 'assigned', assigneeId: clerkAccount.id });
    t.match(await lastEntry(tn), { type: 'ASSIGN', actorId: clerkAccount.id });

    res = await act(clerk, tn, { type: 'REQUEST_CORRECTION', items: '请写明文件名称\r\n请写明大致成文时间', dueInWorkingDays: '10' });
    t.equal(res.statusCode, 303);
    t.match(await caseRow(tn), { state: 'awaiting_correction', dueOn: null });
    await assertLetter(t, tn, 'correction_notice', /第三十条/, [/1\. ?请写明文件名称|请写明文件名称/, /2026年3月16日前/], 'none');

    clock.set('2026-03-09T02:00:00Z');
    await signInAgain();
    res = await act(clerk, tn, { type: 'CORRECTION_RECEIVED', receivedOn: '2026-03-06' });
    t.equal(res.statusCode, 303);
    // 20 working days from 03-06: 03-09 … 04-03 (Qingming 04-04..06 not reached).
    t.match(await caseRow(tn), { state: 'assigned', dueOn: '2026-04-03' });
    const page = await clerk.get(`/staff/cases/${tn}`);
    t.match(pageText(page.body), /收到补正材料：2026年3月6日，自该日重新计算答复期限/);
  });

  await t.test('a correction after the 7th working day is refused with the rule, and nothing changes', async (t) => {
    clock.set('2026-03-02T02:00:00Z');
    await signInAgain();
    const { trackingNumber: tn } = await submit();
    clock.set('2026-03-12T02:00:00Z'); // the 8th working day after receipt
    await signInAgain();
    const before = await caseRow(tn);
    const res = await act(clerk, tn, { type: 'REQUEST_CORRECTION', items: '请写明文件名称', dueInWorkingDays: '10' });
    t.equal(res.statusCode, 409, 'the desk page itself explains the refusal');
    t.notMatch(res.body, /告知补正（条例第三十条）/, 'the action is no longer offered');
    t.same(await caseRow(tn), before);
  });

  await t.test('consultation and reply; extension requested by a clerk and decided by a supervisor', async (t) => {
    clock.set('2026-03-02T02:00:00Z');
    await signInAgain();
    const { trackingNumber: tn, accessCode } = await submit();
    let res = await act(clerk, tn, { type: 'CONSULT_THIRD_PARTY', partyKind: 'third_party', party: '湘潭某建设有限公司', matter: '施工合同金额' });
    t.equal(res.statusCode, 303);
    t.match(await caseRow(tn), { state: 'consulting', clockStopped: true });
    await assertLetter(t, tn, 'consultation_request', /第三十二条/, [/湘潭某建设有限公司/, /2026年3月23日前/], 'none');
    await assertLetter(t, tn, 'consultation_notice', /第三十二条/, [/不计算在答复期限内/], 'none');
    t.equal((await letterOf(tn, 'consultation_request'))!.recipient, 'third_party');

    clock.set('2026-03-06T02:00:00Z');
    await signInAgain();
    res = await act(clerk, tn, { type: 'THIRD_PARTY_REPLIED', opinion: 'object', reasons: '', repliedOn: '2026-03-06' });
    t.equal(res.statusCode, 409);
    t.match(pageText(res.body), /须记录其理由/);
    res = await act(clerk, tn, { type: 'THIRD_PARTY_REPLIED', opinion: 'object', reasons: '涉及商业秘密', repliedOn: '2026-03-06' });
    t.equal(res.statusCode, 303);
    // Stopped 03-02..03-06: 4 working days, so 03-30 becomes 04-03.
    t.match(await caseRow(tn), { state: 'received', clockStopped: false, dueOn: '2026-04-03' });

    res = await act(clerk, tn, { type: 'EXTEND', workingDays: '10', reason: '档案调取' });
    t.equal(res.statusCode, 409, 'a clerk cannot extend');
    res = await act(clerk, tn, { type: 'REQUEST_EXTENSION', workingDays: '10', reason: '需调取历史档案' });
    t.equal(res.statusCode, 303);
    t.match(await lastEntry(tn), { type: 'REQUEST_EXTENSION', payload: { workingDays: 10 } });
    t.equal((await caseRow(tn)).dueOn, '2026-04-03', 'a request moves nothing');
    const seen = (await api(app).get(`/api/requests/${tn}?accessCode=${accessCode}`)).json();
    t.notOk(
      seen.timeline.some((e: { type: string }) => e.type === 'REQUEST_EXTENSION'),
      "the applicant is not shown the office's internal request",
    );
    const supPage = await supervisor.get(`/staff/cases/${tn}`);
    t.match(pageText(supPage.body), /延期申请待负责人审批：10 个工作日/);
    // Art. 33: the office head may refuse, saying why; the clerk is told and the period stands.
    res = await act(clerk, tn, { type: 'REFUSE_EXTENSION', reason: '档案已电子化，无需延期' });
    t.equal(res.statusCode, 409, 'a clerk cannot refuse either');
    res = await act(supervisor, tn, { type: 'REFUSE_EXTENSION', reason: '' });
    t.equal(res.statusCode, 400, 'a refusal says why');
    res = await act(supervisor, tn, { type: 'REFUSE_EXTENSION', reason: '档案已电子化，无需延期' });
    t.equal(res.statusCode, 303);
    t.match(await lastEntry(tn), { type: 'REFUSE_EXTENSION', payload: { reason: '档案已电子化，无需延期' } });
    t.equal((await caseRow(tn)).dueOn, '2026-04-03', 'the period stands');
    t.match(pageText((await clerk.get(`/staff/cases/${tn}`)).body), /负责人不同意延长答复期限 .*不同意延期；理由：档案已电子化，无需延期/, 'the clerk reads why');
    t.notOk(
      (await api(app).get(`/api/requests/${tn}?accessCode=${accessCode}`)).json().timeline.some((e: { type: string }) => e.type === 'REFUSE_EXTENSION'),
      'internal, like the request',
    );
    res = await act(clerk, tn, { type: 'REQUEST_EXTENSION', workingDays: '10', reason: '需调取历史档案' });
    t.equal(res.statusCode, 303, 'the clerk may ask again');
    res = await act(supervisor, tn, { type: 'EXTEND', workingDays: '10', reason: '需调取历史档案' });
    t.equal(res.statusCode, 303);
    // 04-03 + 10 working days, skipping Qingming (04-04..04-06).
    t.match(await caseRow(tn), { dueOn: '2026-04-20' });
    await assertLetter(t, tn, 'extension_notice', /第三十三条第二款/, [/延长10个工作日/, /2026年4月20日前/, /需调取历史档案/], 'none');
    res = await act(supervisor, tn, { type: 'EXTEND', workingDays: '5', reason: '再延' });
    t.equal(res.statusCode, 409);
    t.match(pageText(res.body), /只能延长一次/);
  });

  await t.test('art. 35: the applicant is asked to explain requests clearly beyond reason; the answer period runs on', async (t) => {
    clock.set('2026-03-02T02:00:00Z');
    await signInAgain();
    const { trackingNumber: tn, accessCode } = await submit();
    t.match(pageText((await clerk.get(`/staff/cases/${tn}`)).body), /要求申请人说明理由（条例第三十五条）/, 'offered on the case page');
    let res = await act(clerk, tn, { type: 'REQUEST_REASONS', matter: '', replyWithinWorkingDays: '10' });
    t.equal(res.statusCode, 400, 'the facts must be stated');
    res = await act(clerk, tn, { type: 'REQUEST_REASONS', matter: '您自2026年1月起已向本机关提出申请120件', replyWithinWorkingDays: '10' });
    t.equal(res.statusCode, 303);
    t.match(await caseRow(tn), { state: 'received', clockStopped: false, dueOn: '2026-03-30' });
    t.match(await lastEntry(tn), { type: 'REQUEST_REASONS', payload: { matter: '您自2026年1月起已向本机关提出申请120件', replyWithinWorkingDays: 10 } });
    // Ten working days from Monday 2 March: Monday 16 March.
    await assertLetter(t, tn, 'reasons_request', /第三十五条/, [/提出申请120件/, /明显超过合理范围/, /2026年3月16日前/, /不予处理/], 'none');
    const mine = (await api(app).get(`/api/requests/${tn}?accessCode=${accessCode}`)).json();
    t.match(mine.letters.at(-1), { kind: 'reasons_request', title: '政府信息公开申请说明理由告知书' }, 'the applicant sees the letter');
    t.equal(mine.timeline.at(-1).type, 'REQUEST_REASONS');
    res = await act(clerk, tn, { type: 'REQUEST_REASONS', matter: '再次要求', replyWithinWorkingDays: '5' });
    t.equal(res.statusCode, 409);
    t.match(pageText(res.body), /不能重复要求/);
    // Art. 35: "unreasonable" only once the reasons are in, or their reply date has passed without them.
    res = await act(clerk, tn, { type: 'ANSWER', disposition: 'rejected_excessive', text: '逾期未说明理由，本机关不予处理。' });
    t.equal(res.statusCode, 409);
    t.match(pageText(res.body), /art35_excessive_after_reasons_or_reply_date/);
    clock.set('2026-03-17T02:00:00Z');
    await signInAgain();
    res = await act(clerk, tn, { type: 'ANSWER', disposition: 'rejected_excessive', text: '逾期未说明理由，本机关不予处理。' });
    t.equal(res.statusCode, 303);
    t.match(await caseRow(tn), { state: 'answered', disposition: 'rejected_excessive' });
    await assertLetter(t, tn, 'answer', /第三十五条/, [/已于2026年3月2日要求您说明申请理由，您未在2026年3月16日前说明理由/, /不予处理/]);
    clock.set('2026-03-02T02:00:00Z');
    await signInAgain();

    // Another applicant's reasons hold, but the work cannot be done in time: the office head sets a later date.
    const { trackingNumber: tn2 } = await submit();
    t.notMatch(pageText((await supervisor.get(`/staff/cases/${tn2}`)).body), /确定延迟答复的期限/, 'not offered before reasons were asked for');
    res = await act(clerk, tn2, { type: 'REQUEST_REASONS', matter: '您本月已向本机关提出申请60件', replyWithinWorkingDays: '5' });
    t.equal(res.statusCode, 303);
    res = await act(supervisor, tn2, { type: 'DEFER_ANSWER', dueOn: '2026-05-29', reason: '需逐件检索所涉档案' });
    t.equal(res.statusCode, 409, 'not before the reasons are in (art. 35)');
    t.match(pageText(res.body), /art35_deferral_after_reasons_given/);
    res = await act(clerk, tn2, { type: 'REASONS_GIVEN', text: '为撰写区域发展研究报告，需要逐年比对。', receivedOn: '2026-03-02' });
    t.equal(res.statusCode, 303);
    res = await act(clerk, tn2, { type: 'DEFER_ANSWER', dueOn: '2026-05-29', reason: '需逐件检索所涉档案' });
    t.equal(res.statusCode, 409, 'a clerk cannot set the later date');
    res = await act(supervisor, tn2, { type: 'DEFER_ANSWER', dueOn: '2026-03-20', reason: '需逐件检索所涉档案' });
    t.equal(res.statusCode, 409);
    t.match(pageText(res.body), /须晚于现在的答复期限/);
    res = await act(supervisor, tn2, { type: 'DEFER_ANSWER', dueOn: '2026-05-29', reason: '需逐件检索所涉档案' });
    t.equal(res.statusCode, 303);
    t.match(await caseRow(tn2), { state: 'received', dueOn: '2026-05-29' });
    await assertLetter(t, tn2, 'deferral_notice', /第三十五条/, [/理由合理/, /需逐件检索所涉档案/, /2026年5月29日前作出答复/], 'none');
    t.match(pageText((await clerk.get(`/staff/cases/${tn2}`)).body), /延迟答复：.*2026年5月29日 前答复（条例第三十五条）/);
  });

  await t.test("fee notice by the tiers, counting the applicant's requests in the month, then payment", async (t) => {
    clock.set('2026-03-02T02:00:00Z');
    await signInAgain();
    // Bring the applicant to ten requests to the agency this month; this one then holds items 11–13.
    const mine = async () =>
      (
        await db
          .select()
          .from(cases)
          .where(eq(cases.applicantKey, (await caseRow((await submit()).trackingNumber)).applicantKey))
      ).length;
    while ((await mine()) < 10);
    const { trackingNumber: tn } = await submit();
    let res = await act(clerk, tn, { type: 'ISSUE_FEE_NOTICE', method: 'per_item', quantity: '3' });
    t.equal(res.statusCode, 303);
    const row = await caseRow(tn);
    const earlier = (
      await db
        .select()
        .from(cases)
        .where(and(eq(cases.applicantKey, row.applicantKey), eq(cases.agencyId, row.agencyId)))
    ).filter((c) => c.id < row.id).length;
    t.ok(earlier >= 10, `${earlier} earlier requests this month`);
    const expected = [1, 2, 3].map((i) => (earlier + i <= 10 ? 0 : earlier + i <= 30 ? 100 : 200)).reduce<number>((a, b) => a + b, 0);
    t.equal(row.state, 'awaiting_payment');
    t.equal(row.feeAmountYuan, expected, `items ${earlier + 1}–${earlier + 3} of the month cost ${expected} yuan`);
    await assertLetter(t, tn, 'fee_notice', /第四十二条/, [
      new RegExp(`人民币${expected}元`),
      /按件计收/,
      /20个工作日内/,
      new RegExp(`此前已向本机关累计申请${earlier}件，本申请计为本月第${earlier + 1}至${earlier + 3}件`),
    ]);
    clock.set('2026-03-04T02:00:00Z');
    await signInAgain();
    res = await act(clerk, tn, { type: 'FEE_PAID', paidOn: '2026-03-04' });
    t.equal(res.statusCode, 303);
    t.match(await caseRow(tn), { state: 'received', dueOn: '2026-04-01', feePaidOn: '2026-03-04' });

    // The next application of the month: the one above counts as its three items, the others as one.
    clock.set('2026-03-02T02:00:00Z');
    await signInAgain();
    const { trackingNumber: next } = await submit();
    const nextRow = await caseRow(next);
    const before =
      (
        await db
          .select()
          .from(cases)
          .where(and(eq(cases.applicantKey, nextRow.applicantKey), eq(cases.agencyId, nextRow.agencyId)))
      ).filter((c) => c.id < nextRow.id).length + 2;
    const quantity = 31 - before; // its last item is the month's 31st, the first at 200 yuan
    res = await act(clerk, next, { type: 'ISSUE_FEE_NOTICE', method: 'per_item', quantity: String(quantity) });
    t.equal(res.statusCode, 303);
    t.equal(
      (await caseRow(next)).feeAmountYuan,
      100 * (quantity - 1) + 200,
      `items ${before + 1}–31 of the month: the running count includes the three items of the earlier notice`,
    );
    t.match(
      (await letterOf(next, 'fee_notice'))!.bodyText,
      new RegExp(`此前已向本机关累计申请${before}件，本申请计为本月第${before + 1}至31件`),
      'the notice says where its items fall in the month',
    );
  });

  await t.test('transfer within the system', async (t) => {
    clock.set('2026-03-02T02:00:00Z');
    await signInAgain();
    const { trackingNumber: tn, accessCode } = await submit();
    const res = await act(clerk, tn, { type: 'TRANSFER', agency: 'czj' });
    t.equal(res.statusCode, 303);
    t.match(await caseRow(tn), { state: 'closed', disposition: 'unavailable_not_held' });
    const entry = await lastEntry(tn);
    t.match(entry, { type: 'TRANSFER', payload: { agency: 'czj', to: /^CZJ-2026-\d{5}$/ } });
    await assertLetter(t, tn, 'transfer_notice', /第三十六条第五项/, [/湘潭市雨湖区财政局/, new RegExp(String(entry.payload.to))]);
    const tracked = await api(app).get(`/api/requests/${entry.payload.to}?accessCode=${accessCode}`);
    t.equal(tracked.statusCode, 200);
  });

  await t.test('answers: partial disclosure with released files, and an answer naming an agency outside the system', async (t) => {
    const { trackingNumber: tn, accessCode } = await submit();
    const page = await clerk.get(`/staff/cases/${tn}`);
    const version = /name="expectedVersion" value="(\d+)"/.exec(page.body)![1];
    const noReasons = await clerk.postMultipart(
      `/staff/cases/${tn}/events`,
      {
        expectedVersion: version,
        type: 'ANSWER',
        disposition: 'partially_disclosed',
        text: '',
        withheldReasons: '清单中的个人住址属于个人隐私，依第十五条不予公开。',
        legalBasis: '',
      },
      [{ filename: '项目清单（已处理）.pdf', content: PDF }],
    );
    t.equal(noReasons.statusCode, 400);
    t.match(noReasons.body, /id="answer-files-reselect">您选择的文件没有保存，请重新选择后再提交。/, 'the clerk is asked to choose the file again');
    const res = await clerk.postMultipart(
      `/staff/cases/${tn}/events`,
      {
        expectedVersion: version,
        type: 'ANSWER',
        disposition: 'partially_disclosed',
        text: '现提供项目清单（已删除个人信息）。',
        withheldReasons: '清单中的个人住址属于个人隐私，依第十五条不予公开。',
        legalBasis: '',
      },
      [{ filename: '项目清单（已处理）.pdf', content: PDF }],
    );
    t.equal(res.statusCode, 303, res.body.slice(0, 500));
    t.match(await caseRow(tn), { state: 'received', pendingDraft: 'ANSWER' }, 'a draft, its file kept back');
    t.equal((await api(app).get(`/api/requests/${tn}?accessCode=${accessCode}`)).json().releasedFiles.length, 0, 'the applicant sees no file before sign-off');
    t.equal((await post(supervisor, tn, { type: 'SIGN_OFF' })).statusCode, 303, 'signed by the office head (art. 17)');
    t.match(await caseRow(tn), { state: 'answered', disposition: 'partially_disclosed', concludedOn: '2026-03-02' });
    await assertLetter(t, tn, 'answer', /第三十七条/, [/部分公开/, /个人住址属于个人隐私/, /项目清单（已处理）\.pdf/], 'partial');
    const tracked = (await api(app).get(`/api/requests/${tn}?accessCode=${accessCode}`)).json();
    t.same(
      tracked.releasedFiles.map((f: { filename: string }) => f.filename),
      ['项目清单（已处理）.pdf'],
    );
    t.same(
      tracked.letters.map((l: { kind: string }) => l.kind),
      ['receipt', 'answer'],
      'the applicant sees their letters',
    );
    t.ok(
      remedyOf('partial').every((sentence) => tracked.letters[1].text.includes(sentence)),
      'the applicant reads the remedy the partial disclosure carries',
    );

    const other = await submit();
    const notHeld = await act(clerk, other.trackingNumber, {
      type: 'ANSWER',
      disposition: 'unavailable_not_held',
      text: '经检索，本机关未制作或获取该信息。',
      responsibleAgency: '湘潭市自然资源和规划局',
      responsibleAgencyContact: '电话 0731-55555555',
      notResponsibleReason: '建设项目用地审批信息由市自然资源和规划局制作并保存。',
    });
    t.equal(notHeld.statusCode, 303);
    // Art. 36(5) exactly when the responsible agency is named: its name, contact and the reason.
    await assertLetter(t, other.trackingNumber, 'answer', /第三十六条第五项/, [/湘潭市自然资源和规划局/, /联系方式：电话 0731-55555555/, /理由是：建设项目用地审批信息/]);
  });

  await t.test('withdrawal', async (t) => {
    const { trackingNumber: tn } = await submit();
    const res = await act(clerk, tn, { type: 'WITHDRAW', reason: '申请人来电撤回' });
    t.equal(res.statusCode, 303);
    t.match(await caseRow(tn), { state: 'closed', disposition: 'other' });
    t.match(await lastEntry(tn), { type: 'WITHDRAW', payload: { reason: '申请人来电撤回' } });
  });

  await t.test('likely repeats are flagged and answered in one click; other applicants asking the same are shown (art. 44)', async (t) => {
    const first = await submit({ description: '请公开雨湖区2025年度城市道路维修工程的预算和决算报告' });
    const whileOpen = await submit({ description: '请公开雨湖区2025年度城市道路维修工程的预算及决算报告' });
    t.notMatch(pageText((await clerk.get(`/staff/cases/${whileOpen.trackingNumber}`)).body), /可能为重复申请/, 'an earlier request not yet answered is no repeat');
    await act(clerk, first.trackingNumber, { type: 'ANSWER', disposition: 'disclosed', text: '现向您提供预算和决算报告，见附件。' });
    const repeat = await submit({ description: '请公开雨湖区2025年度城市道路维修工程的预算及决算报告' });
    const page = await clerk.get(`/staff/cases/${repeat.trackingNumber}`);
    t.match(pageText(page.body), new RegExp(`可能为重复申请.*${first.trackingNumber}`));
    const res = await clerk.post(`/staff/cases/${repeat.trackingNumber}/events`, {
      expectedVersion: /name="expectedVersion" value="(\d+)"/.exec(page.body)![1],
      type: 'ANSWER',
      disposition: 'rejected_duplicate',
      earlierCase: first.trackingNumber,
      text: /name="text" value="([^"]+)"/.exec(page.body)![1],
    });
    t.equal(res.statusCode, 303);
    t.equal((await post(supervisor, repeat.trackingNumber, { type: 'SIGN_OFF' })).statusCode, 303, 'signed by the office head (art. 17)');
    t.match(await caseRow(repeat.trackingNumber), { state: 'answered', disposition: 'rejected_duplicate' });
    await assertLetter(t, repeat.trackingNumber, 'answer', /第三十六条第六项/, [new RegExp(`编号：${first.trackingNumber}`)]);

    const someoneElse = await submit({ description: '申请公开雨湖区2025年度城市道路维修工程预算和决算', applicant: { name: '李四', idType: 'passport', idNumber: 'E12345678' } });
    const theirs = await clerk.get(`/staff/cases/${someoneElse.trackingNumber}`);
    t.match(pageText(theirs.body), /其他申请人也申请了相同或相似的信息/);
    t.match(pageText(theirs.body), new RegExp(first.trackingNumber));
    t.notMatch(pageText(theirs.body), /可能为重复申请/, 'not a repeat: another applicant');
  });

  await t.test('two clerks at once: one wins, the other sees why and the fresh case', async (t) => {
    const { trackingNumber: tn } = await submit();
    const pageA = await clerk.get(`/staff/cases/${tn}`);
    const other = await signIn(app, clerk2Account.email, 'a-Brand-new-password');
    const pageB = await other.get(`/staff/cases/${tn}`);
    const versionA = /name="expectedVersion" value="(\d+)"/.exec(pageA.body)![1];
    const versionB = /name="expectedVersion" value="(\d+)"/.exec(pageB.body)![1];
    t.equal(versionA, versionB);
    const a = await clerk.post(`/staff/cases/${tn}/events`, { expectedVersion: versionA, type: 'ASSIGN', assignee: String(clerkAccount.id) });
    const b = await other.post(`/staff/cases/${tn}/events`, { expectedVersion: versionB, type: 'CONSULT_THIRD_PARTY', partyKind: 'third_party', party: '某公司', matter: '合同' });
    t.equal(a.statusCode, 303);
    t.equal(b.statusCode, 409);
    t.match(pageText(b.body), /该申请已被他人更新，请查看最新情况后再操作/);
    t.match(pageText(b.body), /承办人：clerk\d+/, "the fresh case shows the winner's change");
    t.match(b.body, /name="party" value="某公司"/, 'what the loser typed is kept');
    t.match(await caseRow(tn), { state: 'assigned', assigneeId: clerkAccount.id });
  });

  await t.test('the queue: sorted by due date, marks, filters, search and paging', async (t) => {
    const consulting = await submit();
    await act(clerk, consulting.trackingNumber, { type: 'CONSULT_THIRD_PARTY', partyKind: 'agency', party: '区财政局', matter: '联合发文' });
    clock.set('2026-03-25T02:00:00Z');
    await signInAgain();
    const page = await clerk.get('/staff');
    t.equal(page.statusCode, 200);
    const text = pageText(page.body);
    t.match(text, /3 个工作日内到期/, 'due-soon mark: 03-30 is 3 working days away');
    t.match(text, /计时中止/, 'clock-stopped mark');
    const dueDates = [...page.body.matchAll(/<span class="nowrap">(\d{4})年(\d+)月(\d+)日<\/span><br>/g)].map((m) => `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`);
    t.ok(dueDates.length > 2, 'due dates shown');
    t.same(dueDates, [...dueDates].sort(), 'sorted by due date');
    const byName = await clerk.get('/staff?q=李四');
    t.match(pageText(byName.body), /李四/);
    t.notMatch(pageText(byName.body), /张三/);
    const byWords = await clerk.get(`/staff?q=${encodeURIComponent('道路维修')}`);
    // The likely-repeat test filed four requests about road repairs.
    t.equal([...byWords.body.matchAll(/href="\/staff\/cases\/FGJ-/g)].length, 4);
    const mine = await clerk.get('/staff?assignee=me');
    t.ok([...mine.body.matchAll(/href="\/staff\/cases\//g)].length >= 2);
    t.notMatch(pageText(mine.body), /未分办/);
    const answered = await clerk.get('/staff?state=answered');
    t.notMatch(answered.body, /<td>(已受理，待分办|办理中)/, 'only answered cases listed');
    const range = await clerk.get('/staff?receivedFrom=2026-03-03&receivedTo=2026-03-31');
    t.match(pageText(range.body), /没有符合条件的申请/);
    const paged: string[] = [];
    let url: string | null = '/staff?limit=4&tab=open';
    while (url) {
      const p = await clerk.get(url);
      paged.push(...[...p.body.matchAll(/href="\/staff\/cases\/([A-Z]+-\d{4}-\d{5})"/g)].map((m) => m[1]!));
      url =
        /href="(\/staff\?[^"]*)">下一页/
          .exec(p.body)?.[1]
          ?.replace(/&amp;/g, '&')
          .replace(/&#x3D;/g, '=') ?? null;
    }
    const all = await db
      .select({ tn: cases.trackingNumber })
      .from(cases)
      .where(and(eq(cases.agencyId, (await caseRow(paged[0]!)).agencyId), inArray(cases.state, [...OPEN_STATES])));
    t.same([...paged].sort(), all.map((r) => r.tn).sort(), 'paging shows every open case of the agency once');
  });
});

t.test('a clerk registers an application received on paper (art. 29, 31)', async (t) => {
  const { app, db } = await testApp(t); // Monday 2026-03-02, 10:00 in Shanghai
  const account = await staffClient(app, 'clerk', 'fgj');
  const clerk = await signIn(app, account.email, account.password);
  const count = async () => (await db.select({ tn: cases.trackingNumber }).from(cases)).length;
  const scan = { filename: '申请书扫描件.pdf', content: PDF, type: 'application/pdf' };

  const form = await clerk.get('/staff/cases/new');
  t.equal(form.statusCode, 200);
  t.match(form.body, /<option value="fgj" selected/, "the clerk's own agency is chosen");
  t.match(form.body, /name="receivedOn"[^>]*value="2026-03-02"/, 'received today unless the clerk says otherwise');
  t.notMatch(form.body, /<option value="czj"/, 'other agencies are not offered');

  // Registered post signed for on Friday 27 February; Saturday 28 February is a working day in 2026.
  const registered = await clerk.postMultipart('/staff/cases/new', { ...application(), channel: 'post', receivedOn: '2026-02-27' }, [scan]);
  t.equal(registered.statusCode, 200, 'registered');
  const text = pageText(registered.body);
  t.match(text, /申请已登记/);
  const tn = /申请编号\s+(FGJ-2026-\d{5})/.exec(text)?.[1];
  const accessCode = /查询码\s+(\S+)（请告知申请人/.exec(text)?.[1];
  t.ok(tn && accessCode, 'the page gives the tracking number and the access code to pass on');
  t.match(text, /收到日期\s+2026年2月27日/);
  t.match(text, /答复期限\s+2026年3月26日/, '20 working days from the day after signing');
  t.match(text, /政府信息公开申请接收回执/, 'the receipt to hand over or post');
  t.match(text, new RegExp(`查询码告知单.*查询码：\\s*${accessCode}`), 'with the access code printed this once');
  t.notMatch(text, /答复期限.*已经届满/, 'no warning for a receipt within the period');
  const late = pageText((await clerk.postMultipart('/staff/cases/new', { ...application(), channel: 'post', receivedOn: '2026-01-05' }, [])).body);
  t.match(late, /答复期限（2026年2月\d+日）已经届满/, 'a receipt date past the answer period is flagged at registration');
  const page = await clerk.get(`/staff/cases/${tn}`);
  t.equal(page.statusCode, 200);
  t.match(pageText(page.body), /申请书扫描件\.pdf/, 'the scan is kept with the case');
  t.notMatch(page.body, /11010519491231002X/, 'the number is masked');
  const tracked = await api(app).get(`/api/requests/${tn}?accessCode=${accessCode}`);
  t.match(tracked.json(), { state: 'received', receivedOn: '2026-02-27', dueOn: '2026-03-26' }, 'the applicant can follow it with the code');

  // Wrong input: the form again, with what was typed and why, and nothing stored.
  const before = await count();
  const wrong = await clerk.postMultipart('/staff/cases/new', { ...application({ applicant: { name: '' } }), channel: 'in_person', receivedOn: '2026-03-03' }, [scan]);
  t.equal(wrong.statusCode, 400);
  t.match(pageText(wrong.body), /收到申请的日期不能晚于今天/);
  t.match(wrong.body, /请公开2026年雨湖区政府投资重大建设项目的审批结果清单/, 'keeps what was typed');
  t.match(pageText(wrong.body), /您选择的文件没有保存，请重新选择后再提交。/, 'and asks for the scan again');
  const elsewhere = await clerk.postMultipart('/staff/cases/new', { ...application({ agency: 'czj' }), channel: 'in_person', receivedOn: '2026-03-02' }, []);
  t.equal(elsewhere.statusCode, 400);
  t.match(pageText(elsewhere.body), /只能登记本机关收到的申请/, "not for another agency's");
  const forged = await app.inject({
    method: 'POST',
    url: '/staff/cases/new',
    headers: { cookie: [...clerk.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'agency=fgj',
  });
  t.equal(forged.statusCode, 403, 'not without the form token');
  t.equal((await webClient(app).get('/staff/cases/new')).statusCode, 303, 'not without signing in');
  t.equal(await count(), before, 'nothing stored');
});
