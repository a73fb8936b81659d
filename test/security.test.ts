import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { PROJECT_ROOT } from '../src/config/paths.js';
import { attachments } from '../src/db/schema.js';
import { ADMIN, api, logCapture, staffClient, testApp } from './helpers/test-app.js';
import { application, multipartBody, PDF } from './helpers/factories.js';
import { pageText, signIn, webClient } from './helpers/web.js';

t.test('security headers', async (t) => {
  const { app } = await testApp(t);
  const res = await app.inject({ method: 'GET', url: '/' });
  const csp = String(res.headers['content-security-policy']);
  t.match(csp, /default-src 'self'/);
  t.match(csp, /script-src 'self'(;|$)/);
  t.notMatch(csp, /unsafe-inline|unsafe-eval/, 'no inline script allowed');
  t.match(csp, /frame-ancestors 'none'/);
  t.equal(res.headers['referrer-policy'], 'no-referrer', 'tracking links with codes are not passed on');
  t.equal(res.headers['x-content-type-options'], 'nosniff');
  t.match(pageText(res.body), /依申请公开/);
  t.notMatch(res.body, /<script>|<script [^>]*>[^<]|style="/, 'pages carry no inline script or style');
});

t.test('answers that may carry personal data or an access code are not kept by browsers or proxies', async (t) => {
  const { app } = await testApp(t);
  const filed = await api(app).post('/api/requests', application());
  t.equal(filed.statusCode, 201);
  t.equal(filed.headers['cache-control'], 'no-store', 'the receipt with the access code');
  const { trackingNumber, accessCode } = filed.json();
  for (const url of [`/api/requests/${trackingNumber}?accessCode=${accessCode}`, `/track?trackingNumber=${trackingNumber}&accessCode=${accessCode}`, '/health']) {
    t.equal((await app.inject({ method: 'GET', url })).headers['cache-control'], 'no-store', url);
  }
  const visitor = webClient(app);
  const form = await visitor.get('/apply/fgj');
  t.equal(form.headers['cache-control'], undefined, 'the empty form is left to the browser (going back keeps what was typed)');
  const formToken = /name="formToken" value="([^"]+)"/.exec(form.body)![1]!;
  const refused = await visitor.postMultipart('/apply', { ...application({ applicant: { idNumber: '110105194912310021' } }), formToken }, []);
  t.equal(refused.statusCode, 400);
  t.match(refused.body, /value="110105194912310021"/, 'the form shown again with the number typed');
  t.equal(refused.headers['cache-control'], 'no-store', 'is not stored');
  const accepted = await visitor.postMultipart('/apply', { ...application(), formToken }, []);
  t.equal(accepted.headers.location, '/apply/done');
  const done = await visitor.get('/apply/done');
  t.match(done.body, /<dt>查询码<\/dt><dd><strong>[^<]{6,}<\/strong>/, 'the confirmation shows the access code');
  t.equal(done.headers['cache-control'], 'no-store', 'and is not stored');
  const clerk = await staffClient(app, 'clerk', 'fgj');
  t.equal((await clerk.get(`/api/cases/${trackingNumber}`)).headers['cache-control'], 'no-store', 'the case in the staff API');
  const web = await signIn(app, clerk.email, clerk.password);
  const revealed = await web.post(`/staff/cases/${trackingNumber}/reveal`, {});
  t.match(revealed.body, /11010519491231002X/, 'a page with the identity number in full');
  t.equal(revealed.headers['cache-control'], 'no-store', 'is not stored');
  for (const url of ['/', '/guide/czj', '/published', '/reports', '/apply', '/track']) {
    t.equal((await app.inject({ method: 'GET', url })).headers['cache-control'], undefined, `${url}: a public page is left to the browser`);
  }
  t.match((await app.inject({ method: 'GET', url: '/assets/site.css' })).headers['cache-control'], /^public, max-age=/, 'assets are cached');
});

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
  t.same(await statuses(1, () => webClient(app).get('/track?trackingNumber=FGJ-2026-00001&accessCode=BBBBBBBB')), [429], 'the tracking page draws on the same bucket: spreading guesses over routes gains nothing');
  t.same(await statuses(4, () => api(app).post('/api/auth/login', { email: ADMIN.email, password: 'guess' })), [401, 401, 401, 429], 'API sign-in');
  const web = webClient(app);
  await web.get('/staff/login');
  t.same(await statuses(1, () => web.post('/staff/login', { email: ADMIN.email, password: 'guess' })), [429], 'page sign-in shares the bucket of the API\'s');
  t.equal((await api(app).get('/api/agencies')).statusCode, 200, 'reading is not limited');
});

t.test('every form is protected against CSRF', async (t) => {
  const { app } = await testApp(t);
  // printRoutes draws a tree: each child's text continues its parent's path.
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+) \(([^)]+)\)/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const full = `${stack.at(-1) ?? ''}${m[2]}`.replace(/\/\//g, '/');
    stack.push(full);
    if (m[3]!.split(', ').includes('POST') && !full.startsWith('/api/')) routes.push(full);
  }
  t.ok(routes.length >= 15, `${routes.length} page forms found`);
  const admin = await signIn(app, ADMIN.email, ADMIN.password);
  for (const route of routes) {
    const url = route.replace(':trackingNumber', 'FGJ-2026-00001').replace(':slug', 'fgj').replace(/:id|:year/g, '1').replace(':scope', 'district');
    const res = await admin.post(url, { anything: 'x' }, { csrf: false });
    t.equal(res.statusCode, 403, `POST ${route} without a token is refused`);
  }
});

t.test('visitors reading public pages get no cookie; a page with a form gets its token', async (t) => {
  const { app } = await testApp(t);
  for (const url of ['/', '/guide', '/guide/czj', '/published', '/reports', '/track']) {
    const res = await app.inject({ method: 'GET', url });
    t.equal(res.statusCode, 200, url);
    t.equal(res.headers['set-cookie'], undefined, `${url} sets no cookie`);
    t.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/, `${url} carries the security headers`);
  }
  const form = await app.inject({ method: 'GET', url: '/apply' });
  t.match(String(form.headers['set-cookie']), /^_csrf=/, 'the application form sets the CSRF cookie');
  t.match(form.body, /action="\/apply\?_csrf=[^"]{20,}"/, 'and carries its token');
  const api404 = await app.inject({ method: 'GET', url: '/api/requests/NOPE-2026-00001?accessCode=X' });
  t.equal(api404.statusCode, 404);
  t.equal(api404.headers['x-content-type-options'], 'nosniff', 'API answers carry the headers too');
});

t.test('one agency, one case, one applicant cannot reach another\'s', async (t) => {
  const { app } = await testApp(t);
  const a = (await api(app).post('/api/requests', application())).json();
  const b = (await api(app).post('/api/requests', application({ agency: 'czj' }))).json();
  const fgjClerk = await staffClient(app, 'clerk', 'fgj');
  const form = multipartBody({ type: 'ANSWER', disposition: 'disclosed', text: '现向您提供该政府信息全文。' }, [{ filename: '../../../etc/passwd.pdf', content: PDF }]);
  const answered = await app.inject({ method: 'POST', url: `/api/cases/${a.trackingNumber}/events`, headers: { authorization: `Bearer ${fgjClerk.token()}`, ...form.headers }, payload: form.payload });
  t.equal(answered.statusCode, 200);
  const view = (await api(app).get(`/api/requests/${a.trackingNumber}?accessCode=${a.accessCode}`)).json();
  const file = view.releasedFiles[0];
  t.equal(file.filename, 'passwd.pdf', 'no path survives in a file name');
  const letter = view.letters.at(-1);
  const anon = webClient(app);
  t.equal((await anon.get(`/track/files/${file.id}?trackingNumber=${b.trackingNumber}&accessCode=${b.accessCode}`)).statusCode, 404, 'another case\'s code does not open this file');
  t.equal((await anon.get(`/track/letters/${letter.id}?trackingNumber=${b.trackingNumber}&accessCode=${b.accessCode}`)).statusCode, 404, 'nor this letter');
  const download = await anon.get(`/track/files/${file.id}?trackingNumber=${a.trackingNumber}&accessCode=${a.accessCode}`);
  t.equal(download.headers['content-disposition'], "attachment; filename*=UTF-8''passwd.pdf");
  t.equal(download.headers['x-content-type-options'], 'nosniff');

  const czjClerk = await staffClient(app, 'clerk', 'czj');
  t.equal((await czjClerk.get(`/api/cases/${a.trackingNumber}/attachments/${file.id}`)).statusCode, 404, 'another agency\'s files');
  const czjWeb = await signIn(app, czjClerk.email, czjClerk.password);
  t.equal((await czjWeb.get(`/staff/cases/${a.trackingNumber}/letters/${letter.id}`)).statusCode, 404, 'another agency\'s letters');
  t.equal((await czjWeb.get(`/staff/cases/${a.trackingNumber}/attachments/${file.id}`)).statusCode, 404);
  t.equal((await czjClerk.post(`/api/cases/${a.trackingNumber}/reviews`, { kind: 'review', filedOn: '2026-03-02' })).statusCode, 404);
  t.equal((await czjClerk.get('/api/reports/annual?year=2026&agency=fgj')).statusCode, 403);

  for (const url of ['/assets/..%2f..%2fpackage.json', '/assets/%2e%2e/%2e%2e/package.json', '/track/files/..%2f..%2fpackage.json?trackingNumber=x&accessCode=y', '/guide/..%2f..%2fetc']) {
    const res = await anon.get(url);
    t.ok([400, 404].includes(res.statusCode), `${url} → ${res.statusCode}`);
    t.notMatch(res.body, /"name": "ogi-requests"|root:x:0/);
  }
});

t.test('oversized and malformed bodies', async (t) => {
  const { app, db } = await testApp(t);
  const before = (await db.select().from(attachments)).length;
  const huge = await app.inject({ method: 'POST', url: '/api/requests', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(application({ description: '很'.repeat(600_000) })) });
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
  const brokenMultipart = await app.inject({ method: 'POST', url: '/api/requests', headers: { 'content-type': 'multipart/form-data; boundary=xyz' }, payload: '--xyz\r\ncontent-disposition: form-data; name="agency"\r\n\r\nfgj' });
  t.ok([400, 413].includes(brokenMultipart.statusCode), `truncated multipart → ${brokenMultipart.statusCode}`);
  const bigField = multipartBody({ ...application(), description: 'x'.repeat(70 * 1024) }, []);
  const tooBigField = await app.inject({ method: 'POST', url: '/api/requests', ...bigField });
  t.ok([400, 413].includes(tooBigField.statusCode), `oversized form field → ${tooBigField.statusCode}`);
  const proto = await app.inject({ method: 'POST', url: '/api/requests', headers: { 'content-type': 'application/json' }, payload: '{"__proto__": {"admin": true}, "agency": "fgj"}' });
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
  for (const url of ['/guide/czj/versions/99999999999999999999', '/guide/czj/diff?from=99999999999999999999&to=1', '/reports/99999999999/district', '/reports/abc/district', '/reports/2019.5/district']) {
    t.equal((await visitor.get(url)).statusCode, 404, url);
  }
  t.equal((await adminWeb.get('/admin/reports/99999999999/district')).statusCode, 404, 'an administrator\'s report page');
  const staffYear = await adminWeb.get('/staff/reports?year=99999999999');
  t.equal(staffYear.statusCode, 400, 'the staff report table for a year out of range');
  t.match(pageText(staffYear.body), /年份应为2019年以后的四位数字/);
  await adminWeb.get('/admin/staff');
  t.equal((await adminWeb.post('/admin/staff/abc/status', { disabled: '1' })).statusCode, 404, 'a staff account id that is no number');
  t.equal((await adminWeb.post('/admin/staff/99999999999/status', { disabled: '1' })).statusCode, 404, 'one past the database\'s integers');
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

t.test('session cookies are Secure behind TLS', async (t) => {
  const { app } = await testApp(t, { config: { publicUrl: 'https://ogi.example.gov.cn' } });
  const web = webClient(app);
  await web.get('/staff/login');
  const res = await web.post('/staff/login', { email: ADMIN.email, password: ADMIN.password });
  t.match(res.cookies.find((c) => c.name === 'ogi_session'), { secure: true, httpOnly: true, sameSite: 'Lax' });
  t.match(String(res.headers['strict-transport-security']), /max-age=/);
});

t.test('logs are JSON with request ids and no personal data', async (t) => {
  const { lines, stream } = logCapture();
  const { app } = await testApp(t, { config: { logLevel: 'info', smtpUrl: 'smtp://127.0.0.1:1' }, logStream: stream });
  const receipt = (await api(app).post('/api/requests', application({ applicant: { email: 'secret.person@example.com', phone: '13912345678' } }))).json();
  await api(app).get(`/api/requests/${receipt.trackingNumber}?accessCode=${receipt.accessCode}`);
  await app.inject({ method: 'GET', url: '/api/agencies', headers: { authorization: 'Bearer super-secret-token', cookie: 'ogi_session=also-secret' } });
  await app.ogi.outbox.runOnce(); // the SMTP server is not there: the failure is logged
  app.log.error({ applicant: { idNumber: '11010519491231002X', name: '欧阳秘密' }, detail: 'id 11010519491231002X phone 13912345678' }, 'something about 11010519491231002X');
  // Fields that are personal or secret by name are left out at any depth, whatever their form.
  app.log.warn({ job: { contact: { email: 'nobody-at-all', idNumber: 'X-0001-SECRET' } }, headers: { cookie: 'ogi_session=cookie-secret-1', authorization: 'Basic basic-secret-1' } }, 'nested');
  const text = lines.join('\n');
  for (const line of lines) t.doesNotThrow(() => JSON.parse(line), 'every line is JSON');
  // One access line per request, written when it is answered.
  const access = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request completed');
  t.notOk(lines.some((l) => JSON.parse(l).msg === 'incoming request'), 'no second line when a request arrives');
  t.same(access.map((l) => [l.req.method, l.res.statusCode]), [['POST', 201], ['GET', 200], ['GET', 200]]);
  t.ok(access.every((l) => l.reqId && l.req.url && typeof l.responseTime === 'number'), 'with request id, URL and time');
  t.ok(lines.some((l) => /mail not delivered/.test(l)), 'the mail failure is logged');
  t.match(text, /"msg":"nested"/, 'the nested line is written');
  for (const secret of ['11010519491231002X', '13912345678', 'secret.person@example.com', receipt.accessCode, 'super-secret-token', 'also-secret', '欧阳秘密', 'nobody-at-all', 'X-0001-SECRET', 'cookie-secret-1', 'basic-secret-1']) {
    t.notOk(text.includes(secret), `${secret} is not in the logs`);
  }
});

t.test("an administrator's changes to accounts are logged: who, whose, never the password", async (t) => {
  const { lines, stream } = logCapture();
  const { app } = await testApp(t, { config: { logLevel: 'info' }, logStream: stream });
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const admin = await staffClient(app, 'admin');
  const reset = await admin.post(`/api/staff/${clerk.id}/password`, {});
  t.equal(reset.statusCode, 200);
  t.equal((await admin.post(`/api/staff/abc/password`, {})).statusCode, 404);
  const adminWeb = await signIn(app, admin.email, admin.password);
  await adminWeb.get('/admin/staff');
  t.equal((await adminWeb.post(`/admin/staff/${clerk.id}/status`, { disabled: '1' })).statusCode, 303);
  const records = lines.map((l) => JSON.parse(l)).filter((l) => /^staff (password reset|account)/.test(l.msg));
  t.same(
    records.map((l) => [l.msg, l.by, l.account]),
    [
      ['staff password reset', admin.id, clerk.id],
      ['staff account disabled', admin.id, clerk.id],
    ],
  );
  t.notOk(lines.join('\n').includes(reset.json().password), 'the new password is not in the logs');
});

t.test('sign-ins, failed ones, sign-outs and password changes are logged: whose, the address masked, never a password', async (t) => {
  const { lines, stream } = logCapture();
  const { app } = await testApp(t, { config: { logLevel: 'info' }, logStream: stream });
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const web = webClient(app);
  await web.get('/staff/login');
  t.equal((await web.post('/staff/login', { email: clerk.email, password: 'a-wrong-guess-1' })).statusCode, 401);
  t.equal((await web.post('/staff/login', { email: clerk.email, password: clerk.password })).statusCode, 303);
  await web.get('/staff/password');
  t.equal((await web.post('/staff/password', { currentPassword: clerk.password, newPassword: 'a-new-password-2' })).statusCode, 303);
  await web.get('/staff');
  t.equal((await web.post('/staff/logout', {})).statusCode, 303);
  const domain = `***@${clerk.email.split('@')[1]}`;
  const records = lines.map((l) => JSON.parse(l)).filter((l) => /^(staff (signed|password changed)|sign-in failed)/.test(l.msg) && [clerk.id, domain].includes(l.account));
  t.same(
    records.map((l) => [l.msg, l.account]),
    [
      ['staff signed in', clerk.id], // the test client's own sign-in through the API
      ['sign-in failed', domain],
      ['staff signed in', clerk.id],
      ['staff password changed', clerk.id],
      ['staff signed out', clerk.id],
    ],
  );
  const text = lines.join('\n');
  for (const secret of [clerk.email, clerk.password, 'a-wrong-guess-1', 'a-new-password-2']) t.notOk(text.includes(secret), `${secret} is not in the logs`);
});

t.test('configuration errors name each wrong variable', async (t) => {
  let error: unknown;
  try {
    loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SMTP_URL: 'not a url', RATE_LIMIT_PER_MINUTE: '-1', DEMO_DATA: 'maybe', ADMIN_EMAIL: 'x', LOG_LEVEL: 'loud', PERSONAL_DATA_KEY: 'secret-but-short' });
  } catch (err) {
    error = err;
  }
  t.ok(error instanceof ConfigError);
  const problems = (error as ConfigError).problems.join('\n');
  for (const variable of ['PORT', 'DATABASE_URL', 'SMTP_URL', 'RATE_LIMIT_PER_MINUTE', 'DEMO_DATA', 'ADMIN_EMAIL', 'LOG_LEVEL', 'PERSONAL_DATA_KEY']) t.match(problems, variable, `${variable} is named`);
  t.notMatch(problems, 'secret-but-short', 'a key is never echoed');
  t.same(loadConfig({ PERSONAL_DATA_KEY: 'ab'.repeat(32) }).personalDataKey, Buffer.alloc(32, 0xab));
  // Key rotation: the previous key must be a key, and there must be a new one to seal with.
  const previousProblem = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return '';
    } catch (err) {
      return (err as ConfigError).problems.join('\n');
    }
  };
  t.match(previousProblem({ PERSONAL_DATA_PREVIOUS_KEY: 'old-secret' }), /^PERSONAL_DATA_PREVIOUS_KEY: expected 64 hexadecimal digits/, 'a previous key that is not a key');
  t.notMatch(previousProblem({ PERSONAL_DATA_PREVIOUS_KEY: 'old-secret' }), 'old-secret', 'is not echoed either');
  t.match(previousProblem({ DATABASE_URL: 'postgres://x/y', PERSONAL_DATA_PREVIOUS_KEY: 'cd'.repeat(32) }), /PERSONAL_DATA_PREVIOUS_KEY is set but PERSONAL_DATA_KEY is not/, 'PostgreSQL: a previous key without a new one');
  t.match(previousProblem({ PERSONAL_DATA_KEY: 'cd'.repeat(32), PERSONAL_DATA_PREVIOUS_KEY: 'CD'.repeat(32) }), /the same key as PERSONAL_DATA_KEY/, 'the same key twice');
  t.same(loadConfig({ PERSONAL_DATA_KEY: 'ab'.repeat(32), PERSONAL_DATA_PREVIOUS_KEY: 'cd'.repeat(32) }).personalDataPreviousKey, Buffer.alloc(32, 0xcd));
  t.same(loadConfig({ PERSONAL_DATA_PREVIOUS_KEY: 'cd'.repeat(32) }).personalDataPreviousKey, Buffer.alloc(32, 0xcd), 'the embedded database: its new key file is the new key');
  t.match(loadConfig({}), { port: 3000, host: '127.0.0.1', databaseUrl: null, demoData: true, schedulerIntervalMs: 60000, rateLimitPerMinute: 30, publicUrl: 'http://127.0.0.1:3000' });
});

t.test('the Dockerfile: production dependencies only, non-root, health check, data volume', async (t) => {
  const dockerfile = readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  t.ok(stages.length >= 2, 'multi-stage');
  const final = stages.at(-1)!;
  t.match(final, /npm ci --omit=dev/, 'the final stage installs production dependencies only');
  t.match(final, /COPY patches [^\n]*\n(?:.*\n)*?RUN npm ci --omit=dev/, 'with the patches to dependencies (postinstall) in place before it installs them');
  t.notMatch(final, /npm ci(?! --omit=dev)|tsx |typescript/, 'and no build tooling');
  t.match(final, /^USER (?!root|0\b)\w+/m, 'runs as a non-root user');
  t.match(final, /^HEALTHCHECK [^\n]*\\?\n?[^\n]*\/health/m);
  t.match(final, /HOST=0\.0\.0\.0/);
  t.match(final, /^VOLUME \["?\/data"?\]/m);
  t.match(final, /DATA_DIR=\/data/);
  const compose = readFileSync(path.join(PROJECT_ROOT, 'compose.yaml'), 'utf8');
  t.match(compose, /postgres/);
  t.match(compose, /DATABASE_URL/);
  t.match(compose, /SMTP_URL/);
});
