// The reading room (art. 44 publication, art. 24 findable): answers published with their released
// files through the contract's API, refused with the places when they hold personal data, searched by
// two characters inside words with filters and paging past the first page, followed by an Atom feed.
import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { api, staffClient, testApp } from './helpers/test-app.js';
import { application, multipartBody, PDF } from './helpers/factories.js';
import { pageText, signIn, webClient } from './helpers/web.js';
import { pdfOf } from './helpers/pdf.js';

type Staff = Awaited<ReturnType<typeof staffClient>>;

/** An office head answers with a released file (multipart ANSWER); the released files' ids. */
async function answerWith(t: Test, app: FastifyInstance, who: Staff, tn: string, text: string, file?: { filename: string; content: Buffer }) {
  const form = multipartBody({ type: 'ANSWER', disposition: 'disclosed', text }, file ? [file] : []);
  const res = await app.inject({ method: 'POST', url: `/api/cases/${tn}/events`, headers: { authorization: `Bearer ${who.token()}`, ...form.headers }, payload: form.payload });
  t.equal(res.statusCode, 200, res.body.slice(0, 200));
  return (res.json().attachments as { id: string; role: string }[]).filter((a) => a.role === 'released').map((a) => a.id);
}

t.test('the reading room: publication with files, the guard, search, filters, paging, feed', async (t) => {
  const { app, clock } = await testApp(t); // Monday 2026-03-02
  const head = await staffClient(app, 'supervisor', 'fgj');
  const czjHead = await staffClient(app, 'supervisor', 'czj');
  const answer = async (who: Staff, agency: string, description: string, file?: string) => {
    const tn = (await api(app).post('/api/requests', application({ agency, description }))).json().trackingNumber as string;
    await who.get('/api/cases/tabs'); // signs in again after the clock's jump
    const files = await answerWith(t, app, who, tn, `您好！现向您提供${description.slice(3)}。`, file ? { filename: file, content: PDF } : undefined);
    return { tn, files };
  };

  // Published with its released file (contract: POST /api/cases/:tn/publication { title, text, files }).
  const subsidy = await answer(head, 'fgj', '请公开2025年农机购置补贴发放情况', '补贴发放情况.pdf');
  const leaky = await head.post(`/api/cases/${subsidy.tn}/publication`, {
    title: '2025年农机购置补贴发放情况',
    text: '经办人王五，身份证 110105 1949 1231 002X，电话０７３１－５８５８１２３４。',
    files: subsidy.files,
  });
  t.equal(leaky.statusCode, 400, "another person's spaced-out ID number and full-width phone number are refused");
  t.equal(leaky.json().error, 'publication.personal_data');
  t.match(leaky.json().places, [{ field: 'text', excerpt: /110105 1949 1231 002X/ }], 'each place named, in the field the client sent');
  t.equal((await api(app).get('/api/published')).json().total, 0, 'nothing published');
  t.equal(
    (await head.post(`/api/cases/${subsidy.tn}/publication`, { title: '补贴发放情况', text: '现提供发放情况。', files: ['6f1c2c1e-0000-4000-8000-000000000000'] })).statusCode,
    400,
    'only the case’s released files',
  );
  const published = await head.post(`/api/cases/${subsidy.tn}/publication`, {
    title: '2025年农机购置补贴发放情况',
    text: '现向申请人提供2025年农机购置补贴发放情况。',
    files: subsidy.files,
  });
  t.equal(published.statusCode, 201, published.body);
  const { id, url } = published.json() as { id: number; url: string };
  t.equal(url, `/published/${id}`);
  const listedItem = (await api(app).get('/api/published')).json().items[0];
  t.match(listedItem, { id, indexNumber: /^[A-Z0-9]+\/2026-00001$/ }, '索引号: the agency, the year, its number in the year');
  const page = await webClient(app).get(url);
  t.match(pageText(page.body), /现向申请人提供2025年农机购置补贴发放情况。.*公开的文件.*补贴发放情况\.pdf/);
  const download = await webClient(app).get(`/published/${id}/files/${subsidy.files[0]}`);
  t.equal(download.statusCode, 200, 'the released file can be downloaded by anyone');
  t.ok(download.rawPayload.subarray(0, 4).equals(Buffer.from('%PDF')));

  // Many items, across agencies, jurisdictions and years.
  for (let i = 1; i <= 22; i += 1) {
    const { tn } = await answer(head, 'fgj', `请公开第${i}批城区道路维修工程招标文件`);
    t.equal((await head.post(`/api/cases/${tn}/publication`, { title: `第${i}批道路维修工程招标文件`, text: '现提供招标文件。' })).statusCode, 201);
  }
  clock.set('2027-01-05T02:00:00Z');
  const late = await answer(czjHead, 'czj', '请公开2026年财政专项资金分配结果');
  t.equal((await czjHead.post(`/api/cases/${late.tn}/publication`, { title: '2026年财政专项资金分配结果', text: '现提供分配结果。' })).statusCode, 201);
  const yt = await staffClient(app, 'supervisor', 'ytzfb');
  const yuetang = await answer(yt, 'ytzfb', '请公开岳塘区道路维修计划');
  t.equal((await yt.post(`/api/cases/${yuetang.tn}/publication`, { title: '岳塘区道路维修计划', text: '现提供维修计划。' })).statusCode, 201);

  const search = async (query: string) =>
    (await api(app).get(`/api/published?${query}`)).json() as { items: { title: string; agency: { slug: string } }[]; total: number; page: number; pages: number };
  const all = await search('');
  t.equal(all.total, 25);
  t.equal(all.items.length, 20, '20 a page');
  t.equal(all.items[0]!.title, '岳塘区道路维修计划', 'newest first');
  const roads = await search(`q=${encodeURIComponent('维修')}`);
  t.equal(roads.total, 23, 'two characters inside a word (道路维修工程) find every item holding them');
  const second = await search(`q=${encodeURIComponent('维修')}&page=2`);
  t.same([second.page, second.pages, second.items.length], [2, 2, 3], 'paging past the first page');
  t.equal((await search(`q=${encodeURIComponent('补贴')}`)).total, 1);
  t.equal((await search(`q=${encodeURIComponent('招标 第7批')}`)).total, 1, 'words apart, all of them');
  t.equal((await search(`q=${encodeURIComponent('维修')}&jurisdiction=430304`)).total, 1, 'by jurisdiction (岳塘区)');
  t.equal((await search('jurisdiction=430302')).total, 24, 'by jurisdiction (雨湖区: fgj and czj)');
  t.equal((await search('agency=czj')).total, 1, 'by agency');
  t.equal((await search('year=2027')).total, 2, 'by year');
  t.equal((await api(app).get('/api/published?page=0')).statusCode, 400, 'a page number from 1');

  const room = pageText((await webClient(app).get(`/published?q=${encodeURIComponent('维修')}&page=2`)).body);
  t.match(room, /找到 23 条，第 2 \/ 2 页/, 'the page says how many and where');
  t.match(room, /上一页/);
  const feed = await webClient(app).get('/published/feed.xml');
  t.match(feed.headers['content-type'], /application\/atom\+xml/);
  t.match(feed.body, /<title>岳塘区道路维修计划<\/title>/);

  // Withdrawn: neither listed nor its file served.
  t.equal((await head.post(`/api/published/${id}/withdrawal`, { reason: '附件有误，更正后重新公开' })).statusCode, 200);
  t.equal((await search(`q=${encodeURIComponent('补贴')}`)).total, 0);
  t.equal((await webClient(app).get(`/published/${id}/files/${subsidy.files[0]}`)).statusCode, 404, 'its file is no longer served');

  // The case page's form suggests the answer in the third person and keeps what was typed on refusal.
  const other = await answer(head, 'fgj', '请公开2025年度部门预算');
  const web = await signIn(app, head.email, head.password);
  const form = await web.get(`/staff/cases/${other.tn}`);
  t.match(pageText(form.body), /现向申请人提供2025年度部门预算。/, '您 → 申请人, the greeting dropped');
  const refused = await web.post(`/staff/cases/${other.tn}/publish`, { title: '2025年度部门预算', question: '', answer: '联系人手机13912345678。' });
  t.equal(refused.statusCode, 400);
  t.match(pageText(refused.body), /含有个人信息.*手机号码/);
  t.match(refused.body, /<textarea id="pub-answer" name="answer" required>联系人手机13912345678。<\/textarea>/, 'the typed text is kept');
});

t.test("a published file's text is guarded and searched (art. 24; docs/publication.md)", async (t) => {
  const { app } = await testApp(t);
  const head = await staffClient(app, 'supervisor', 'fgj');
  const tn = (await api(app).post('/api/requests', application({ description: '请公开2025年度农机补贴发放名单' }))).json().trackingNumber as string;
  const [fileId] = await answerWith(t, app, head, tn, '现向您提供发放名单。', {
    filename: '发放名单.pdf',
    content: await pdfOf([['拖拉机购置补贴名单：经办人赵六，身份证号码11010519491231002X。']]),
  });
  const refused = await head.post(`/api/cases/${tn}/publication`, { title: '农机补贴发放名单', text: '现提供发放名单。', files: [fileId] });
  t.equal(refused.statusCode, 400, 'an identity number inside the PDF is found');
  t.match(refused.json().places, [{ field: 'files', excerpt: /《发放名单\.pdf》第1页 身份证号码 .*11010519491231002X/ }], 'which file, which page');
  const published = await head.post(`/api/cases/${tn}/publication`, { title: '农机补贴发放名单', text: '现提供发放名单。' });
  t.equal(published.statusCode, 201, 'without the file it may be published');
  t.equal((await api(app).get(`/api/published?q=${encodeURIComponent('拖拉机')}`)).json().total, 0, 'the unpublished file is not searched');

  // A clean file published with its answer is found by the words inside it.
  const tn2 = (await api(app).post('/api/requests', application({ description: '请公开农机补贴标准' }))).json().trackingNumber as string;
  const [file2] = await answerWith(t, app, head, tn2, '现向您提供补贴标准。', { filename: '补贴标准.pdf', content: await pdfOf([['拖拉机购置补贴标准：每台补贴500元。']]) });
  t.equal((await head.post(`/api/cases/${tn2}/publication`, { title: '农机补贴标准', text: '现提供补贴标准。', files: [file2] })).statusCode, 201);
  t.match(
    (await api(app).get(`/api/published?q=${encodeURIComponent('拖拉机')}`)).json(),
    { total: 1, items: [{ title: '农机补贴标准' }] },
    "found by a word only in the file's text",
  );
});
