import { eq, sql } from 'drizzle-orm';
import t from 'tap';
import { agencies, letters, outbox } from '../src/db/schema.js';
import { demoJurisdictions } from '../src/jurisdictions/demo-data.js';

const DEMO_AGENCIES = demoJurisdictions().flatMap((j) => j.agencies);
import { ADMIN, api, login, staffClient, testApp } from './helpers/test-app.js';
import { holdRows, rowWritesWaiting, TEST_DATABASE_URL } from './helpers/test-databases.js';
import { application, multipartBody, PDF, PNG, VALID_RESIDENT_ID } from './helpers/factories.js';
import { pageText, signIn, webClient } from './helpers/web.js';

/** What the guide form holds, as its text fields and its text areas. */
function guideFields(html: string) {
  return {
    values: Object.fromEntries([...html.matchAll(/<input type="text" id="([a-zA-Z]+)" name="\1" value="([^"]*)"/g)].map((m) => [m[1], m[2]!])),
    areas: Object.fromEntries([...html.matchAll(/<textarea id="([a-zA-Z]+)" name="\1"[^>]*>([^<]*)<\/textarea>/g)].map((m) => [m[1], m[2]!])),
  };
}

t.test('public portal, guides and administration', async (t) => {
  const { app, db } = await testApp(t);

  await t.test('home: what 依申请公开 is, the directory with search, links to apply, track and guides', async (t) => {
    const home = await webClient(app).get('/');
    t.equal(home.statusCode, 200);
    t.match(home.body, /<html lang="zh-CN">/);
    const text = pageText(home.body);
    t.match(text, /依申请公开/);
    for (const a of DEMO_AGENCIES) t.ok(text.includes(a.name), `${a.name} is listed`);
    t.match(home.body, /href="\/apply\/fgj"/);
    t.match(home.body, /href="\/guide\/fgj"/);
    t.match(home.body, /href="\/track"/);
    const found = pageText((await webClient(app).get(`/?q=${encodeURIComponent('财政')}`)).body);
    t.match(found, /湘潭市雨湖区财政局/);
    t.notMatch(found, /湘潭市雨湖区教育局/);
  });

  await t.test("every demo agency's guide lists every item the statute and the district document require", async (t) => {
    const index = pageText((await webClient(app).get('/guide')).body);
    for (const a of DEMO_AGENCIES) {
      t.ok(index.includes(a.name), `${a.name} in the district index`);
      const page = await webClient(app).get(`/guide/${a.slug}`);
      t.equal(page.statusCode, 200);
      const text = pageText(page.body);
      const must: [string, RegExp | string][] = [
        ['classification', '政府信息的分类与编排'],
        ['how to obtain', '主动公开的政府信息'],
        ['office name', a.officeName],
        ['address', a.address],
        ['office hours', a.officeHours],
        ['phone', a.phone],
        ['fax', a.fax],
        ['e-mail', a.email],
        ['web contact', a.website],
        ['apply online', /网上申请\s*：通过本平台在线填写申请表/],
        ['apply in person', /当面申请\s*：在办公时间/],
        ['apply by post with the envelope marking', /邮寄申请\s*：.*信封左下角注明“政府信息公开申请”/],
        ['apply by fax', `传真至 ${a.fax}`],
        ['contents of an application', /申请公开的政府信息的名称、文号/],
        ['numbered process', /1\. 提出申请|提出申请 ：/],
        ['7 working days for a correction', /7个工作日内一次性告知/],
        ['15 working days for consultation', /15个工作日内提出意见/],
        ['20 working days to answer', /20个工作日内予以答复/],
        ['extension of at most 20', /延长的期限最长不得超过20个工作日/],
        ['what stops the clock', /征求意见所需时间不计算在答复期限内/],
        ['reasons for requests beyond reason (art. 35)', /可以要求申请人说明理由/],
        ['tracking, correcting and withdrawing online', /查询与撤回\s*：提交申请后，凭申请编号和查询码/],
        ['fees', /按件计收.*按量计收/],
        ['review body named', `向${a.reviewBody}申请行政复议`],
        ['60 days / 6 months', /60日内.*6个月内/],
        ['court', a.court],
        ['service commitments', /服务承诺/],
        ['latest update', /最近更新：\d{4}年\d+月\d+日/],
      ];
      for (const [what, pattern] of must) {
        t.ok(typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text), `${a.slug}: ${what}`);
      }
    }
    const json = (await api(app).get('/api/agencies/czj/guide')).json();
    t.match(json, { agency: { slug: 'czj', name: '湘潭市雨湖区财政局' }, version: 1, contact: { phone: '0731-52325201' }, remedies: { reviewBody: '湘潭市雨湖区人民政府' } });
    t.equal(json.process.length, 9);
    t.equal((await api(app).get('/api/agencies/nosuch/guide')).statusCode, 404);
  });

  await t.test('administrators edit a guide as a draft, preview it, and publish a new version; earlier versions stay readable', async (t) => {
    const admin = await signIn(app, ADMIN.email, ADMIN.password);
    const form = await admin.get('/admin/agencies/jyj/guide');
    t.equal(form.statusCode, 200);
    const { values, areas } = guideFields(form.body);
    t.equal(values.phone, '0731-52325801');
    const bad = await admin.post('/admin/agencies/jyj/guide', { ...values, ...areas, phone: '' });
    t.equal(bad.statusCode, 400);
    t.match(pageText(bad.body), /联系电话：此项必填/);
    const saved = await admin.post('/admin/agencies/jyj/guide', { ...values, ...areas, phone: '0731-58888888' });
    t.equal(saved.statusCode, 303);
    t.equal(saved.headers.location, '/admin/agencies/jyj/guide/preview?notice=saved');
    const preview = await admin.get('/admin/agencies/jyj/guide/preview');
    t.match(pageText(preview.body), /0731-58888888/);
    t.match(pageText((await webClient(app).get('/guide/jyj')).body), /0731-52325801/, 'the public still sees the published version');
    const published = await admin.post('/admin/agencies/jyj/guide/publish', {});
    t.equal(published.headers.location, '/guide/jyj?notice=published');
    const page = pageText((await webClient(app).get('/guide/jyj')).body);
    t.match(page, /第2版/);
    t.match(page, /0731-58888888/);
    t.notMatch(page, /0731-52325801/);
    t.match(page, /第1版\s*（\d{4}年\d+月\d+日发布）/, 'the previous version is listed');
    const v1 = pageText((await webClient(app).get('/guide/jyj/versions/1')).body);
    t.match(v1, /0731-52325801/);
    t.match(v1, /这是历史版本/);
    const diff = pageText((await webClient(app).get('/guide/jyj/diff?from=1&to=2')).body);
    t.match(diff, /1 项有变化/);
    t.match(diff, /联系电话 0731-52325801 0731-58888888/);
    const [row] = await db.select().from(agencies).where(eq(agencies.slug, 'jyj'));
    t.equal(row!.phone, '0731-58888888', 'letters and the directory use the published number');
    t.equal((await admin.post('/admin/agencies/jyj/guide/publish', {})).statusCode, 400, 'nothing left to publish');
  });

  await t.test('the application form: CSRF, field errors with values kept, one submission per form, confirmation', async (t) => {
    const citizen = webClient(app);
    const form = await citizen.get('/apply/czj');
    t.match(form.body, /<option value="czj" selected>/, 'the agency is preselected');
    t.match(form.body, /<label for="applicant_idNumber">证件号码/, 'labels are tied to inputs');
    const token = /name="formToken" value="([^"]+)"/.exec(form.body)![1]!;
    const fields = { ...application({ agency: 'czj', applicant: { idNumber: '110105194912310021' } }), formToken: token };

    const noCsrf = await app.inject({ method: 'POST', url: '/apply', headers: { cookie: `_csrf=${citizen.cookies.get('_csrf')}`, accept: 'text/html' }, payload: { ...fields } });
    t.equal(noCsrf.statusCode, 403);

    const wrong = await citizen.postMultipart('/apply', fields, [{ filename: '身份证.png', content: PNG }]);
    t.equal(wrong.statusCode, 400);
    t.match(wrong.body, /id="applicant_idNumber-error">居民身份证号码校验位不正确/);
    t.match(wrong.body, /aria-invalid="true"/);
    t.match(wrong.body, /role="alert"/);
    t.match(wrong.body, /value="110105194912310021"/, 'the entered value is kept');
    t.match(wrong.body, /value="张三"/);
    t.match(wrong.body, /id="attachments-reselect">您选择的文件没有保存，请重新选择后再提交。/, 'the file sent with it must be chosen again');

    const receiptsBefore = (await db.select({ id: letters.id }).from(letters).where(eq(letters.kind, 'receipt'))).length;
    // A file too large (or too many) is refused before the application is read: what was typed stays.
    const big = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]);
    const oversize = await citizen.postMultipart('/apply', { ...fields, description: '2025年度部门预算公开表（含三公经费）' }, [{ filename: '扫描件.pdf', content: big }]);
    t.equal(oversize.statusCode, 400);
    t.match(oversize.body, /id="attachments-error">附件“扫描件.pdf”超过 10 MB/);
    t.match(oversize.body, /id="applicant_idNumber-error">居民身份证号码校验位不正确/, 'the fields are checked too: every mistake at once');
    t.match(oversize.body, /2025年度部门预算公开表（含三公经费）<\/textarea>/, 'the description is kept');
    t.match(oversize.body, /value="张三"/);
    t.match(oversize.body, /id="attachments-reselect">/);
    const rightId = { ...fields, applicant: { ...fields.applicant, idNumber: VALID_RESIDENT_ID } };
    const sixFiles = await citizen.postMultipart(
      '/apply',
      rightId,
      Array.from({ length: 6 }, (_, i) => ({ filename: `${i}.png`, content: PNG })),
    );
    t.equal(sixFiles.statusCode, 400);
    t.match(sixFiles.body, /id="attachments-error">最多上传 5 个附件/);
    t.match(sixFiles.body, new RegExp(`value="${VALID_RESIDENT_ID}"`));
    t.equal((await db.select({ id: letters.id }).from(letters).where(eq(letters.kind, 'receipt'))).length, receiptsBefore, 'nothing filed');

    const newToken = /name="formToken" value="([^"]+)"/.exec(wrong.body)![1]!;
    const good = { ...fields, formToken: newToken, applicant: { ...fields.applicant, idNumber: VALID_RESIDENT_ID } };
    const ok = await citizen.postMultipart('/apply', good, [{ filename: '身份证.png', content: PNG }]);
    t.equal(ok.statusCode, 303);
    t.equal(ok.headers.location, '/apply/done');
    const done = await citizen.get('/apply/done');
    const text = pageText(done.body);
    const tn = /申请编号 (CZJ-2026-\d{5})/.exec(text)?.[1];
    const code = /查询码 ([A-Z2-9]{8})/.exec(text)?.[1];
    t.ok(tn && code, 'tracking number and access code shown');
    t.match(text, /收到申请日期 2026年3月2日/);
    t.match(text, /答复期限 2026年3月30日前/);
    t.match(text, /政府信息公开申请接收回执/, 'the printable receipt');

    const again = await citizen.postMultipart('/apply', good, [{ filename: '身份证.png', content: PNG }]);
    t.equal(again.statusCode, 303, 'the same form sent twice');
    t.equal(again.headers.location, '/apply/done', 'the confirmation page, with nothing taken from the URL (D13)');
    const elsewhere = webClient(app);
    elsewhere.cookies.set('ogi_already', again.cookies.find((c) => c.name === 'ogi_already')!.value);
    t.match(pageText((await elsewhere.get('/apply/done')).body), new RegExp(`这份申请已经提交过，申请编号为 ${tn}`), "the first submission's number, from our own cookie");
    t.notMatch(pageText((await webClient(app).get('/apply/done?already=请拨打12345领取补贴')).body), /12345/, 'text in a link is never shown');
    const receipts = await db.select({ id: letters.id }).from(letters).where(eq(letters.kind, 'receipt'));
    t.equal(receipts.length, receiptsBefore + 1, 'one request filed, not two');
    const tracked = await citizen.get(`/track?trackingNumber=${tn}&accessCode=${code}`);
    t.equal(tracked.statusCode, 200);
    t.match(pageText(tracked.body), /已受理，待分办/);
  });

  await t.test('tracking: the same message for a wrong code and an unknown number; letters and released files with the code', async (t) => {
    const { trackingNumber, accessCode } = (await api(app).post('/api/requests', application())).json();
    const anon = webClient(app);
    const wrong = await anon.get(`/track?trackingNumber=${trackingNumber}&accessCode=AAAAAAAA`);
    const unknown = await anon.get(`/track?trackingNumber=FGJ-2026-99999&accessCode=${accessCode}`);
    t.equal(wrong.statusCode, 404);
    t.equal(pageText(wrong.body).match(/没有找到[^。]+/)?.[0], pageText(unknown.body).match(/没有找到[^。]+/)?.[0]);

    const clerk = await staffClient(app, 'supervisor', 'fgj');
    const form = multipartBody({ type: 'ANSWER', disposition: 'disclosed', text: '现向您提供该政府信息，见附件。' }, [{ filename: '清单.pdf', content: PDF }]);
    const answer = await app.inject({
      method: 'POST',
      url: `/api/cases/${trackingNumber}/events`,
      headers: { authorization: `Bearer ${clerk.token()}`, ...form.headers },
      payload: form.payload,
    });
    t.equal(answer.statusCode, 200, answer.body);
    const page = await anon.get(`/track?trackingNumber=${trackingNumber}&accessCode=${accessCode}`);
    const text = pageText(page.body);
    t.match(text, /已答复/);
    t.match(text, /予以公开/);
    const letterUrl = /href="(\/track\/letters\/\d+\?[^"]+)">政府信息公开申请答复书/
      .exec(page.body)![1]!
      .replace(/&amp;/g, '&')
      .replace(/&#x3D;/g, '=');
    const letter = await anon.get(letterUrl);
    t.equal(letter.statusCode, 200);
    t.match(pageText(letter.body), /如对本答复不服/);
    const fileUrl = /href="(\/track\/files\/[^"]+)">清单\.pdf/
      .exec(page.body)![1]!
      .replace(/&amp;/g, '&')
      .replace(/&#x3D;/g, '=');
    const file = await anon.get(fileUrl);
    t.equal(file.statusCode, 200);
    t.equal(file.headers['content-type'], 'application/pdf');
    t.equal((await anon.get(fileUrl.replace(/accessCode=[^&]+/, 'accessCode=AAAAAAAA'))).statusCode, 404, 'not without the code');
  });

  await t.test("the reading room: an answered request published without the applicant's data, searchable", async (t) => {
    const { trackingNumber, accessCode } = (await api(app).post('/api/requests', application({ description: '请公开2025年度区级部门预算公开情况汇总表' }))).json();
    // The applicant looks in before, between and after the clerk's steps: each look shows every step.
    const look = async () => (await api(app).get(`/api/requests/${trackingNumber}?accessCode=${accessCode}`)).json();
    const before = await look();
    t.match(before, { state: 'received', letters: [{ kind: 'receipt' }] });
    t.same(await look(), before, 'nothing changed, nothing new');
    const clerk = await staffClient(app, 'clerk', 'fgj');
    const head = await staffClient(app, 'supervisor', 'fgj');
    await head.post(`/api/cases/${trackingNumber}/events`, { type: 'ANSWER', disposition: 'disclosed', text: '汇总表已在区政府网站公开，网址见附件。' });
    const answered = await look();
    t.match(answered, { state: 'answered', disposition: 'disclosed' });
    t.equal(answered.letters.length, 2, 'the answer letter is there');
    const web = await signIn(app, clerk.email, clerk.password);
    const page = await web.get(`/staff/cases/${trackingNumber}`);
    t.match(pageText(page.body), /将本答复公开到“公开答复”栏目/);
    const leaky = await web.post(`/staff/cases/${trackingNumber}/publish`, { title: '张三申请部门预算汇总表', question: '部门预算汇总表', answer: '汇总表已经公开。' });
    t.equal(leaky.statusCode, 400);
    t.match(pageText(leaky.body), /含有个人信息，请删除后再公开：标题：“申请人的个人信息 张三申请部门预算汇总表”/);
    // D8: another person's numbers, however written, are caught too, each place named.
    const others = await web.post(`/staff/cases/${trackingNumber}/publish`, {
      title: '关于部门预算汇总表的公开',
      question: '部门预算汇总表',
      answer: '经办人李四，身份证 110105 1949 1231 002X，手机１３９－１２３４－５６７８，邮箱 li.si@example.com。',
    });
    t.equal(others.statusCode, 400);
    const said = pageText(others.body);
    t.match(said, /答复内容：“身份证号码 …?经办人李四，身份证 110105 1949 1231 002X/);
    t.match(said, /手机号码 .*１３９－１２３４－５６７８/);
    t.match(said, /电子邮箱 .*li\.si@example\.com/);
    const addressed = await web.post(`/staff/cases/${trackingNumber}/publish`, {
      title: '关于部门预算汇总表的公开',
      question: '部门预算汇总表',
      answer: '已寄往湖南省湘潭市雨湖区某路1号。',
    });
    t.equal(addressed.statusCode, 400, "nor the applicant's address");
    const ok = await web.post(`/staff/cases/${trackingNumber}/publish`, {
      title: '关于2025年度区级部门预算汇总表的公开',
      question: '请公开2025年度区级部门预算公开情况汇总表',
      answer: '汇总表已在区政府网站公开。',
    });
    t.equal(ok.statusCode, 303);
    t.equal((await look()).timeline.at(-1).type, 'PUBLISHED', 'publication shows in the timeline, though the case itself did not change');
    const list = pageText((await webClient(app).get(`/published?q=${encodeURIComponent('部门预算')}`)).body);
    t.match(list, /关于2025年度区级部门预算汇总表的公开/);
    t.match(pageText((await webClient(app).get(`/published?q=${encodeURIComponent('不存在的词')}`)).body), /没有找到/);
    const item = pageText((await webClient(app).get(ok.headers.location!.replace(/\?.*/, ''))).body);
    t.match(item, /汇总表已在区政府网站公开/);
    t.notMatch(item, /张三|11010519491231002X|13800138000/);
    t.equal((await web.post(`/staff/cases/${trackingNumber}/publish`, { title: '再次公开此答复', question: '问题内容五个字', answer: '答复内容五个字' })).statusCode, 409);

    // Taken down by the agency (contract: POST /api/published/:id/withdrawal): no longer listed or shown.
    const id = ok.headers.location!.replace(/\?.*/, '').split('/').at(-1)!;
    t.notMatch(pageText((await webClient(app).get(`/published/${id}`)).body), /撤回该公开答复/, 'the public is offered no withdrawal');
    const other = await staffClient(app, 'supervisor', 'czj');
    t.equal((await other.post(`/api/published/${id}/withdrawal`, { reason: '误发' })).statusCode, 404, "another agency's staff cannot");
    t.equal((await clerk.post(`/api/published/${id}/withdrawal`, { reason: '' })).statusCode, 400, 'a withdrawal says why');
    const withdrawn = await clerk.post(`/api/published/${id}/withdrawal`, { reason: '答复中的网址有误，更正后重新公开' });
    t.equal(withdrawn.statusCode, 200);
    t.same(withdrawn.json(), { id: Number(id), withdrawn: true });
    t.equal((await clerk.post(`/api/published/${id}/withdrawal`, { reason: '再撤一次' })).json().rule, 'published_withdrawn_once');
    const gone = pageText((await webClient(app).get(`/published/${id}`)).body);
    t.match(gone, /该公开答复已于2026年\d+月\d+日由湘潭市雨湖区发展和改革局撤回，不再公开。撤回理由：答复中的网址有误，更正后重新公开/);
    t.notMatch(gone, /汇总表已在区政府网站公开。/, 'what it said is no longer shown');
    t.notMatch(pageText((await webClient(app).get(`/published?q=${encodeURIComponent('部门预算')}`)).body), /关于2025年度区级部门预算汇总表的公开/, 'nor listed');
    t.equal((await look()).timeline.at(-1).type, 'PUBLICATION_WITHDRAWN', 'the applicant sees it on the timeline');
  });

  await t.test('administration: agencies, staff, calendar, mail', async (t) => {
    const admin = await signIn(app, ADMIN.email, ADMIN.password);
    const clerkAccount = await staffClient(app, 'clerk', 'fgj');
    const clerk = await signIn(app, clerkAccount.email, clerkAccount.password);
    t.equal((await clerk.get('/admin')).statusCode, 403, 'clerks do not administer');
    t.equal((await clerk.get('/admin/staff')).statusCode, 403);
    t.equal((await webClient(app).get('/admin')).statusCode, 303, 'visitors are sent to sign in');

    const form = await admin.get('/admin/agencies/new');
    t.equal(form.statusCode, 200, 'the form for a new agency');
    t.match(form.body, /name="kind" value="department" checked/, 'a department unless the administrator says otherwise');
    const tyj = {
      slug: 'tyj',
      code: 'TYJ',
      name: '湘潭市雨湖区体育局',
      shortName: '雨体',
      kind: 'department',
      officeName: '区体育局办公室',
      address: '湖南省湘潭市雨湖区韶山西路197号区政府大楼17楼',
      postcode: '411100',
      officeHours: '周一至周五 8:30—17:30',
      phone: '0731-52326401',
      fax: '0731-52326402',
      email: 'yhtyj@xtyh.gov.cn',
      website: 'http://www.xtyh.gov.cn/tyj/',
      jurisdiction: '430302',
    };
    const unplaced = await admin.post('/admin/agencies', { ...tyj, jurisdiction: '' });
    t.equal(unplaced.statusCode, 400, 'an installation serving several governments asks which one');
    t.match(pageText(unplaced.body), /所属行政区划：请选择所属行政区划/);
    // Review body and court left empty: a county-level department is reviewed by its government (行政复议法 2023 art. 24(1)(1)) and sued at the county's court.
    const created = await admin.post('/admin/agencies', tyj);
    t.equal(created.statusCode, 303);
    const draft = await admin.get('/admin/agencies/tyj/guide');
    t.match(draft.body, /value="湘潭市雨湖区人民政府"/);
    t.match(draft.body, /value="湘潭市雨湖区人民法院"/);
    t.equal((await webClient(app).get('/guide/tyj')).statusCode, 404, 'no guide until one is published');
    t.equal((await admin.post('/admin/agencies/tyj/guide/publish', {})).statusCode, 303);
    t.equal((await webClient(app).get('/guide/tyj')).statusCode, 200);
    const duplicate = await admin.post('/admin/agencies', { ...tyj, slug: 'tyj2', name: '湘潭市雨湖区体育运动局' });
    t.equal(duplicate.statusCode, 400);
    t.match(duplicate.body, /name="slug"[^>]*value="tyj2"/, 'the form again, as it was filled in');
    t.match(pageText(duplicate.body), /该编号前缀已被使用/, 'saying the prefix is taken');
    t.equal((await api(app).post('/api/requests', application({ agency: 'tyj' }))).json().trackingNumber, 'TYJ-2026-00001');
    await admin.get('/admin/agencies');
    t.equal((await admin.post('/admin/agencies/tyj/retire', { retired: '1' })).statusCode, 303);
    t.notMatch(pageText((await webClient(app).get('/')).body), /湘潭市雨湖区体育局/, 'retired agencies leave the directory');
    t.match((await api(app).post('/api/requests', application({ agency: 'tyj' }))).json().fields, { agency: /机关/ }, 'and take no new applications');

    await admin.get('/admin/staff');
    const staffRes = await admin.post('/admin/staff', { name: '李办理', email: 'li@test.local', password: 'li-password-1', role: 'clerk', agency: 'czj' });
    t.equal(staffRes.statusCode, 303);
    const li = await signIn(app, 'li@test.local', 'li-password-1');
    // The administrator chose Li's first password: Li sets one of Li's own before anything else.
    const first = await li.get('/staff');
    t.equal(first.statusCode, 303);
    t.equal(first.headers.location, '/staff/password', 'the first sign-in leads to the password change');
    t.match(pageText((await li.get('/staff/password')).body), /您的密码由管理员设置或由系统生成/);
    t.equal((await li.post('/staff/password', { currentPassword: 'li-password-1', newPassword: 'li-password-2' })).statusCode, 303);
    t.equal((await li.get('/staff')).statusCode, 200, 'then the desk opens');
    const listing = await admin.get('/admin/staff');
    const row = listing.body.split('<tr>').find((r) => r.includes('li@test.local'))!;
    const id = /action="\/admin\/staff\/(\d+)\/status"/.exec(row)![1];
    // Li forgot the password: the administrator gives a new one, shown once, and Li's sessions end.
    const liApi = await login(app, 'li@test.local', 'li-password-2');
    await admin.get('/admin/staff');
    const reset = await admin.post(`/admin/staff/${id}/password`, {});
    t.equal(reset.statusCode, 200);
    t.equal(reset.headers['cache-control'], 'no-store', 'the page with the password is not kept');
    const password = /新密码为：\s*(\S+)/.exec(pageText(reset.body))?.[1] ?? '';
    t.match(password, /^[A-HJKMNP-RT-Ya-hjkmnp-rt-y346789]{16}$/, 'a generated password with no look-alike characters, shown on the page');
    t.match(pageText(reset.body), /只显示这一次/);
    t.match((await li.get('/staff')).headers.location, /^\/staff\/login/, 'the page session with the old password ended');
    t.equal((await api(app, liApi).get('/api/auth/me')).statusCode, 401, 'and the API token');
    t.equal((await api(app).post('/api/auth/login', { email: 'li@test.local', password: 'li-password-2' })).statusCode, 401, 'the old password no longer signs in');
    const liAgain = await signIn(app, 'li@test.local', password);
    t.equal((await liAgain.get('/staff')).headers.location, '/staff/password', 'the new one does, to the password change first: the administrator knows it');
    t.equal((await liAgain.post('/staff/password', { currentPassword: password, newPassword: 'li-password-3' })).statusCode, 303);
    t.equal((await liAgain.get('/staff')).statusCode, 200);
    t.equal((await liAgain.post(`/admin/staff/${id}/password`, {})).statusCode, 403, 'a clerk resets no password');
    t.equal((await admin.post(`/admin/staff/${id}/password`, {}, { csrf: false })).statusCode, 403, 'not without the form token');
    t.notMatch((await admin.get('/admin/staff')).body, new RegExp(password), 'the password is not shown again');
    const me = /action="\/admin\/staff\/(\d+)"/.exec(listing.body.split('<tr>').find((r) => r.includes(ADMIN.email))!)![1];
    t.notMatch(listing.body, new RegExp(`/admin/staff/${me}/password`), 'no reset button for oneself');
    t.notMatch(listing.body, new RegExp(`/admin/staff/${me}/status`), 'nor a way to disable oneself');
    const own = await admin.post(`/admin/staff/${me}/password`, {});
    t.equal(own.statusCode, 400);
    t.match(pageText(own.body), /自己的密码请在“修改密码”中修改/);
    t.equal((await admin.post('/admin/staff/99999/password', {})).statusCode, 404);
    // The API does the same for administrators.
    const adminToken = await login(app, ADMIN.email, ADMIN.password);
    const byApi = await api(app, adminToken).post(`/api/staff/${id}/password`, {});
    t.equal(byApi.statusCode, 200);
    t.match(byApi.json(), { id: Number(id), email: 'li@test.local', password: /^[A-HJKMNP-RT-Ya-hjkmnp-rt-y346789]{16}$/ });
    t.match((await liAgain.get('/staff')).headers.location, /^\/staff\/login/, 'signed out again');
    const liLatest = await signIn(app, 'li@test.local', byApi.json().password);
    t.equal((await api(app, await login(app, 'li@test.local', byApi.json().password)).post(`/api/staff/${id}/password`, {})).statusCode, 403, 'a clerk cannot by the API either');

    t.equal((await admin.post(`/admin/staff/${id}/status`, { disabled: '1' })).statusCode, 303);
    t.match((await liLatest.get('/staff')).headers.location, /^\/staff\/login/, 'a disabled account is signed out');

    await admin.get('/admin/calendar');
    const badYear = await admin.post('/admin/calendar', { year: '2027', holidays: '2027-13-01', workdays: '' });
    t.equal(badYear.statusCode, 400);
    t.match(pageText(badYear.body), /无法识别“2027-13-01”/);
    const loaded = await admin.post('/admin/calendar', { year: '2027', holidays: '2027-01-01..2027-01-03\n2027-02-06..2027-02-12', workdays: '2027-02-13' });
    t.equal(loaded.statusCode, 200);
    t.match(pageText(loaded.body), /2027年节假日安排已载入/);
    t.same((await api(app).get('/api/calendar/deadline?from=2027-02-05&workingDays=1')).json(), { from: '2027-02-05', workingDays: 1, due: '2027-02-13', provisional: false });

    const mail = await admin.get('/admin/outbox?status=pending');
    t.equal(mail.statusCode, 200);
    const [queued] = await db.select().from(outbox).limit(1);
    t.ok(pageText(mail.body).includes(queued!.subject), 'pending mail is listed');
  });
});

t.test(
  'a guide draft saved while the guide is being published is kept as the next draft',
  { skip: TEST_DATABASE_URL ? false : 'PostgreSQL only: the embedded database runs one statement at a time' },
  async (t) => {
    const { app, db } = await testApp(t);
    const admin = await signIn(app, ADMIN.email, ADMIN.password);
    const form = await admin.get('/admin/agencies/jyj/guide');
    const { values, areas } = guideFields(form.body);
    t.equal((await admin.post('/admin/agencies/jyj/guide', { ...values, ...areas, phone: '0731-58888881' })).statusCode, 303, 'a draft to publish');
    await admin.get('/admin/agencies/jyj/guide');
    const csrf = admin.csrf();

    // The agency's row held for a moment: the publication has read the draft and waits to write the
    // agency's contacts; meanwhile the administrator saves the next change.
    const release = await holdRows(db, sql`select id from agencies where slug = 'jyj' for update`);
    const publishing = admin.post('/admin/agencies/jyj/guide/publish', { _csrf: csrf }, { csrf: false });
    await rowWritesWaiting(db, 1);
    let savedAlready = false;
    const saving = admin.post('/admin/agencies/jyj/guide', { ...values, ...areas, phone: '0731-58888882', _csrf: csrf }, { csrf: false }).finally(() => (savedAlready = true));
    await rowWritesWaiting(db, 2, () => savedAlready);
    await release();
    t.equal((await publishing).statusCode, 303, 'published');
    t.equal((await saving).statusCode, 303, 'saved');
    t.match(pageText((await webClient(app).get('/guide/jyj')).body), /0731-58888881/, 'what was published is the draft it read');
    t.match(pageText((await admin.get('/admin/agencies/jyj/guide/preview')).body), /0731-58888882/, 'the change saved meanwhile is the next draft, not lost');
  },
);
