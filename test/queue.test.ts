// The clerks' queue as a to-do list (issue 33 item 1): tabs with counts, open cases by default, search
// by any two characters inside words, export of the view as XLSX, and batch assignment.
import ExcelJS from 'exceljs';
import t from 'tap';
import { api, staffClient, testApp } from './helpers/test-app.js';
import { answerBody, application } from './helpers/factories.js';
import { pageText, signIn } from './helpers/web.js';

type Tab = { key: string; label: string; count: number };

t.test('the queue: tabs with counts, open cases by default, search, export and batch assignment', async (t) => {
  const { app, clock } = await testApp(t); // Monday 2026-03-02, 10:00 in Shanghai
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const other = await staffClient(app, 'clerk', 'fgj');
  const head = await staffClient(app, 'supervisor', 'fgj');
  const stranger = await staffClient(app, 'supervisor', 'czj');
  const file = async (overrides: Record<string, unknown>) => {
    const res = await api(app).post('/api/requests', application(overrides));
    t.equal(res.statusCode, 201, res.body);
    return res.json().trackingNumber as string;
  };
  const act = async (who: typeof clerk, tn: string, body: Record<string, unknown>) => {
    const res = await who.post(`/api/cases/${tn}/events`, body);
    t.equal(res.statusCode, 200, `${String(body.type)}: ${res.body.slice(0, 200)}`);
  };

  const subsidy = await file({ description: '请公开2025年农机购置补贴申请的发放名单', applicant: { name: '欧阳明' } });
  const roads = await file({ description: '请公开城区道路维修工程的招标文件和中标结果' });
  const answered = await file({ description: '请公开2025年度部门预算' });
  const drafted = await file({ description: '请公开价格监测报告' });
  const correction = await file({ description: '请公开那份文件' });
  await act(head, answered, answerBody('disclosed', { text: '现向您提供2025年度部门预算。' }));
  await act(clerk, drafted, answerBody('disclosed', { text: '现向您提供价格监测报告。' }));
  await act(head, correction, { type: 'REQUEST_CORRECTION', items: ['请写明文件的名称或者文号'], dueInWorkingDays: 15 });
  await act(head, roads, { type: 'ASSIGN', assignee: clerk.id });

  const tabs = async (who = clerk) => {
    const res = await who.get('/api/cases/tabs');
    t.equal(res.statusCode, 200, res.body);
    return Object.fromEntries((res.json().tabs as Tab[]).map((x) => [x.key, x.count]));
  };
  t.same(
    await tabs(),
    { open: 4, unassigned: 2, mine: 1, due_soon: 0, overdue: 0, approval: 1, applicant: 1, closed: null },
    '在办 4, 待分办 2, 我的待办 1, 待审签 1 (the draft, art. 17), 等待申请人 1 (correction, art. 30); 已办结, an archive, is not counted',
  );
  t.same(await tabs(stranger), { open: 0, unassigned: 0, mine: 0, due_soon: 0, overdue: 0, approval: 0, applicant: 0, closed: null }, "another agency's staff count none of them");
  const list = async (query: string, who = clerk) => ((await who.get(`/api/cases?${query}`)).json().items as { trackingNumber: string }[]).map((c) => c.trackingNumber).sort();
  t.same(await list('tab=mine'), [roads], '我的待办');
  t.same(await list('tab=approval'), [drafted], '待审签');
  t.same(await list('tab=applicant'), [correction], '等待申请人');
  t.same(await list('tab=closed'), [answered], '已办结');
  t.equal((await clerk.get('/api/cases?tab=everything')).statusCode, 400, 'an unknown tab is refused');

  // Art. 33: an extension asked by a clerk waits for the office head (待审批 beside 待审签).
  await act(clerk, subsidy, { type: 'REQUEST_EXTENSION', workingDays: 20, reason: '需要汇总多个科室的材料' });
  t.same(await list('tab=approval'), [drafted, subsidy].sort(), 'an extension request awaits the office head');

  // Due 2026-03-30 (20 working days from 03-03): due soon from 03-23 (5 working days), overdue from 03-31.
  clock.set('2026-03-24T02:00:00Z');
  t.match(await tabs(), { due_soon: 3, overdue: 0 }, '5个工作日内到期');
  clock.set('2026-03-31T02:00:00Z');
  t.match(await tabs(), { due_soon: 0, overdue: 3 }, '已超期: every running case past its due date (an extension asked is not one granted)');
  clock.set('2026-03-04T02:00:00Z');

  // Search: any part of the tracking number, two characters inside a word, words apart, a name.
  t.same(await list(`q=${subsidy.slice(-5)}`), [subsidy], 'the end of a tracking number');
  t.same(await list(`q=${encodeURIComponent('补贴')}`), [subsidy], 'two characters inside a word');
  t.same(await list(`q=${encodeURIComponent('道路 中标')}`), [roads], 'words apart, not only an exact phrase');
  t.same(await list(`q=${encodeURIComponent('道路 补贴')}`), [], 'every word must be found');
  t.same(await list(`q=${encodeURIComponent('欧阳')}`), [subsidy], "part of the applicant's name");
  t.same(await list(`q=${encodeURIComponent('预算')}&tab=closed`), [answered], 'search within a tab');

  // The page: open cases by default, tabs with counts; cards' labels for narrow screens.
  const web = await signIn(app, head.email, head.password);
  const page = await web.get('/staff');
  t.equal(page.statusCode, 200);
  const text = pageText(page.body);
  t.match(text, /全部在办 4 待分办 2 我的待办 0 5个工作日内到期 0 已超期 0 待审签 2 等待申请人 1 已办结/, 'the tabs with their counts');
  t.notOk(page.body.includes(`/staff/cases/${answered}"`), 'an answered case is not on the default view');
  t.match(page.body, /data-label="答复期限"/, 'each cell names its column (the card layout below 40rem)');
  t.ok((await web.get('/staff?tab=closed')).body.includes(`/staff/cases/${answered}"`), '已办结 lists it');

  // Export of the current view as XLSX, as the desk shows it (Chinese dates and labels).
  await head.get('/api/cases/tabs'); // signs in again after the clock's jumps
  const exported = await app.inject({ method: 'GET', url: `/api/cases/export.xlsx?tab=open`, headers: { authorization: `Bearer ${head.token()}` } });
  t.equal(exported.statusCode, 200);
  t.match(exported.headers['content-type'], /spreadsheetml/);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(exported.rawPayload as unknown as ArrayBuffer);
  const rows: string[][] = [];
  book.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
  t.same(rows[0]!.slice(0, 3), ['申请编号', '机关', '申请人']);
  t.same(
    rows
      .slice(1)
      .map((r) => r[0])
      .sort(),
    [correction, drafted, roads, subsidy].sort(),
    'the open cases, every page',
  );
  t.match(
    rows.find((r) => r[0] === roads),
    [roads, '湘潭市雨湖区发展和改革局', '张三', /道路维修/, '网上提交', '2026年3月2日', '2026年3月30日'],
    'dates as 2026年3月30日',
  );
  const pageExport = await web.get('/staff/cases.xlsx?tab=approval');
  t.equal(pageExport.statusCode, 200, 'the page offers the same download');

  // Batch assignment: the office head gives two cases to a clerk; another agency's case is refused.
  const theirs = await file({ agency: 'czj', description: '请公开财政专项资金分配结果' });
  const batch = await head.post('/api/cases/assignments', { trackingNumbers: [subsidy, drafted, theirs], assignee: other.id });
  t.equal(batch.statusCode, 200, batch.body);
  t.same(batch.json().assigned, [subsidy, drafted]);
  t.match(batch.json().refused, [{ trackingNumber: theirs, message: /没有找到/ }], "another agency's case is not assigned, and says why");
  t.same(await list('tab=mine', other), [drafted, subsidy].sort(), "now in the clerk's 我的待办");
  await web.get('/staff?tab=unassigned');
  const posted = await web.post('/staff/cases/assign', { returnTo: '/staff?tab=unassigned', assignee: String(clerk.id), trackingNumbers: correction });
  t.equal(posted.statusCode, 303, posted.body.slice(0, 300));
  t.match(posted.headers.location, /^\/staff\?tab=unassigned&notice=assigned/, 'back to the same view, with what was done');
  t.same(await list('tab=mine'), [correction, roads].sort());
  const none = await web.post('/staff/cases/assign', { assignee: String(clerk.id) });
  t.equal(none.statusCode, 400);
  t.match(pageText(none.body), /请先勾选要分办的申请/, 'nothing ticked: says so');
});
