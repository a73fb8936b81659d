// Input an attacker or a careless client sends: limits, oversized bodies, SQL metacharacters, NUL characters, impossible numbers.
import t from 'tap';
import { attachments } from '../src/db/schema.js';
import { ADMIN, api, staffClient, testApp } from './helpers/test-app.js';
import { application, multipartBody, PDF } from './helpers/factories.js';
import { pageText, signIn, webClient } from './helpers/web.js';

t.test('rate limits on submission, tracking lookups and login', async (t) => {
  const { app } = await testApp(t, { config: { rateLimitPerMinute: 3 } });
  const statuses = async (n: number, call: () => Promise<{ statusCode: number }>) => {
    const out: number[] = [];
    for (let i = 0; i < n; i += 1) out.push((await call()).statusCode);
    return out;
  };
  t.same(await statuses(4, () => api(app).post('/api/requests', application())), [201, 201, 201, 429], 'submissions');
  const limited = await api(app).post('/api/requests', application());
  t.match(limited.json(), { error: 'rate_limited', message: /操作过于频繁/ });
  t.ok(limited.headers['retry-after'], 'says when to come back');
  t.same(await statuses(4, () => api(app).get('/api/requests/FGJ-2026-00001?accessCode=AAAAAAAA')), [404, 404, 404, 429], 'guessing access codes');
  t.same(
    await statuses(1, () => webClient(app).get('/track?trackingNumber=FGJ-2026-00001&accessCode=BBBBBBBB')),
    [429],
    'the tracking page draws on the same bucket: spreading guesses over routes gains nothing',
  );
  t.same(await statuses(4, () => api(app).post('/api/auth/login', { email: ADMIN.email, password: 'guess' })), [401, 401, 401, 429], 'API sign-in');
  const web = webClient(app);
  await web.get('/staff/login');
  t.same(await statuses(1, () => web.post('/staff/login', { email: ADMIN.email, password: 'guess' })), [429], "page sign-in shares the bucket of the API's");
  t.equal((await api(app).get('/api/agencies')).statusCode, 200, 'reading is not limited');
});

t.test('oversized and malformed bodies', async (t) => {
  const { app, db } = await testApp(t);
  const before = (await db.select().from(attachments)).length;
  const huge = await app.inject({
    method: 'POST',
    url: '/api/requests',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(application({ description: '很'.repeat(600_000) })),
  });
  t.equal(huge.statusCode, 413);
  t.equal(huge.json().error, 'request.too_large');
  const badType = await app.inject({ method: 'POST', url: '/api/requests', headers: { 'content-type': 'application/xml' }, payload: '<a/>' });
  t.equal(badType.statusCode, 415);
  // Plain text is no form of an application either: it is refused as a type, not read as a string.
  for (const url of ['/api/requests', '/api/auth/login', '/apply']) {
    const plain = await app.inject({ method: 'POST', url, headers: { 'content-type': 'text/plain' }, payload: 'agency=fgj' });
    t.equal(plain.statusCode, 415, `text/plain to ${url}`);
    t.equal(plain.json().error, 'request.unsupported_media_type');
  }
  const brokenMultipart = await app.inject({
    method: 'POST',
    url: '/api/requests',
    headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
    payload: '--xyz\r\ncontent-disposition: form-data; name="agency"\r\n\r\nfgj',
  });
  t.ok([400, 413].includes(brokenMultipart.statusCode), `truncated multipart → ${brokenMultipart.statusCode}`);
  const bigField = multipartBody({ ...application(), description: 'x'.repeat(70 * 1024) }, []);
  const tooBigField = await app.inject({ method: 'POST', url: '/api/requests', ...bigField });
  t.ok([400, 413].includes(tooBigField.statusCode), `oversized form field → ${tooBigField.statusCode}`);
  const proto = await app.inject({
    method: 'POST',
    url: '/api/requests',
    headers: { 'content-type': 'application/json' },
    payload: '{"__proto__": {"admin": true}, "agency": "fgj"}',
  });
  t.equal(proto.statusCode, 400);
  t.equal(({} as Record<string, unknown>).admin, undefined, 'no prototype pollution');
  const wrongShape = await api(app).post('/api/requests', ['not', 'an', 'object']);
  t.equal(wrongShape.statusCode, 400);
  t.equal((await db.select().from(attachments)).length, before, 'nothing stored');
});

t.test('SQL metacharacters in every search field are only text', async (t) => {
  const { app } = await testApp(t);
  await api(app).post('/api/requests', application({ description: "请公开100%完成的项目_清单 O'Brien \\ 路" }));
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const web = await signIn(app, clerk.email, clerk.password);
  for (const q of ["' OR '1'='1", "'; drop table cases; --", '%', '_', '\\', "O'Brien", '100%', '项目_清单']) {
    const e = encodeURIComponent(q);
    const apiList = await clerk.get(`/api/cases?q=${e}`);
    t.equal(apiList.statusCode, 200, `/api/cases?q=${q}`);
    const matches = apiList.json().items.length;
    // The one request's description contains 100%, 项目_清单, O'Brien and a backslash, literally.
    t.equal(matches, q.includes("'1'='1") || q.includes('drop table') ? 0 : 1, `q=${q} matches only literally`);
    t.equal((await web.get(`/staff?q=${e}`)).statusCode, 200);
    t.equal((await webClient(app).get(`/?q=${e}`)).statusCode, 200);
    t.equal((await webClient(app).get(`/published?q=${e}`)).statusCode, 200);
  }
  t.equal((await clerk.get('/api/cases')).json().items.length, 1, 'the table is still there');
});

t.test('a NUL character anywhere in what is sent is refused with the field named, never a server error', async (t) => {
  const { app, db } = await testApp(t);
  const storedFiles = async () => (await db.select().from(attachments)).length;
  const filesBefore = await storedFiles();
  const filed = (await api(app).post('/api/requests', application())).json() as { trackingNumber: string; accessCode: string };
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const web = await signIn(app, clerk.email, clerk.password);
  const NUL_MESSAGE = '含有无效字符（空字符或不完整的 Unicode 字符），请删除后重新填写';
  const refused = (what: string, res: { statusCode: number; body: string }, field: string) => {
    t.equal(res.statusCode, 400, `${what}: ${res.statusCode}`);
    if (res.body.startsWith('{')) t.match(JSON.parse(res.body), { error: 'validation.failed', fields: { [field]: NUL_MESSAGE } }, what);
    else t.match(pageText(res.body), /空字符/, `${what}: the page says why`);
  };
  refused('JSON field', await api(app).post('/api/requests', application({ description: '请公开\u0000清单' })), 'description');
  refused('nested JSON field', await api(app).post('/api/requests', application({ applicant: { name: '张\u0000三' } })), 'applicant.name');
  refused('JSON key', await api(app).post('/api/requests', { ...application(), 'a\u0000b': 'x' }), '_');
  refused('login', await api(app).post('/api/auth/login', { email: 'a\u0000@example.com', password: 'x' }), 'email');
  refused('tracking number in the path', await api(app).get(`/api/requests/A%00B?accessCode=${filed.accessCode}`), 'trackingNumber');
  refused('access code in the query', await api(app).get(`/api/requests/${filed.trackingNumber}?accessCode=%00`), 'accessCode');
  refused('tracking page', await webClient(app).get('/track?trackingNumber=%00&accessCode=x'), 'trackingNumber');
  refused('guide page', await webClient(app).get('/guide/a%00b'), 'slug');
  refused('public search', await webClient(app).get('/published?q=%00'), 'q');
  refused('clerk search (API)', await clerk.get('/api/cases?q=%00'), 'q');
  refused('clerk search (page)', await web.get('/staff?q=%00'), 'q');
  refused('staff event', await clerk.post(`/api/cases/${filed.trackingNumber}/notes`, { text: '备注\u0000' }), 'text');
  const form = multipartBody({ ...application(), description: '请公开\u0000清单' }, [{ filename: 'ok.pdf', content: PDF }]);
  refused('multipart field', await app.inject({ method: 'POST', url: '/api/requests', ...form }), 'description');
  const visitor = webClient(app);
  await visitor.get('/apply/fgj');
  const page = await visitor.postMultipart('/apply', { ...application({ description: '请公开\u0000清单' }) }, []);
  t.equal(page.statusCode, 400, 'the application page');
  t.match(pageText(page.body), /含有无效字符（空字符/, 'the application page names the field');
  const cookie = await app.inject({ method: 'GET', url: '/apply/done', headers: { cookie: `ogi_receipt=${encodeURIComponent('A\u0000B')}.${filed.accessCode}` } });
  t.ok(cookie.statusCode < 500, `a forged receipt cookie: ${cookie.statusCode}`);
  t.equal(await storedFiles(), filesBefore, 'no file stored');
  t.equal((await clerk.get('/api/cases')).json().items.length, 1, 'only the one application filed');
});

t.test('numbers and dates no record can have are refused or not found, never a server error', async (t) => {
  const { app } = await testApp(t);
  const admin = await staffClient(app, 'admin');
  const adminWeb = await signIn(app, admin.email, admin.password);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const visitor = webClient(app);
  for (const url of [
    '/guide/czj/versions/99999999999999999999',
    '/guide/czj/diff?from=99999999999999999999&to=1',
    '/reports/99999999999/district',
    '/reports/abc/district',
    '/reports/2019.5/district',
  ]) {
    t.equal((await visitor.get(url)).statusCode, 404, url);
  }
  t.equal((await adminWeb.get('/admin/reports/99999999999/district')).statusCode, 404, "an administrator's report page");
  const staffYear = await adminWeb.get('/staff/reports?year=99999999999');
  t.equal(staffYear.statusCode, 400, 'the staff report table for a year out of range');
  t.match(pageText(staffYear.body), /年份应为2019年以后的四位数字/);
  await adminWeb.get('/admin/staff');
  t.equal((await adminWeb.post('/admin/staff/abc/status', { disabled: '1' })).statusCode, 404, 'a staff account id that is no number');
  t.equal((await adminWeb.post('/admin/staff/99999999999/status', { disabled: '1' })).statusCode, 404, "one past the database's integers");
  const DATE_MESSAGE = '日期应为 YYYY-MM-DD 格式，在 1900 至 2999 年之间';
  for (const from of ['9999-12-31', '3000-01-01', '1899-12-31']) {
    const res = await api(app).get(`/api/calendar/deadline?from=${from}&workingDays=20`);
    t.equal(res.statusCode, 400, `deadline from ${from}`);
    t.match(res.json(), { error: 'validation.failed', fields: { from: DATE_MESSAGE } });
  }
  t.equal((await api(app).get('/api/calendar/deadline?from=2999-12-31&workingDays=1000')).json().due.length, 10, 'the furthest count is still a date');
  for (const receivedOn of ['2026-02-30', '1026-02-27']) {
    const res = await clerk.post('/api/cases', { ...application(), channel: 'post', receivedOn });
    t.equal(res.statusCode, 400, `registered as received on ${receivedOn}`);
    t.match(res.json(), { error: 'validation.failed', fields: { receivedOn: DATE_MESSAGE } });
  }
  const filed = (await clerk.post('/api/cases', { ...application(), channel: 'post', receivedOn: '2026-02-27' })).json();
  const deferred = await clerk.post(`/api/cases/${filed.trackingNumber}/events`, { type: 'DEFER_ANSWER', dueOn: '9999-12-31', reason: '数量较大' });
  t.equal(deferred.statusCode, 400, 'a deferral to 9999');
  t.match(deferred.json(), { fields: { dueOn: DATE_MESSAGE } });
});
