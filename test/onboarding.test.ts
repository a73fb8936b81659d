// Bringing a government in (issue 32 item 5): its agencies and staff from the template spreadsheet,
// all rows or none, and back out; the case ledger (台账) as XLSX for a scope and period.
import ExcelJS from 'exceljs';
import t from 'tap';
import { api, login, staffClient, testApp } from './helpers/test-app.js';
import { application, multipartBody, XIANGTAN_COUNTY } from './helpers/factories.js';

async function workbookOf(body: Buffer) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(body as unknown as ArrayBuffer);
  return book;
}
const rowsOf = (sheet: ExcelJS.Worksheet) => {
  const rows: string[][] = [];
  sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
  return rows;
};

t.test('agencies and staff come in from the template spreadsheet, all rows or none', async (t) => {
  const { app } = await testApp(t);
  const admin = await staffClient(app, 'admin');
  t.equal((await admin.post('/api/jurisdictions', XIANGTAN_COUNTY)).statusCode, 201);

  const template = await app.inject({ method: 'GET', url: '/api/agencies/template.xlsx', headers: { authorization: `Bearer ${admin.token()}` } });
  t.equal(template.statusCode, 200);
  const book = await workbookOf(template.rawPayload);
  t.same(
    book.worksheets.map((s) => s.name),
    ['机关', '工作人员', '说明'],
  );
  const [agencyHead] = rowsOf(book.getWorksheet('机关')!);
  t.same(agencyHead!.slice(0, 6), ['行政区划代码', '网址标识', '申请编号前缀', '机关全称', '文号简称', '机关类型']);
  t.equal(rowsOf(book.getWorksheet('机关')!).length, 1, 'the template holds no rows to import by mistake');

  const agencySheet = book.getWorksheet('机关')!;
  const office = [
    '430321',
    'xtxzfb',
    'XTXZF',
    '湘潭县人民政府办公室',
    '潭县政办',
    '人民政府（办公室）',
    '',
    '县政府办政务公开股',
    '湖南省湘潭县易俗河镇',
    '411200',
    '周一至周五',
    '0731-57861001',
    '0731-57861002',
    'zwgk@xtx.gov.cn',
    'http://www.xtx.gov.cn/',
    '湘潭市人民政府',
    '湘潭市岳塘区人民法院',
  ];
  const education = [
    '430321',
    'xtxjyj',
    'XTXJY',
    '湘潭县教育局',
    '潭县教',
    '政府工作部门',
    '',
    '县教育局办公室',
    '湖南省湘潭县易俗河镇',
    '411200',
    '周一至周五',
    '0731-57862001',
    '0731-57862002',
    'jyj@xtx.gov.cn',
    'http://jyj.xtx.gov.cn/',
    '',
    '',
  ];
  const unit = [
    '430321',
    'xtxjyzx',
    'XTXJYZX',
    '湘潭县教育事务中心',
    '潭县教中',
    '政府工作部门',
    'xtxjyj',
    '中心办公室',
    '湖南省湘潭县易俗河镇',
    '411200',
    '周一至周五',
    '0731-57863001',
    '0731-57863002',
    'zx@xtx.gov.cn',
    'http://jyj.xtx.gov.cn/zx/',
    '',
    '',
  ];
  const staffSheet = book.getWorksheet('工作人员')!;
  const clerkRow = ['li.ming@xtx.gov.cn', '李明', '办理人员', 'xtxjyj', ''];
  const officeRow = ['zwgk.office@xtx.gov.cn', '县政务公开办', '政务公开办', '', '430321'];
  const upload = async (b: ExcelJS.Workbook) => {
    const form = multipartBody({}, [{ field: 'file', filename: 'import.xlsx', content: Buffer.from(await b.xlsx.writeBuffer()) }]);
    return app.inject({ method: 'POST', url: '/api/agencies/import', headers: { authorization: `Bearer ${admin.token()}`, ...form.headers }, payload: form.payload });
  };

  // One bad row: nothing is imported, and every problem is named by its row.
  agencySheet.addRows([office, education, [...unit.slice(0, 1), 'fgj', ...unit.slice(2, 9), '4112', ...unit.slice(10)]]);
  staffSheet.addRows([clerkRow, ['no-agency@xtx.gov.cn', '王五', '办理人员', 'nowhere', '']]);
  const refused = await upload(book);
  t.equal(refused.statusCode, 400);
  t.match(refused.json(), {
    error: 'validation.failed',
    message: /未导入任何内容/,
    fields: { '“机关”表第4行 网址标识': '该标识已被使用', '“机关”表第4行 邮政编码': '邮政编码为6位数字', '“工作人员”表第3行 所属机关标识': /机关标识/ },
  });
  t.equal((await api(app).get('/api/agencies?jurisdiction=430321')).json().length, 0, 'nothing was half-imported');

  agencySheet.spliceRows(2, 3, office, education, unit);
  staffSheet.spliceRows(2, 2, clerkRow, officeRow);
  const done = await upload(book);
  t.equal(done.statusCode, 201, done.body);
  t.same(done.json().agencies, ['湘潭县人民政府办公室', '湘潭县教育局', '湘潭县教育事务中心']);
  const imported = (await api(app).get('/api/agencies?jurisdiction=430321')).json();
  t.match(imported, [{ slug: 'xtxzfb' }, { slug: 'xtxjyj', parent: null }, { slug: 'xtxjyzx', parent: 'xtxjyj' }]);
  const draft = await admin.get('/api/agencies/xtxjyj/guide');
  t.equal(draft.statusCode, 404, 'its guide is a draft until an administrator publishes it');
  // Left empty, the review body and court follow the level (行政复议法 2023 art. 24(1)(1)).
  const exported = await workbookOf((await app.inject({ method: 'GET', url: '/api/agencies/export.xlsx', headers: { authorization: `Bearer ${admin.token()}` } })).rawPayload);
  const row = rowsOf(exported.getWorksheet('机关')!).find((r) => r[1] === 'xtxjyj')!;
  t.same(row.slice(15), ['湘潭县人民政府', '湘潭县人民法院']);
  t.ok(
    rowsOf(exported.getWorksheet('工作人员')!).some((r) => r[0] === 'li.ming@xtx.gov.cn' && r[3] === 'xtxjyj'),
    'the export lists the accounts in the same layout',
  );
  const account = done.json().accounts.find((a: { email: string }) => a.email === 'li.ming@xtx.gov.cn');
  const me = (await api(app, await login(app, account.email, account.password)).get('/api/auth/me')).json();
  t.match(me, { role: 'clerk', passwordChangeRequired: true }, 'the generated password signs in once, to be changed');

  const again = await upload(book);
  t.match(again.json().fields, { '“机关”表第2行 网址标识': '该标识已被使用', '“工作人员”表第2行 电子邮箱': '该邮箱已有账号' }, 'a second import of the same file is refused');
  const clerk = await staffClient(app, 'clerk', 'fgj');
  t.equal((await clerk.get('/api/agencies/export.xlsx')).statusCode, 403, 'administrators only');
});

t.test('the case ledger (台账) exports as XLSX for a scope and period', async (t) => {
  const { app } = await testApp(t);
  const filed = (await api(app).post('/api/requests', application({ agency: 'ytjyj' }))).json();
  await api(app).post('/api/requests', application({ agency: 'fgj' }));
  const admin = await staffClient(app, 'admin');
  const ledger = await app.inject({
    method: 'GET',
    url: '/api/reports/ledger.xlsx?jurisdiction=430304&from=2026-01-01&to=2026-12-31',
    headers: { authorization: `Bearer ${admin.token()}` },
  });
  t.equal(ledger.statusCode, 200);
  t.match(ledger.headers['content-disposition'], /%E5%8F%B0%E8%B4%A6/, 'named 台账');
  const rows = rowsOf((await workbookOf(ledger.rawPayload)).getWorksheet('台账')!);
  t.same(rows[0]!.slice(0, 3), ['申请编号', '机关', '收到日期']);
  t.equal(rows.length, 2, "岳塘区's one case");
  t.match(rows[1], [
    filed.trackingNumber,
    '湘潭市岳塘区教育局',
    '2026-03-02',
    /网上/,
    '自然人',
    '张三',
    /请公开/,
    '已受理，待分办',
    '2026-03-30',
    '',
    '',
    /接收回执（岳教依申〔2026〕1号/,
  ]);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  t.equal((await clerk.get('/api/reports/ledger.xlsx?jurisdiction=430304')).statusCode, 403, "another jurisdiction's ledger is not a clerk's");
  const bad = await admin.get('/api/reports/ledger.xlsx?from=2026-12-31&to=2026-01-01');
  t.match(bad.json(), { fields: { to: '开始日期不能晚于结束日期' } });
});
