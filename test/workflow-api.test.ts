import { and, count, eq } from 'drizzle-orm';
import t from 'tap';
import { agencies, caseEvents, cases, timers } from '../src/db/schema.js';
import { ADMIN, api, login, staffClient, testApp } from './helpers/test-app.js';
import { application } from './helpers/factories.js';

t.test('staff drive the statutory workflow over the API', async (t) => {
  const { app, clock, db } = await testApp(t); // Monday 2026-03-02
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const supervisor = await staffClient(app, 'supervisor', 'fgj');
  const otherClerk = await staffClient(app, 'clerk', 'czj');

  const register = async (receivedOn: string, overrides: Record<string, unknown> = {}) => {
    const res = await clerk.post('/api/cases', { ...application(), channel: 'post', receivedOn, ...overrides });
    t.equal(res.statusCode, 201, res.body);
    return res.json() as { trackingNumber: string; accessCode: string; dueOn: string };
  };
  // A clerk's decision is a draft until the office head signs it (art. 17; test/sign-off.test.ts): here, signed at once.
  const signed = async (res: Awaited<ReturnType<typeof clerk.post>>, tn: string) =>
    res.json().pendingDraft ? supervisor.post(`/api/cases/${tn}/events`, { type: 'SIGN_OFF' }) : res;
  const act = async (tn: string, body: Record<string, unknown>, who = clerk) =>
    who === clerk ? signed(await who.post(`/api/cases/${tn}/events`, body), tn) : who.post(`/api/cases/${tn}/events`, body);
  const snapshotOf = async (tn: string) => {
    const [row] = await db.select({ version: cases.version, state: cases.state, dueOn: cases.dueOn }).from(cases).where(eq(cases.trackingNumber, tn));
    const [events] = await db.select({ n: count() }).from(caseEvents).innerJoin(cases, eq(cases.id, caseEvents.caseId)).where(eq(cases.trackingNumber, tn));
    return { ...row, events: events!.n };
  };

  await t.test('sign-in', async (t) => {
    const bad = await api(app).post('/api/auth/login', { email: ADMIN.email, password: 'wrong-password' });
    t.equal(bad.statusCode, 401);
    t.equal(bad.json().error, 'auth.invalid_credentials');
    t.equal((await api(app).get('/api/cases')).statusCode, 401, 'no token, no cases');
    t.equal((await api(app, 'forged-token').get('/api/cases')).statusCode, 401);
    t.equal(
      (await clerk.post('/api/staff', { email: 'x@test.local', password: 'long-enough-1', name: 'x', role: 'clerk', agency: 'fgj' })).statusCode,
      403,
      'only administrators create staff',
    );
  });

  await t.test('who am I, a new password, signing out', async (t) => {
    const account = await staffClient(app, 'clerk', 'fgj');
    const [mine, elsewhere] = [await login(app, account.email, account.password), await login(app, account.email, account.password)];
    const me = await api(app, mine).get('/api/auth/me');
    const [fgj] = await db.select({ id: agencies.id }).from(agencies).where(eq(agencies.slug, 'fgj'));
    const who = { id: account.id, email: account.email, name: account.email.split('.')[0], role: 'clerk', agencyId: fgj!.id, jurisdictionId: null, oversees: null };
    t.same(me.json(), { ...who, passwordChangeRequired: false }, 'who is signed in, and nothing of the password');
    t.equal((await api(app).get('/api/auth/me')).statusCode, 401);

    const wrong = await api(app, mine).post('/api/auth/password', { currentPassword: 'not-it', newPassword: 'a-new-password-1' });
    t.equal(wrong.statusCode, 400);
    t.match(wrong.json().fields, { currentPassword: '当前密码不正确' });
    const short = await api(app, mine).post('/api/auth/password', { currentPassword: account.password, newPassword: 'short' });
    t.match(short.json().fields, { newPassword: /新密码至少 \d+ 个字符/ });
    t.equal(
      await login(app, account.email, account.password).then(
        () => 200,
        () => 401,
      ),
      200,
      'a refused change changes nothing',
    );

    t.equal((await api(app, mine).post('/api/auth/password', { currentPassword: account.password, newPassword: 'a-new-password-1' })).statusCode, 204);
    t.equal((await api(app, elsewhere).get('/api/auth/me')).statusCode, 401, "the account's other sessions end");
    t.equal((await api(app, mine).get('/api/auth/me')).statusCode, 200, 'this one goes on');
    t.equal((await api(app).post('/api/auth/login', { email: account.email, password: account.password })).statusCode, 401, 'the old password no longer signs in');
    t.equal((await api(app).post('/api/auth/login', { email: account.email, password: 'a-new-password-1' })).statusCode, 200, 'the new one does');

    t.equal((await api(app, mine).post('/api/auth/logout')).statusCode, 204);
    t.equal((await api(app, mine).get('/api/cases')).statusCode, 401, 'a signed-out token opens nothing');
  });

  await t.test("registration of a paper application with the clerk's receipt date (art. 31)", async (t) => {
    // Received Monday 2026-02-02: Spring Festival (02-15..02-23) and the worked Saturdays 02-14 and 02-28 fall in the period.
    const c = await register('2026-02-02');
    t.match(c, { trackingNumber: /^FGJ-2026-\d{5}$/, receivedOn: '2026-02-02', dueOn: '2026-03-06', accessCode: /^[A-Z2-9]{8}$/ });
    const future = await clerk.post('/api/cases', { ...application(), channel: 'in_person', receivedOn: '2026-03-03' });
    t.equal(future.statusCode, 400);
    t.match(future.json().fields, { receivedOn: /不能晚于今天/ });
    // A typo of 2016 for 2026 would number the case in 2016, file it overdue and change a published report.
    const typo = await clerk.post('/api/cases', { ...application(), channel: 'in_person', receivedOn: '2016-03-02' });
    t.equal(typo.statusCode, 400);
    t.match(typo.json().fields, { receivedOn: '收到申请的日期不能早于 2025 年 1 月 1 日' });
    t.equal((await clerk.post('/api/cases', { ...application(), channel: 'post', receivedOn: '2025-01-02' })).statusCode, 201, "last year's letter found late is still registered");
    const noChannel = await clerk.post('/api/cases', { ...application(), receivedOn: '2026-03-02' });
    t.match(noChannel.json().fields, { channel: /渠道/ });
    const elsewhere = await clerk.post('/api/cases', { ...application({ agency: 'czj' }), channel: 'post', receivedOn: '2026-03-02' });
    t.match(elsewhere.json().fields, { agency: /本机关/ }, 'a clerk registers only for their own agency');

    const view = await clerk.get(`/api/cases/${c.trackingNumber}`);
    t.equal(view.statusCode, 200);
    t.match(view.json(), {
      state: 'received',
      version: 1,
      channel: 'post',
      applicant: { name: '张三', idNumber: '1101**********002X' },
      events: [{ seq: 1, type: 'REGISTERED', actor: { kind: 'staff', name: clerk.email.split('.')[0] } }],
    });
    // 2026-03-02 is the 18th working day after receipt: too late for a correction (art. 30).
    const offered = (list: string) => list.split(' ');
    t.same(view.json().allowedEvents, offered('ASSIGN CONSULT_THIRD_PARTY REQUEST_REASONS REQUEST_EXTENSION ISSUE_FEE_NOTICE TRANSFER ANSWER WITHDRAW CORRECT_LETTER'));
    const offeredToHead = (await supervisor.get(`/api/cases/${c.trackingNumber}`)).json().allowedEvents;
    t.same(offeredToHead, offered('ASSIGN CONSULT_THIRD_PARTY REQUEST_REASONS EXTEND ISSUE_FEE_NOTICE TRANSFER ANSWER WITHDRAW CORRECT_LETTER'));
  });

  await t.test('a clerk of another agency cannot read or act on the case', async (t) => {
    const c = await register('2026-03-02');
    const read = await otherClerk.get(`/api/cases/${c.trackingNumber}`);
    const missing = await otherClerk.get('/api/cases/FGJ-2026-99999');
    t.equal(read.statusCode, 404);
    t.same(read.json(), missing.json(), 'indistinguishable from a missing case');
    t.equal((await act(c.trackingNumber, { type: 'WITHDRAW' }, otherClerk)).statusCode, 404);
    t.equal((await otherClerk.get(`/api/cases/${c.trackingNumber}/attachments/00000000-0000-0000-0000-000000000000`)).statusCode, 404);
    const list = (await otherClerk.get('/api/cases')).json();
    t.notOk(
      list.items.some((i: { trackingNumber: string }) => i.trackingNumber.startsWith('FGJ')),
      'not in their queue',
    );
    t.same((await otherClerk.get('/api/cases?agency=fgj')).json().items, []);
    t.equal((await snapshotOf(c.trackingNumber)).state, 'received', 'nothing happened');
  });

  await t.test('every statutory step through HTTP', async (t) => {
    const c = await register('2026-02-24');
    const tn = c.trackingNumber;
    let res = await act(tn, { type: 'ASSIGN', assignee: clerk.email });
    t.equal(res.statusCode, 200, res.body);
    t.match(res.json(), { state: 'assigned', assignee: { id: clerk.id }, version: 2 });

    // 02-24 + 5 working days (25, 26, 27, Saturday 28, 03-02): a correction may still be asked for.
    res = await act(tn, { type: 'REQUEST_CORRECTION', items: '请写明文件名称\n请写明成文时间', dueInWorkingDays: 10 });
    t.match(res.json(), { state: 'awaiting_correction', dueOn: null, deadline: { correctionDueOn: '2026-03-16', correction: { items: ['请写明文件名称', '请写明成文时间'] } } });

    clock.set('2026-03-05T02:00:00Z');
    res = await act(tn, { type: 'CORRECTION_RECEIVED', receivedOn: '2026-03-04' });
    t.match(res.json(), { state: 'assigned', dueOn: '2026-04-01', deadline: { clockStartOn: '2026-03-04' } }, 'the 20 days restart from the corrected application');
    res = await act(tn, { type: 'REQUEST_CORRECTION', items: ['再补一次'], dueInWorkingDays: 5 });
    t.equal(res.statusCode, 409);
    t.match(res.json(), { error: 'workflow.rule_violation', rule: 'art30_correction_once', message: /第三十条/ });

    res = await act(tn, { type: 'CONSULT_THIRD_PARTY', party: '湘潭某建设公司', partyKind: 'third_party', matter: '合同金额' });
    t.match(res.json(), { state: 'consulting', clockStopped: true, deadline: { consultationDueOn: '2026-03-26' } });
    clock.set('2026-03-13T02:00:00Z');
    res = await act(tn, { type: 'THIRD_PARTY_REPLIED', opinion: 'object', reasons: '涉及商业秘密' });
    // Stopped 03-05..03-13: 6 working days (6, 9, 10, 11, 12, 13); 04-01 + 6 skips Qingming (04-04..04-06).
    t.match(res.json(), { state: 'assigned', clockStopped: false, dueOn: '2026-04-10', deadline: { stoppedPeriods: [{ reason: 'consultation', workingDays: 6 }] } });

    res = await act(tn, { type: 'EXTEND', workingDays: 10, reason: '需调取历史档案' });
    t.equal(res.statusCode, 409);
    t.equal(res.json().rule, 'art33_extension_approved_by_office_head');
    res = await act(tn, { type: 'EXTEND', workingDays: 21, reason: '需调取历史档案' }, supervisor);
    t.equal(res.json().rule, 'art33_extension_at_most_20_working_days');
    res = await act(tn, { type: 'EXTEND', workingDays: 10, reason: '需调取历史档案' }, supervisor);
    t.match(res.json(), { state: 'assigned', dueOn: '2026-04-24', deadline: { extension: { workingDays: 10, reason: '需调取历史档案' } } });
    res = await act(tn, { type: 'EXTEND', workingDays: 5, reason: '再延' }, supervisor);
    t.equal(res.json().rule, 'art33_extension_once');

    res = await act(tn, { type: 'ISSUE_FEE_NOTICE', method: 'per_page', quantity: 20 });
    t.equal(res.json().rule, 'fees_beyond_free_allowance');
    res = await act(tn, { type: 'ISSUE_FEE_NOTICE', method: 'per_page', quantity: 120 });
    t.match(res.json(), { state: 'awaiting_payment', deadline: { fee: { amountYuan: 1100 }, paymentDueOn: '2026-04-13' } });
    clock.set('2026-03-17T02:00:00Z');
    res = await act(tn, { type: 'FEE_PAID', paidOn: '2026-03-16' });
    // Unpaid 03-13..03-16: 1 working day (16).
    t.match(res.json(), { state: 'assigned', dueOn: '2026-04-27' });

    const before = await snapshotOf(tn);
    res = await act(tn, {
      type: 'ANSWER',
      disposition: 'partially_disclosed',
      text: '现提供合同文本，合同金额部分不予公开。',
      withheldReasons: '合同金额涉及第三方商业秘密，第三方不同意公开。',
      expectedVersion: before.version! - 1,
    });
    t.equal(res.statusCode, 409);
    t.match(res.json(), { error: 'workflow.stale_version', rule: 'optimistic_version' });
    t.same(await snapshotOf(tn), before, 'a stale version changes nothing');

    const partial = { type: 'ANSWER', disposition: 'partially_disclosed', text: '现提供合同文本，合同金额部分不予公开。', withheldReasons: '合同单价涉及第三方商业秘密。' };
    // Art. 32: the third party objected; disclosing anyway needs the public interest stated.
    res = await act(tn, { ...partial, expectedVersion: before.version });
    t.equal(res.statusCode, 409);
    t.equal(res.json().rule, 'art32_disclosure_over_objection_reasoned');
    res = await act(tn, { ...partial, publicInterest: '该项目使用财政资金，公众对合同总额的知情利益重大。', expectedVersion: before.version });
    t.match(res.json(), { state: 'answered', disposition: 'partially_disclosed', concludedOn: '2026-03-17', allowedEvents: ['CORRECT_LETTER'] });
    t.same(
      res
        .json()
        .letters.map((l: { kind: string; recipient: string }) => [l.kind, l.recipient])
        .slice(-2),
      [
        ['answer', 'applicant'],
        ['third_party_notice', 'third_party'],
      ],
      'the third party is told in writing, in a numbered letter of its own',
    );
    t.same(
      res.json().events.map((e: { type: string }) => e.type),
      'REGISTERED ASSIGN REQUEST_CORRECTION CORRECTION_RECEIVED CONSULT_THIRD_PARTY THIRD_PARTY_REPLIED EXTEND ISSUE_FEE_NOTICE FEE_PAID DRAFTED SIGN_OFF ANSWER'.split(' '),
      'the timeline holds every step, the sign-off included',
    );
    t.match(res.json().events.at(-1), { actor: { id: supervisor.id, role: 'supervisor' }, payload: { disposition: 'partially_disclosed', draftedBy: clerk.id }, on: '2026-03-17' });

    const after = await snapshotOf(tn);
    res = await act(tn, { type: 'WITHDRAW' });
    t.equal(res.statusCode, 409);
    t.equal(res.json().rule, 'workflow_state_does_not_allow');
    t.same(await snapshotOf(tn), after, 'a refused event changes nothing');
    const [pending] = await db
      .select({ n: count() })
      .from(timers)
      .innerJoin(cases, eq(cases.id, timers.caseId))
      .where(and(eq(cases.trackingNumber, tn), eq(timers.status, 'pending')));
    t.equal(pending!.n, 0, 'no timer left for an answered case');
  });

  await t.test('bad event input is a 400 with field messages', async (t) => {
    const c = await register('2026-03-02');
    const cases400: [Record<string, unknown>, Record<string, RegExp>][] = [
      [{ type: 'EXTEND', workingDays: 5 }, { reason: /必填/ }],
      [{ type: 'NOPE' }, { type: /不认识的操作类型/ }],
      [{ type: 'ANSWER', disposition: 'made_up', text: 'x' }, { disposition: /答复类型/ }],
      [{ type: 'ASSIGN', assignee: otherClerk.email }, { assignee: /本机关没有这个工作人员/ }],
      [{ type: 'TRANSFER', agency: 'fgj' }, { agency: /本机关/ }],
      [{ type: 'CORRECTION_RECEIVED', receivedOn: '2026-02-30' }, { receivedOn: /YYYY-MM-DD/ }],
    ];
    for (const [body, fields] of cases400) {
      const res = await act(c.trackingNumber, body);
      t.equal(res.statusCode, 400, JSON.stringify(body));
      t.match(res.json(), { error: 'validation.failed', fields });
    }
    const res = await act(c.trackingNumber, { type: 'ANSWER', disposition: 'other_no_correction', text: '不再处理' });
    t.equal(res.statusCode, 409, 'a code reserved for lapsed deadlines');
    t.equal(res.json().rule, 'art36_answer_disposition');
  });

  await t.test('transfer closes the case and the responsible agency receives it (art. 36(5))', async (t) => {
    const c = await register('2026-03-02');
    const res = await act(c.trackingNumber, { type: 'TRANSFER', agency: 'czj' });
    t.match(res.json(), { state: 'closed', disposition: 'unavailable_not_held' });
    const to = res.json().events.at(-1).payload.to as string;
    t.match(to, /^CZJ-2026-\d{5}$/);
    const received = await otherClerk.get(`/api/cases/${to}`);
    t.match(received.json(), { state: 'received', channel: 'transfer', receivedOn: '2026-03-17', events: [{ type: 'TRANSFERRED_IN', payload: { from: c.trackingNumber } }] });
    const tracked = await api(app).get(`/api/requests/${to}?accessCode=${c.accessCode}`);
    t.equal(tracked.statusCode, 200, 'the applicant follows it with the same access code');
  });

  await t.test('withdrawal closes the case', async (t) => {
    const c = await register('2026-03-02');
    const res = await act(c.trackingNumber, { type: 'WITHDRAW', reason: '申请人电话撤回' });
    t.match(res.json(), { state: 'closed', disposition: 'other', outcome: { reason: 'withdrawn' } });
  });

  await t.test('a case whose 20 working days have passed becomes overdue on a sweep, and can still be answered', async (t) => {
    clock.set('2026-03-17T02:00:00Z');
    const c = await register('2026-01-05'); // due 2026-02-02
    t.equal(c.dueOn, '2026-02-02');
    const overdueList = await clerk.get('/api/cases?overdue=true');
    t.ok(
      overdueList.json().items.some((i: { trackingNumber: string }) => i.trackingNumber === c.trackingNumber),
      'already listed as overdue before the sweep',
    );
    const first = await app.ogi.sweeper.runOnce();
    t.ok(first.applied >= 1);
    const view = (await clerk.get(`/api/cases/${c.trackingNumber}`)).json();
    t.match(view, { state: 'overdue', allowedEvents: ['ASSIGN', 'TRANSFER', 'ANSWER', 'WITHDRAW', 'CORRECT_LETTER'] });
    t.match(view.events.at(-1), { type: 'DEADLINE_PASSED', actor: { kind: 'system' }, payload: { dueOn: '2026-02-02' } });
    const second = await app.ogi.sweeper.runOnce();
    t.same(second, { applied: 0, ignored: 0, failed: 0 }, 'a second sweep changes nothing');
    const res = await act(c.trackingNumber, { type: 'ANSWER', disposition: 'disclosed', text: '现向您提供该政府信息全文。' });
    t.match(res.json(), { state: 'answered', concludedOn: '2026-03-17' });
  });

  await t.test("the queue lists the caller's cases by due date, paged by cursor", async (t) => {
    const all: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { trackingNumber: string; dueOn: string | null }[]; nextCursor: string | null } = (
        await clerk.get(`/api/cases?limit=3${cursor ? `&after=${cursor}` : ''}`)
      ).json();
      t.ok(page.items.length <= 3);
      all.push(...page.items.map((i: { trackingNumber: string; dueOn: string | null }) => `${i.dueOn ?? '~'} ${i.trackingNumber}`));
      cursor = page.nextCursor;
    } while (cursor);
    t.same(all, [...all].sort(), 'sorted by due date, no-deadline cases last');
    t.equal(new Set(all).size, all.length, 'no case twice');
    const [fgjCount] = await db.select({ n: count() }).from(cases).innerJoin(agencies, eq(agencies.id, cases.agencyId)).where(eq(agencies.slug, 'fgj'));
    t.equal(all.length, fgjCount!.n, 'every case of the agency once');
    const answered = (await clerk.get('/api/cases?state=answered')).json().items;
    t.ok(answered.length >= 2 && answered.every((i: { state: string }) => i.state === 'answered'));
    t.equal((await clerk.get('/api/cases?state=bogus')).statusCode, 400);
    t.equal((await clerk.get('/api/cases?after=garbage')).statusCode, 400);
  });

  await t.test("loading next year's schedule recomputes provisional deadlines", async (t) => {
    clock.set('2026-12-15T02:00:00Z');
    const c = await register('2026-12-15');
    // 2027 not loaded: 元旦 (fixed by date) is skipped already, the date provisional (《全国年节及纪念日放假办法》 art. 2).
    t.match(c, { dueOn: '2027-01-13', dueProvisional: true });
    t.equal((await clerk.get(`/api/cases/${c.trackingNumber}`)).json().dueProvisional, true);
    t.equal((await clerk.put('/api/calendar/years/2027', { holidays: [], workdays: [] })).statusCode, 403, 'administrators only');
    const admin = api(app, await login(app, ADMIN.email, ADMIN.password));
    // A notice (made up for the test) that also gives Monday 4 January off moves the date.
    const res = await admin.put('/api/calendar/years/2027', { holidays: ['2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04'], workdays: [] });
    t.equal(res.statusCode, 200, res.body);
    t.ok(res.json().recomputedCases >= 1);
    const view = (await clerk.get(`/api/cases/${c.trackingNumber}`)).json();
    t.match(view, { dueOn: '2027-01-14', dueProvisional: false });
    t.match(view.events.at(-1), { type: 'CALENDAR_CHANGED', payload: { previousDueOn: '2027-01-13', dueOn: '2027-01-14', provisional: false } });
    const [timer] = await db
      .select()
      .from(timers)
      .innerJoin(cases, eq(cases.id, timers.caseId))
      .where(and(eq(cases.trackingNumber, c.trackingNumber), eq(timers.status, 'pending')));
    t.equal(timer?.timers.dueOn, '2027-01-14', 'the timer follows the new deadline');
    const deadline = await api(app).get('/api/calendar/deadline?from=2026-12-15&workingDays=20');
    t.same(deadline.json(), { from: '2026-12-15', workingDays: 20, due: '2027-01-14', provisional: false });
    const bad = await admin.put('/api/calendar/years/2027', { holidays: ['2026-12-31'], workdays: ['2027-01-06'] });
    t.equal(bad.statusCode, 400);
    t.match(bad.json().fields, { holidays: /不在 2027 年内/, workdays: /不是周末/ });
  });
});
