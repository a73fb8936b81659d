// Security headers, caching and cookies: what browsers and proxies are told to keep and show.
import t from 'tap';
import { ADMIN, api, staffClient, testApp } from './helpers/test-app.js';
import { application } from './helpers/factories.js';
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

t.test('session cookies are Secure behind TLS', async (t) => {
  const { app } = await testApp(t, { config: { publicUrl: 'https://ogi.example.gov.cn' } });
  const web = webClient(app);
  await web.get('/staff/login');
  const res = await web.post('/staff/login', { email: ADMIN.email, password: ADMIN.password });
  t.match(
    res.cookies.find((c) => c.name === 'ogi_session'),
    { secure: true, httpOnly: true, sameSite: 'Lax' },
  );
  t.match(String(res.headers['strict-transport-security']), /max-age=/);
});
