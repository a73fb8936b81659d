// Every decision lawful (issue 27), through the HTTP API: the remedy each letter states, who may
// decide, the statute's preconditions as named rules (409, nothing changed), receipt by channel,
// reopening after no correction, reviews of a failure to answer, and the demo data's review bodies.
import { and, eq } from 'drizzle-orm';
import t from 'tap';
import { cases, letters } from '../src/db/schema.js';
import { reviewFirst, reviewOrSuit } from '../src/letters/remedy.js';
import { api, staffClient, testApp } from './helpers/test-app.js';
import { caseMails } from './helpers/test-databases.js';
import { answerBody, application, organizationApplication } from './helpers/factories.js';
import { serveByPost } from './helpers/service.js';

const FGJ_REVIEW = '湘潭市雨湖区人民政府';
const FGJ_COURT = '湘潭市雨湖区人民法院';

t.test('decisions and their letters through the API', async (t) => {
  const { app, clock, db } = await testApp(t); // Monday 2026-03-02
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const officeHead = await staffClient(app, 'supervisor', 'fgj');
  const otherHead = await staffClient(app, 'supervisor', 'czj');
  const admin = await staffClient(app, 'admin');
  const at = (date: string) => clock.set(`${date}T02:00:00Z`);

  const submit = async (body: Record<string, unknown> = application()) => {
    const res = await api(app).post('/api/requests', body);
    t.equal(res.statusCode, 201, res.body);
    return res.json() as { trackingNumber: string; accessCode: string; receivedOn: string; dueOn: string };
  };
  // A clerk's decision is a draft until the office head signs it (art. 17; test/sign-off.test.ts): here, signed at once.
  const act = async (tn: string, body: Record<string, unknown>, who = clerk) => {
    const res = await who.post(`/api/cases/${tn}/events`, body);
    return res.statusCode === 200 && res.json().pendingDraft && who === clerk ? officeHead.post(`/api/cases/${tn}/events`, { type: 'SIGN_OFF' }) : res;
  };
  const refused = async (t: Tap, tn: string, body: Record<string, unknown>, rule: string, who = clerk) => {
    const before = (await db.select({ version: cases.version, state: cases.state }).from(cases).where(eq(cases.trackingNumber, tn)))[0];
    const res = await act(tn, body, who);
    t.equal(res.statusCode, 409, `${body.type}: 409`);
    t.equal(res.json().rule, rule, `refused by ${rule}`);
    const after = (await db.select({ version: cases.version, state: cases.state }).from(cases).where(eq(cases.trackingNumber, tn)))[0];
    t.same(after, before, 'nothing changed');
  };
  const lettersOf = async (tn: string) =>
    db
      .select({ kind: letters.kind, recipient: letters.recipient, text: letters.bodyText, documentNumber: letters.documentNumber })
      .from(letters)
      .innerJoin(cases, eq(cases.id, letters.caseId))
      .where(eq(cases.trackingNumber, tn))
      .orderBy(letters.id);
  const letterText = async (tn: string, kind: string) =>
    (await lettersOf(tn))
      .filter((l) => l.kind === kind)
      .at(-1)!
      .text.replace(/\n/g, '');
  type Tap = typeof t;

  await t.test('the remedy clause fits the decision (行政复议法 arts. 20, 23; 行政诉讼法 art. 46; 法释〔2011〕17号 art. 2)', async (t) => {
    const withheld = await submit();
    t.equal((await act(withheld.trackingNumber, answerBody('withheld_process_info'))).statusCode, 200);
    const applicantView = (await api(app).get(`/api/requests/${withheld.trackingNumber}?accessCode=${withheld.accessCode}`)).json();
    const answer = applicantView.letters.find((l: { kind: string }) => l.kind === 'answer').text.replace(/\n/g, '');
    t.ok(answer.includes(reviewFirst(FGJ_REVIEW)), 'a withholding answer: review first, naming the review body');
    t.notMatch(answer, /6个月内|提起行政诉讼。$|湘潭市雨湖区人民法院/, 'and no direct suit');

    const disclosed = await submit();
    await act(disclosed.trackingNumber, answerBody('disclosed'));
    t.ok((await letterText(disclosed.trackingNumber, 'answer')).includes(reviewOrSuit(FGJ_REVIEW, FGJ_COURT)), 'a disclosure: review or suit, body and court named');

    const publication = await submit();
    await act(publication.trackingNumber, answerBody('rejected_publication'));
    const refusal = await letterText(publication.trackingNumber, 'answer');
    t.match(refusal, /获取该出版物的途径：该年鉴由湖南人民出版社出版/, 'says how else to obtain it');
    t.notMatch(refusal, /行政诉讼/, 'courts do not hear it: no suit offered');

    const interim = await submit();
    await act(interim.trackingNumber, { type: 'REQUEST_CORRECTION', items: ['写明文件名称'], dueInWorkingDays: 10 });
    for (const kind of ['receipt', 'correction_notice']) t.notMatch(await letterText(interim.trackingNumber, kind), /如对本答复不服/, `${kind}: not an answer, no clause`);
    const fee = await submit();
    await act(fee.trackingNumber, { type: 'ISSUE_FEE_NOTICE', method: 'per_page', quantity: 80 });
    t.ok((await letterText(fee.trackingNumber, 'fee_notice')).includes(reviewOrSuit(FGJ_REVIEW, FGJ_COURT)), 'a fee notice: review or suit');
  });

  await t.test('decisions are the agency\'s: an administrator decides no case (contract, "Decisions are the agency\'s")', async (t) => {
    const c = await submit();
    const seen = (await admin.get(`/api/cases/${c.trackingNumber}`)).json();
    t.same(seen.allowedEvents, [], 'an administrator reads the case but is offered nothing');
    await refused(t, c.trackingNumber, answerBody('disclosed'), 'decisions_by_case_agency_staff', admin);
    await refused(t, c.trackingNumber, { type: 'EXTEND', workingDays: 10, reason: '档案在外地' }, 'decisions_by_case_agency_staff', admin);
    t.equal((await act(c.trackingNumber, answerBody('disclosed'), otherHead)).statusCode, 404, "another agency's office head does not even see it");
    await refused(t, c.trackingNumber, { type: 'EXTEND', workingDays: 10, reason: '档案在外地' }, 'art33_extension_approved_by_office_head');
    t.equal(
      (await act(c.trackingNumber, { type: 'EXTEND', workingDays: 10, reason: '档案在外地' }, officeHead)).statusCode,
      200,
      'the office head of that agency may (art. 33(2))',
    );
  });

  await t.test('the preconditions of each decision are named rules (arts. 32, 35, 36, 37)', async (t) => {
    const c = await submit();
    const tn = c.trackingNumber;
    await refused(t, tn, { ...answerBody('disclosed'), text: '予以公开' }, 'answer_text_at_least_10_characters');
    await refused(t, tn, answerBody('withheld_state_secret', { withheldReasons: '' }), 'art37_withheld_reasons_given');
    await refused(t, tn, answerBody('partially_disclosed', { withheldReasons: '' }), 'art37_withheld_reasons_given');
    await refused(t, tn, answerBody('withheld_prohibited_by_law', { legalBasis: '' }), 'art36_3_law_named');
    await refused(t, tn, answerBody('unavailable_not_held', { responsibleAgency: '湘潭市自然资源和规划局' }), 'art36_5_responsible_agency_contact_and_reason');
    await refused(t, tn, answerBody('rejected_publication', { howToObtain: '' }), 'art39_2_how_to_obtain_publication');
    await refused(t, tn, answerBody('other', { legalBasis: '' }), 'other_states_its_basis');
    await refused(t, tn, answerBody('rejected_excessive'), 'art35_excessive_after_reasons_request');

    // Art. 36(6): the repeat of the same applicant's request, answered, at this agency.
    const answered = await submit();
    await act(answered.trackingNumber, answerBody('disclosed'));
    const pending = await submit();
    const elsewhere = await submit(application({ agency: 'czj' }));
    const czj = await staffClient(app, 'supervisor', 'czj');
    await act(elsewhere.trackingNumber, answerBody('disclosed'), czj);
    const someoneElse = await submit(application({ applicant: { name: '李四', idType: 'passport', idNumber: 'E12345678' } }));
    await act(someoneElse.trackingNumber, answerBody('disclosed'));
    for (const [earlier, why] of [
      [pending.trackingNumber, 'not answered'],
      [elsewhere.trackingNumber, 'another agency'],
      [someoneElse.trackingNumber, 'another applicant'],
      ['FGJ-2026-99999', 'no such request'],
      [tn, 'the request itself'],
    ]) {
      t.comment(why);
      await refused(t, tn, answerBody('rejected_duplicate', { earlierCase: earlier }), 'art36_6_duplicate_names_earlier_answer');
    }
    t.equal((await act(tn, answerBody('rejected_duplicate', { earlierCase: answered.trackingNumber.toLowerCase() }))).statusCode, 200);
    t.match(
      await letterText(tn, 'answer'),
      new RegExp(
        `本机关已于2026年3月2日对您提出的政府信息公开申请（申请编号：${answered.trackingNumber}）作出答复，您本次重复申请公开相同的政府信息。根据《中华人民共和国政府信息公开条例》第三十六条第六项的规定，本机关不予重复处理。`,
      ),
    );
  });

  await t.test('art. 32: silence only after 15 working days; disclosure over an objection is told to the third party', async (t) => {
    const c = await submit();
    const tn = c.trackingNumber;
    await act(tn, { type: 'CONSULT_THIRD_PARTY', party: '湘潭某建设有限公司', partyKind: 'third_party', matter: '合同金额' });
    await refused(t, tn, { type: 'THIRD_PARTY_REPLIED', opinion: 'no_reply' }, 'art32_silence_after_15_working_days');
    t.equal((await act(tn, { type: 'THIRD_PARTY_REPLIED', opinion: 'object', reasons: '涉及商业秘密' })).statusCode, 200);
    await refused(t, tn, answerBody('disclosed'), 'art32_disclosure_over_objection_reasoned');
    const res = await act(tn, answerBody('disclosed', { publicInterest: '项目使用财政资金，公众知情利益重大。' }));
    t.equal(res.statusCode, 200);
    const issued = await lettersOf(tn);
    const notice = issued.find((l) => l.kind === 'third_party_notice');
    t.ok(notice, 'the written notice to the third party is issued with the answer');
    t.match(notice!.documentNumber, /^雨发改依申〔2026〕\d+号$/, 'numbered like every letter');
    t.match(notice!.text, /湘潭某建设有限公司：[\s\S]*公众知情利益重大[\s\S]*第三十二条/);
    const view = (await api(app).get(`/api/requests/${tn}?accessCode=${c.accessCode}`)).json();
    t.notOk(
      view.letters.some((l: { kind: string }) => l.kind === 'third_party_notice'),
      "the applicant does not see the third party's letter",
    );
  });

  await t.test('art. 35: reasons, then the office head decides; no extension after a deferral', async (t) => {
    const c = await submit();
    const tn = c.trackingNumber;
    t.equal((await act(tn, { type: 'REQUEST_REASONS', matter: '您本月已向本机关提出申请120件', replyWithinWorkingDays: 5 })).statusCode, 200);
    await refused(t, tn, answerBody('rejected_excessive'), 'art35_excessive_after_reasons_or_reply_date');
    await refused(t, tn, { type: 'DEFER_ANSWER', dueOn: '2026-05-29', reason: '需逐件检索' }, 'art35_deferral_after_reasons_given', officeHead);
    t.equal((await api(app).post(`/api/requests/${tn}/reasons`, { accessCode: c.accessCode, text: '为撰写研究报告需要逐年比对' })).statusCode, 200);
    await refused(t, tn, { type: 'DEFER_ANSWER', dueOn: '2026-05-29', reason: '需逐件检索' }, 'art35_deferral_by_office_head');
    t.equal((await act(tn, { type: 'DEFER_ANSWER', dueOn: '2026-05-29', reason: '需逐件检索' }, officeHead)).statusCode, 200);
    const deferral = await letterText(tn, 'deferral_notice');
    t.match(deferral, /本机关已于2026年3月2日要求您说明申请理由，您于2026年3月2日说明了理由。经审查，本机关认为您的申请理由合理/);
    t.notMatch(deferral, /如对本答复不服/, 'an interim letter');
    await refused(t, tn, { type: 'EXTEND', workingDays: 20, reason: '仍需时间' }, 'art35_no_extension_after_deferral', officeHead);
    await refused(t, tn, answerBody('rejected_excessive'), 'art35_excessive_not_after_deferral');
  });

  await t.test('art. 30: an answer after a correction quotes the corrected application; 贵单位 for an organisation', async (t) => {
    const c = await submit(organizationApplication());
    const tn = c.trackingNumber;
    await act(tn, { type: 'REQUEST_CORRECTION', items: ['写明文件名称或文号'], dueInWorkingDays: 10 });
    at('2026-03-05');
    t.equal((await act(tn, { type: 'CORRECTION_RECEIVED', receivedOn: '2026-03-04', text: '所需为雨发改〔2025〕12号文件' })).statusCode, 200);
    t.equal((await act(tn, answerBody('disclosed'))).statusCode, 200);
    const text = await letterText(tn, 'answer');
    t.match(
      text,
      /湘潭某某科技有限公司：本机关于2026年3月2日收到贵单位提交的政府信息公开申请.*经本机关告知补正，贵单位于2026年3月4日提交了补正后的申请，补正内容为：“所需为雨发改〔2025〕12号文件”，答复期限自该日起计算。/,
    );
    t.notMatch(text, /您/, 'an organisation is addressed as 贵单位 throughout');
    at('2026-03-02');
  });

  await t.test('art. 31: fax and e-mail on a day off are received the next working day; oral applications are a channel', async (t) => {
    at('2026-03-09'); // Monday
    const register = (channel: string, receivedOn: string) => clerk.post('/api/cases', { ...application(), channel, receivedOn });
    const fax = await register('fax', '2026-03-07');
    t.equal(fax.statusCode, 201, fax.body);
    t.match(fax.json(), { receivedOn: '2026-03-09', dueOn: '2026-04-07' }, 'a fax of Saturday is received on Monday');
    t.match(await letterText(fax.json().trackingNumber, 'receipt'), /已于2026年3月7日送达本机关.*该日不是工作日.*本机关收到申请之日为其后的第一个工作日，即2026年3月9日/);
    t.match((await register('email', '2026-03-08')).json(), { receivedOn: '2026-03-09' }, 'so is an e-mail of Sunday');
    t.match((await register('post', '2026-03-07')).json(), { receivedOn: '2026-03-07' }, 'a letter signed for on Saturday is received that day');
    const oral = await register('oral', '2026-03-09');
    t.equal(oral.statusCode, 201, oral.body);
    t.match((await clerk.get(`/api/cases/${oral.json().trackingNumber}`)).json(), { channel: 'oral', receivedOn: '2026-03-09' });
    t.equal((await register('pigeon', '2026-03-09')).statusCode, 400);
    at('2026-03-02');
  });

  await t.test('art. 30: a request closed for no correction is reopened by the office head; a published report stays as published', async (t) => {
    const c = await submit();
    const tn = c.trackingNumber;
    await act(tn, { type: 'REQUEST_CORRECTION', items: ['写明文件名称'], dueInWorkingDays: 5 });
    // The period runs from the notice's service (docs/statute.md §6): handed over the day it was issued.
    await serveByPost(clerk, tn, 'correction_notice');
    at('2026-03-10');
    await app.ogi.sweeper.runOnce();
    // Art. 17: the closure the timer finds due is proposed to the office head, who signs it.
    t.match((await clerk.get(`/api/cases/${tn}`)).json(), { state: 'awaiting_correction', pendingDraft: { type: 'CORRECTION_PERIOD_ENDED', draftedBy: null } });
    t.equal((await officeHead.post(`/api/cases/${tn}/events`, { type: 'SIGN_OFF' })).statusCode, 200);
    t.match((await clerk.get(`/api/cases/${tn}`)).json(), { state: 'closed', disposition: 'other_no_correction' });
    const web = await import('./helpers/web.js');
    const adminWeb = await web.signIn(app, 'admin@test.local', 'admin-password-1');
    await adminWeb.get('/admin/reports');
    await adminWeb.post('/admin/reports', { year: '2026', agency: 'fgj' });
    // Art. 49: published once the year is over, its sections written.
    at('2027-01-04');
    await adminWeb.get('/admin/reports/2026/fgj');
    await adminWeb.post('/admin/reports/2026/fgj', { overview: '总体情况。', proactive: '主动公开情况。', problems: '存在的问题。', other: '其他事项。' });
    t.equal((await adminWeb.post('/admin/reports/2026/fgj/publish', {})).statusCode, 303);
    const published = web.pageText((await adminWeb.get('/reports/2026/fgj')).body);

    at('2026-03-12');
    const reopen = { type: 'REOPEN', reason: '申请人住院，提供了医院证明', receivedOn: '2026-03-12', text: '所需为2025年区发改局立项批复' };
    await refused(t, tn, reopen, 'art30_reopen_by_office_head');
    await refused(t, tn, reopen, 'decisions_by_case_agency_staff', admin);
    const res = await act(tn, reopen, officeHead);
    t.equal(res.statusCode, 200, res.body);
    // 20 working days from 2026-03-12, Qingming (04-04..04-06) skipped.
    t.match(res.json(), { state: 'received', disposition: null, dueOn: '2026-04-10' });
    const notice = await letterText(tn, 'reopen_notice');
    t.match(notice, /政府信息公开申请恢复办理告知书/);
    t.match(
      notice,
      /说明了逾期补正的理由：申请人住院，提供了医院证明。.*第三十条的规定，恢复办理您的申请。您于2026年3月12日提交了补正后的申请，补正内容为：“所需为2025年区发改局立项批复”，答复期限自该日起计算，本机关将于2026年4月10日前作出答复。/,
    );
    t.notMatch(notice, /如对本答复不服/, 'an interim letter');
    t.equal((await caseMails(db, tn, 'reopen_notice')).length, 1, 'the applicant is mailed the notice');
    t.equal(web.pageText((await adminWeb.get('/reports/2026/fgj')).body), published, 'the published report keeps its (六)1');
    const live = (await officeHead.get('/api/reports/annual?year=2026')).json();
    t.equal(live.rows.other_no_correction.total, 0, 'the live table no longer counts it as concluded');
    at('2026-03-02');
  });

  await t.test('table 四: a review of the failure to answer (行政复议法 art. 11(14)) is recorded and counted', async (t) => {
    const c = await clerk.post('/api/cases', { ...application(), channel: 'post', receivedOn: '2026-01-05' }); // due 2026-02-02
    const tn = c.json().trackingNumber;
    await app.ogi.sweeper.runOnce();
    t.equal((await clerk.get(`/api/cases/${tn}`)).json().state, 'overdue');
    const early = await clerk.post(`/api/cases/${tn}/reviews`, { kind: 'review', filedOn: '2026-01-30' });
    t.equal(early.statusCode, 409, 'not before the answer period has run');
    t.equal(early.json().rule, 'review_of_failure_after_due_date');
    const filed = await clerk.post(`/api/cases/${tn}/reviews`, { kind: 'review', filedOn: '2026-02-20' });
    t.equal(filed.statusCode, 201, filed.body);
    t.match(filed.json(), { against: 'failure_to_answer', outcome: 'pending' });
    const table4 = (await officeHead.get('/api/reports/annual?year=2026')).json().table4;
    t.same(table4.review, { upheld: 0, corrected: 0, other: 0, pending: 1, total: 1 });
    const open = await submit();
    t.equal(
      (await clerk.post(`/api/cases/${open.trackingNumber}/reviews`, { kind: 'review', filedOn: '2026-03-02', against: 'decision' })).json().rule,
      'review_after_answer',
      'an open case within its period has no decision to review',
    );
  });

  await t.test('fixed holidays in a year not loaded, and provisional dates said so (《全国年节及纪念日放假办法》 arts. 2, 6)', async (t) => {
    t.same(
      (await api(app).get('/api/calendar/deadline?from=2027-04-30&workingDays=1')).json(),
      { from: '2027-04-30', workingDays: 1, due: '2027-05-05', provisional: true },
      '1–2 May 2027 fall on a weekend: 3 and 4 May are off',
    );
    at('2026-12-15');
    const c = await submit();
    t.match(c, { dueOn: '2027-01-13' });
    t.match(await letterText(c.trackingNumber, 'receipt'), /即2027年1月13日（暂定，以国务院公布的节假日安排为准）前/);
    const [ack] = await caseMails(db, c.trackingNumber, 'acknowledgment');
    t.match(ack!.text, /答复期限：2027年1月13日（暂定，以国务院公布的节假日安排为准）前/);
    at('2026-03-02');
  });

  await t.test('the public guide explains the remedies the same way (条例 art. 12; 行政复议法 art. 23)', async (t) => {
    const guide = (await api(app).get('/api/agencies/fgj/guide')).json();
    t.match(
      guide.remedies.text,
      /决定不予公开（包括部分公开中不予公开的部分）的答复不服的，应当先自收到答复之日起60日内向湘潭市雨湖区人民政府申请行政复议；对行政复议决定不服的，可以依法向人民法院提起行政诉讼/,
    );
    t.match(guide.remedies.text, /或者在6个月内依法向湘潭市雨湖区人民法院提起行政诉讼/);
    t.match(guide.remedies.text, /补正告知、延期答复告知.*不是对申请的答复/);
    t.ok(
      guide.applyChannels.some((c: { channel: string; text: string }) => c.channel === 'email' && /非工作日收到的，以其后第一个工作日为收到申请之日/.test(c.text)),
      'e-mail and fax received on the next working day (art. 31)',
    );
  });

  await t.test('demo data: the district government office, answering in its own name, names the district government and a basic-level court', async (t) => {
    const head = await staffClient(app, 'supervisor', 'qzfb');
    const c = await submit(application({ agency: 'qzfb' }));
    t.equal((await act(c.trackingNumber, answerBody('disclosed'), head)).statusCode, 200);
    const text = await letterText(c.trackingNumber, 'answer');
    t.ok(text.includes(reviewOrSuit('湘潭市雨湖区人民政府', '湘潭市雨湖区人民法院')), '行政复议法 art. 24(1)(1); 法释〔2021〕5号 art. 6');
    t.notMatch(text, /湘潭市人民政府|中级人民法院/);
    const [row] = await db
      .select({ id: cases.id })
      .from(cases)
      .where(and(eq(cases.trackingNumber, c.trackingNumber)));
    t.ok(row);
  });
});
