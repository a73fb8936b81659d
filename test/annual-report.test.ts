import { sql } from 'drizzle-orm';
import t from 'tap';
import { pdfText } from './helpers/pdf.js';
import { APPLICANT_COLUMNS, TABLE3_ROWS, table3Problems, type ApplicantColumn, type Table3 } from '../src/reports/tables.js';
import { DISPOSITION_CODES } from '../src/workflow/dispositions.js';
import { ADMIN, login, staffClient, testApp } from './helpers/test-app.js';
import { holdRows, rowWritesWaiting, TEST_DATABASE_URL } from './helpers/test-databases.js';
import { answerBody, application, VALID_CREDIT_CODE } from './helpers/factories.js';
import { pageText, signIn } from './helpers/web.js';
import { serveByPost } from './helpers/service.js';

/** `forwarded`: transferred to another agency's case (art. 36(5)); at the district level the two are one application. */
type Spec = { agency: string; column: ApplicantColumn; receivedOn: string; concludedOn: string | null; disposition: string | null; forwarded?: boolean };

const ORG: Record<Exclude<ApplicantColumn, 'person'>, string> = {
  business: 'business',
  research: 'research',
  public_welfare: 'public_welfare',
  legal_services: 'legal_services',
  other_org: 'other',
};

function applicant(column: ApplicantColumn) {
  if (column === 'person') return {};
  return { kind: 'organization', orgCategory: ORG[column], name: `${column}单位`, idType: 'credit_code', idNumber: VALID_CREDIT_CODE };
}

/** What the table must say, counted straight from the scenario. */
function expected(specs: Spec[], year: number): Table3 {
  const start = `${year}-01-01`;
  const end = `${year}-12-31`;
  const table = Object.fromEntries(TABLE3_ROWS.map((k) => [k, Object.fromEntries([...APPLICANT_COLUMNS, 'total'].map((c) => [c, 0]))])) as Table3;
  const add = (row: keyof Table3, column: ApplicantColumn) => {
    table[row][column] += 1;
    table[row].total += 1;
  };
  for (const s of specs) {
    const openAtStart = s.receivedOn < start && (s.concludedOn === null || s.concludedOn >= start);
    if (s.receivedOn >= start && s.receivedOn <= end) add('new', s.column);
    if (openAtStart) add('carried_over', s.column);
    if (s.concludedOn && s.concludedOn >= start && s.concludedOn <= end) {
      add(s.disposition as keyof Table3, s.column);
      add('total', s.column);
    }
    if (s.receivedOn <= end && (s.concludedOn === null || s.concludedOn > end)) add('carried_forward', s.column);
  }
  return table;
}

t.test('table 三 over a scenario spanning two years', async (t) => {
  const { app, clock } = await testApp(t, { now: '2025-12-01T02:00:00Z' });
  const specs: Spec[] = [];
  const clerks: Record<string, Awaited<ReturnType<typeof staffClient>>> = {};
  for (const a of ['fgj', 'czj', 'mzj']) clerks[a] = await staffClient(app, 'supervisor', a);
  const at = (date: string) => clock.set(`${date}T02:00:00Z`);
  const act = async (agency: string, tn: string, body: Record<string, unknown>) => {
    const res = await clerks[agency]!.post(`/api/cases/${tn}/events`, body);
    if (res.statusCode !== 200) throw new Error(`${body.type} on ${tn}: ${res.body}`);
  };
  const register = async (agency: string, column: ApplicantColumn, receivedOn: string) => {
    const res = await clerks[agency]!.post('/api/cases', { ...application({ agency, applicant: applicant(column), delivery: 'online' }), channel: 'in_person', receivedOn });
    if (res.statusCode !== 201) throw new Error(res.body);
    const spec: Spec = { agency, column, receivedOn, concludedOn: null, disposition: null };
    specs.push(spec);
    return { tn: res.json().trackingNumber as string, spec };
  };
  const conclude = (spec: Spec, on: string, disposition: string) => Object.assign(spec, { concludedOn: on, disposition });

  // December 2025: some answered in December, others carried into 2026.
  at('2025-12-15');
  const decAnswered = await register('fgj', 'person', '2025-12-01');
  await act('fgj', decAnswered.tn, answerBody('disclosed'));
  conclude(decAnswered.spec, '2025-12-15', 'disclosed');
  const carried: { tn: string; spec: Spec; column: ApplicantColumn }[] = [];
  for (const [i, column] of APPLICANT_COLUMNS.entries()) carried.push({ ...(await register(['fgj', 'czj', 'mzj'][i % 3]!, column, '2025-12-10')), column });

  // January 2026: the December cases are answered; new cases arrive.
  at('2026-01-12');
  for (const [i, c] of carried.entries()) {
    const code = i % 2 ? 'partially_disclosed' : 'withheld_third_party_rights';
    await act(c.spec.agency, c.tn, answerBody(code));
    conclude(c.spec, '2026-01-12', code);
  }

  // Every answer code, over every applicant column and three agencies, during 2026.
  at('2026-03-02');
  const needHistory = ['other_no_correction', 'other_fee_unpaid', 'unavailable_unclear_after_correction', 'rejected_duplicate', 'rejected_excessive'];
  const answerable = DISPOSITION_CODES.filter((d) => !needHistory.includes(d));
  for (const [i, code] of answerable.entries()) {
    const agency = ['fgj', 'czj', 'mzj'][i % 3]!;
    const c = await register(agency, APPLICANT_COLUMNS[i % APPLICANT_COLUMNS.length]!, '2026-03-02');
    await act(agency, c.tn, answerBody(code));
    conclude(c.spec, '2026-03-02', code);
  }
  // Unclear even after correction (art. 30).
  const unclear = await register('czj', 'research', '2026-03-02');
  await act('czj', unclear.tn, { type: 'REQUEST_CORRECTION', items: ['写明文件名称'], dueInWorkingDays: 5 });
  await act('czj', unclear.tn, { type: 'CORRECTION_RECEIVED', text: '所需为区发改局2025年的文件' });
  await act('czj', unclear.tn, answerBody('unavailable_unclear_after_correction'));
  conclude(unclear.spec, '2026-03-02', 'unavailable_unclear_after_correction');
  // A repeat of the same applicant's request answered in December (art. 36(6)).
  const repeat = await register('fgj', 'person', '2026-03-02');
  await act('fgj', repeat.tn, answerBody('rejected_duplicate', { earlierCase: decAnswered.tn }));
  conclude(repeat.spec, '2026-03-02', 'rejected_duplicate');
  // Requests beyond reason whose reasons did not hold (art. 35).
  const excessive = await register('mzj', 'other_org', '2026-03-02');
  await act('mzj', excessive.tn, { type: 'REQUEST_REASONS', matter: '您本月已提出申请120件', replyWithinWorkingDays: 5 });
  await act('mzj', excessive.tn, { type: 'REASONS_GIVEN', text: '用于研究' });
  await act('mzj', excessive.tn, answerBody('rejected_excessive'));
  conclude(excessive.spec, '2026-03-02', 'rejected_excessive');
  // No correction in time; no fee paid in time: the sweeper proposes their closure.
  const noCorrection = await register('fgj', 'public_welfare', '2026-03-02');
  await act('fgj', noCorrection.tn, { type: 'REQUEST_CORRECTION', items: ['写明文件名称'], dueInWorkingDays: 5 });
  const noFee = await register('mzj', 'legal_services', '2026-03-02');
  await act('mzj', noFee.tn, { type: 'ISSUE_FEE_NOTICE', method: 'per_page', quantity: 80 });
  // Both notices served the day they were issued: the periods run from it (docs/statute.md §6).
  await serveByPost(clerks.fgj!, noCorrection.tn, 'correction_notice');
  await serveByPost(clerks.mzj!, noFee.tn, 'fee_notice');
  // A withdrawal and a transfer.
  const withdrawn = await register('czj', 'other_org', '2026-03-02');
  await act('czj', withdrawn.tn, { type: 'WITHDRAW', reason: '申请人撤回' });
  conclude(withdrawn.spec, '2026-03-02', 'other');
  const transferred = await register('fgj', 'business', '2026-03-02');
  await act('fgj', transferred.tn, { type: 'TRANSFER', agency: 'czj', reason: '该项目由区财政局审批' });
  conclude(transferred.spec, '2026-03-02', 'unavailable_not_held');
  transferred.spec.forwarded = true;
  specs.push({ agency: 'czj', column: 'business', receivedOn: '2026-03-02', concludedOn: null, disposition: null });

  at('2026-04-15');
  t.ok((await app.ogi.sweeper.runOnce()).applied >= 2, 'the lapsed correction and fee are swept');
  // Art. 17: proposed to the office heads, who sign the closures the same day.
  await act('fgj', noCorrection.tn, { type: 'SIGN_OFF' });
  await act('mzj', noFee.tn, { type: 'SIGN_OFF' });
  conclude(noCorrection.spec, '2026-04-15', 'other_no_correction');
  conclude(noFee.spec, '2026-04-15', 'other_fee_unpaid');

  // An overdue case still open at the end of the year, and a December case answered in January 2027.
  at('2026-11-02');
  const overdue = await register('mzj', 'person', '2026-11-02');
  at('2026-12-10');
  const decNext = await register('fgj', 'business', '2026-12-10');
  at('2026-12-31');
  await app.ogi.sweeper.runOnce();
  const admin = await staffClient(app, 'admin');
  t.equal((await admin.get(`/api/cases/${overdue.tn}`)).json().state, 'overdue');
  at('2027-01-08');
  await act('fgj', decNext.tn, answerBody('disclosed'));
  conclude(decNext.spec, '2027-01-08', 'disclosed');

  for (const year of [2025, 2026, 2027]) {
    await t.test(`${year}: every cell, for the district and each agency`, async (t) => {
      const district = (await admin.get(`/api/reports/annual?year=${year}`)).json();
      t.equal(district.agency, null);
      // 国办公开办函〔2021〕30号: at the level that holds both agencies a forwarded application is one
      // application — the receiving agency's case counts, the forwarding one's (四)1 is left out.
      t.same(
        district.rows,
        expected(
          specs.filter((s) => !s.forwarded),
          year,
        ),
        'every cell of the district table, the forwarded application once',
      );
      t.same(table3Problems(district.rows), [], '一 + 二 = (七) + 四 in every column; the columns add up to 总计 in every row');
      const sum = Object.fromEntries(TABLE3_ROWS.map((k) => [k, Object.fromEntries([...APPLICANT_COLUMNS, 'total'].map((c) => [c, 0]))])) as Table3;
      for (const a of ['qzfb', 'fgj', 'czj', 'zwzx', 'bb', 'mzj', 'rsj', 'zjj', 'hbj', 'jyj', 'wjj', 'syjj', 'sjj', 'nlj', 'swj']) {
        const agency = (await admin.get(`/api/reports/annual?year=${year}&agency=${a}`)).json();
        t.same(
          agency.rows,
          expected(
            specs.filter((s) => s.agency === a),
            year,
          ),
          `${a}: every cell`,
        );
        for (const row of TABLE3_ROWS) for (const c of [...APPLICANT_COLUMNS, 'total'] as const) sum[row][c] += agency.rows[row][c];
      }
      t.same(sum, expected(specs, year), "the agencies' tables count the forwarding agency's conclusion");
      const forwarded = expected(
        specs.filter((s) => s.forwarded),
        year,
      );
      for (const row of TABLE3_ROWS) for (const c of [...APPLICANT_COLUMNS, 'total'] as const) sum[row][c] -= forwarded[row][c];
      t.same(district.rows, sum, "the district table is the sum of the agencies' tables less the forwarded case");
    });
  }

  await t.test('hand-checked cells of 2026', async (t) => {
    const r = (await admin.get('/api/reports/annual?year=2026')).json().rows;
    t.same(r.carried_over, { person: 1, business: 1, research: 1, public_welfare: 1, legal_services: 1, other_org: 1, total: 6 }, 'the six December cases');
    t.equal(r.withheld_third_party_rights.total, 3 + 1, 'three carried over plus one of the code tour');
    t.equal(r.other.total, 2, "a withdrawal and the code tour's 其他");
    t.equal(r.other_no_correction.public_welfare, 1);
    t.equal(r.other_fee_unpaid.legal_services, 1);
    t.equal(r.carried_forward.total, 3, "the overdue case, the transferred one still at czj, and December's");
    t.equal(r.new.total + r.carried_over.total, r.total.total + r.carried_forward.total);
  });

  await t.test('CSV export and the page laid out like the official table', async (t) => {
    const csv = await app.inject({
      method: 'GET',
      url: '/api/reports/annual.csv?year=2026',
      headers: { authorization: `Bearer ${await login(app, ADMIN.email, ADMIN.password)}` },
    });
    t.equal(csv.statusCode, 200);
    t.match(csv.headers['content-type'], /text\/csv/);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    // 国办公开办函〔2021〕30号: table 三 with its three header rows, then table 四, laid out as the format has them.
    t.equal(lines.length, 4 + TABLE3_ROWS.length + 1 + 5);
    t.same(lines.slice(1, 4), [
      '（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）,,,申请人情况,,,,,,',
      ',,,自然人,法人或其他组织,,,,,总计',
      ',,,,商业企业,科研机构,社会公益组织,法律服务机构,其他,',
    ]);
    t.match(lines[5], /^二、上年结转政府信息公开申请数量,,,1,1,1,1,1,1,6$/);
    const labels = lines.map((l) => l.split(',').slice(0, 3).join('|'));
    t.ok(labels.includes('三、本年度办理结果|（一）予以公开|'), '(一) a row of its own');
    t.ok(labels.includes('|（二）部分公开（区分处理的，只计这一情形，不计其他情形）|'), "(二) with the format's note");
    t.ok(labels.includes('|（三）不予公开|1.属于国家秘密'));
    t.ok(labels.includes('||3.危及“三安全一稳定”'), '(三)3 with Chinese quotes');
    t.ok(labels.includes('|（六）其他处理|1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请'), '(六)1 word for word');
    t.ok(labels.includes('||2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请'), '(六)2 word for word');
    t.ok(labels.includes('||3.其他'), '(六)3 is 其他');
    t.ok(labels.includes('|（七）总计|'));
    t.same(
      lines.slice(-4, -1),
      [
        '行政复议,,,,,行政诉讼,,,,,,,,,',
        ',,,,,未经复议直接起诉,,,,,复议后起诉,,,,',
        '结果维持,结果纠正,其他结果,尚未审结,总计,结果维持,结果纠正,其他结果,尚未审结,总计,结果维持,结果纠正,其他结果,尚未审结,总计',
      ],
      'table 四: 行政复议, then 行政诉讼 split into 未经复议直接起诉 and 复议后起诉',
    );
    t.match(lines.at(-1), /^(\d+,){14}\d+$/, 'one data row of 15 cells');
    const web = await signIn(app, ADMIN.email, ADMIN.password);
    const page = await web.get('/staff/reports?year=2026');
    t.match(page.body, /<th rowspan="22" scope="rowgroup">三、本年度办理结果<\/th>/, 'the results span their rows');
    t.match(page.body, /<th rowspan="8" scope="rowgroup">（三）不予公开<\/th>/);
    t.match(page.body, /<th scope="row">3\.危及“三安全一稳定”<\/th>/);
    t.match(page.body, /<th colspan="2" scope="row">（二）部分公开（区分处理的，只计这一情形，不计其他情形）<\/th>/);
    t.match(page.body, /<th scope="row">1\.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请<\/th>/);
    t.match(page.body, /<th colspan="5" scope="colgroup">未经复议直接起诉<\/th><th colspan="5" scope="colgroup">复议后起诉<\/th>/, 'table 四 as the format lays it out');
    t.match(page.body, /<tr data-row="table4">(<td>\d+<\/td>){15}<\/tr>/);
    t.match(page.body, /<tr data-row="carried_over"><th colspan="3" scope="row">二、上年结转政府信息公开申请数量<\/th><td>1<\/td>/);
    const link = /href="(\/staff\/reports\.csv\?[^"]+)"/
      .exec(page.body)?.[1]
      ?.replace(/&#x3D;/g, '=')
      .replace(/&amp;/g, '&');
    t.ok(link, 'the page links its CSV');
    const download = await web.get(link!);
    t.equal(download.statusCode, 200);
    t.match(download.headers['content-disposition'], /^attachment; filename\*=UTF-8''2026%E5%B9%B4/, 'downloaded under a name that says what it is');
    t.equal(download.body, csv.body, 'the same table as the API gives');
    const supervisor = await signIn(app, clerks.fgj!.email, clerks.fgj!.password);
    const own = await supervisor.get('/staff/reports.csv?year=2026');
    t.match(own.body, /^\uFEFF?.*湘潭市雨湖区发展和改革局/, "a supervisor's is the own agency's");
    t.equal((await supervisor.get('/staff/reports.csv?year=2026&agency=czj')).statusCode, 403, "not another agency's");
  });

  await t.test('table 四, fees, and a published report whose numbers stay frozen', async (t) => {
    const fgj = clerks.fgj!;
    t.equal((await fgj.post(`/api/cases/${decNext.tn}/reviews`, { kind: 'review', filedOn: '2027-01-08' })).statusCode, 201);
    const noFeeRow = (await admin.get(`/api/cases/${noFee.tn}`)).json();
    t.equal(noFeeRow.deadline.fee.amountYuan, 500);
    at('2027-01-20');
    const review2026 = await clerks.czj!.post(`/api/cases/${carried[1]!.tn}/reviews`, {
      kind: 'lawsuit_direct',
      filedOn: '2026-02-01',
      outcome: 'upheld',
      decidedOn: '2026-06-01',
    });
    t.equal(review2026.statusCode, 201, review2026.body);
    t.equal(
      (await clerks.czj!.post(`/api/cases/${carried[1]!.tn}/reviews`, { kind: 'review', filedOn: '2026-02-01', outcome: 'corrected' })).statusCode,
      400,
      'a decided outcome needs its date',
    );
    const report = (await admin.get('/api/reports/annual?year=2026')).json();
    t.same(report.table4.lawsuit_direct, { upheld: 1, corrected: 0, other: 0, pending: 0, total: 1 });
    t.same(report.fees, { notices: 1, paid: 0, collectedYuan: 0 });

    const web = await signIn(app, ADMIN.email, ADMIN.password);
    await web.get('/admin/reports');
    const draft = await web.post('/admin/reports', { year: '2026', agency: '430302' });
    t.equal(draft.headers.location, '/admin/reports/2026/430302');
    const edit = await web.get('/admin/reports/2026/430302');
    t.match(pageText(edit.body), /全年新收政府信息公开申请\d+件/, 'the draft text carries the figures');
    const unwritten = await web.post('/admin/reports/2026/430302/publish', {});
    t.equal(unwritten.statusCode, 409);
    t.match(
      pageText(unwritten.body),
      /报告中还有待填写的内容，不能发布：一、总体情况（【请填写本年度政府信息公开工作的总体情况】）；二、主动公开政府信息情况/,
      'a placeholder left: refused, each named',
    );
    await web.post('/admin/reports', { year: '2027', agency: '430302' });
    await web.get('/admin/reports/2027/430302');
    const early = await web.post('/admin/reports/2027/430302/publish', {});
    t.equal(early.statusCode, 409);
    t.match(pageText(early.body), /2027年尚未结束，2027年度报告自2028年1月1日起才能发布（条例第四十九条）/, 'art. 49: not before the year is over');
    await web.get('/admin/reports/2026/430302');
    t.equal(
      (await web.post('/admin/reports/2026/430302', { overview: '2026年总体情况良好。', proactive: '主动公开情况。', problems: '存在的问题。', other: '其他事项。' })).statusCode,
      303,
    );
    t.equal((await web.post('/admin/reports/2026/430302/publish', {})).statusCode, 303);
    const again = await web.post('/admin/reports/2026/430302/publish', {});
    t.equal(again.statusCode, 409);
    t.match(pageText(again.body), /无法发布[\s\S]*年度报告已经发布/, 'publishing twice is refused on a page that says why');
    const undated = await web.post(`/staff/cases/${carried[1]!.tn}/reviews`, { kind: 'review', filedOn: '2026-02-01', outcome: 'corrected' });
    t.equal(undated.statusCode, 400);
    t.match(pageText(undated.body), /无法登记[\s\S]*请填写审结日期/, "a review form's mistake is shown with the field's message");
    const before = pageText((await web.get('/reports/2026/430302')).body);
    // The one-district version's address of the whole district's report leads to the top jurisdiction's.
    t.match((await web.get('/reports/2026/district')).headers, { location: '/reports/2026/430300' });
    t.match(before, /2026年总体情况良好/);
    const pdf = await web.get('/reports/2026/430302.pdf');
    t.equal(pdf.statusCode, 200);
    t.match(pdf.headers['content-type'], /^application\/pdf/);
    const { text: pdfText2026 } = await pdfText(pdf.rawPayload);
    t.match(pdfText2026, /2026年政府信息公开工作年度报告/, 'the published report as an A4 PDF');
    t.match(pdfText2026, '一、本年新收政府信息公开申请数量', "with table 三 in the format's words");
    t.match(pdfText2026, '2026年总体情况良好', 'and its sections');
    t.equal((await web.get('/reports/2025/430302.pdf')).statusCode, 404, 'nothing for a report not published');

    // A case received in 2026 answered later changes the live table but not the published report.
    await act('mzj', overdue.tn, answerBody('disclosed'));
    const live = (await admin.get('/api/reports/annual?year=2026')).json().rows;
    t.equal(live.carried_forward.total, 3, '2026 still ends with it open (answered in 2027)');
    const backdated = await clerks.mzj!.post('/api/cases', { ...application({ agency: 'mzj' }), channel: 'post', receivedOn: '2026-12-30' });
    t.equal(backdated.statusCode, 201);
    t.equal((await admin.get('/api/reports/annual?year=2026')).json().rows.new.total, report.rows.new.total + 1, 'the live table counts a late-registered 2026 case');
    t.equal(pageText((await web.get('/reports/2026/430302')).body), before, 'the published report does not change');
    t.equal((await web.post('/admin/reports/2026/430302', { overview: 'x', proactive: 'x', problems: 'x', other: 'x' })).statusCode, 409, 'nor can its text');
    t.match(pageText((await web.get('/reports')).body), /雨湖区2026年政府信息公开工作年度报告/);
  });

  await t.test('the statistics dashboard', async (t) => {
    const supervisor = await signIn(app, clerks.fgj!.email, clerks.fgj!.password);
    const page = await supervisor.get('/staff/stats');
    t.equal(page.statusCode, 200);
    t.match(page.body, /<svg viewBox="0 0 640 220" role="img"/);
    t.match(pageText(page.body), /按期答复率/);
    const clerk = await staffClient(app, 'clerk', 'fgj');
    t.equal((await (await signIn(app, clerk.email, clerk.password)).get('/staff/stats')).statusCode, 403);
    t.equal((await clerk.get('/api/reports/annual?year=2026&agency=czj')).statusCode, 403, 'clerks see only their own agency');
    t.equal((await clerk.get('/api/reports/annual?year=2026')).json().agency, 'fgj');
  });
});

t.test(
  'a draft saved while it is being published does not change the published report',
  { skip: TEST_DATABASE_URL ? false : 'PostgreSQL only: the embedded database runs one statement at a time' },
  async (t) => {
    const { app, db } = await testApp(t, { now: '2027-01-10T02:00:00Z' });
    const web = await signIn(app, ADMIN.email, ADMIN.password);
    await web.get('/admin/reports');
    t.equal((await web.post('/admin/reports', { year: '2026', agency: '430302' })).statusCode, 303);
    await web.get('/admin/reports/2026/430302');
    const text = { overview: '总体情况。', proactive: '主动公开。', problems: '问题。', other: '其他。' };
    t.equal((await web.post('/admin/reports/2026/430302', text)).statusCode, 303);
    const csrf = web.csrf();

    // The report's row held for a moment, so that the publication and a save of the draft, each past
    // its checks, wait to write, the publication first.
    const release = await holdRows(db, sql`select id from annual_reports where year = 2026 and scope = '430302' for update`);
    const publishing = web.post('/admin/reports/2026/430302/publish', {});
    await rowWritesWaiting(db, 1);
    const saving = web.post('/admin/reports/2026/430302', { ...text, overview: '发布之后改写的内容。', _csrf: csrf }, { csrf: false });
    await rowWritesWaiting(db, 2);
    await release();
    t.equal((await publishing).statusCode, 303, 'published');
    const saved = await saving;
    t.equal(saved.statusCode, 409, 'the save that came second is refused');
    t.match(pageText(saved.body), /年度报告已经发布，不能再修改/);
    const page = pageText((await web.get('/reports/2026/430302')).body);
    t.match(page, /总体情况。/, 'the published report is the text published');
    t.notMatch(page, /发布之后改写的内容/);
  },
);
