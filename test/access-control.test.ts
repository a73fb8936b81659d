// Who may reach what: CSRF on every form, and one agency, case or applicant never reaching another's.
import t from 'tap';
import { ADMIN, api, staffClient, testApp } from './helpers/test-app.js';
import { application, multipartBody, PDF } from './helpers/factories.js';
import { signIn, webClient } from './helpers/web.js';
import { routesOf } from './helpers/routes.js';

t.test('every form is protected against CSRF', async (t) => {
  const { app } = await testApp(t);
  const routes = [
    ...new Set(
      routesOf(app)
        .filter((r) => r.method === 'POST' && !r.path.startsWith('/api/'))
        .map((r) => r.path),
    ),
  ];
  t.ok(routes.length >= 15, `${routes.length} page forms found`);
  const admin = await signIn(app, ADMIN.email, ADMIN.password);
  for (const route of routes) {
    const url = route
      .replace(':trackingNumber', 'FGJ-2026-00001')
      .replace(':slug', 'fgj')
      .replace(/:id|:year/g, '1')
      .replace(':scope', 'district');
    const res = await admin.post(url, { anything: 'x' }, { csrf: false });
    t.equal(res.statusCode, 403, `POST ${route} without a token is refused`);
  }
});

t.test("one agency, one case, one applicant cannot reach another's", async (t) => {
  const { app } = await testApp(t);
  const a = (await api(app).post('/api/requests', application())).json();
  const b = (await api(app).post('/api/requests', application({ agency: 'czj' }))).json();
  const fgjHead = await staffClient(app, 'supervisor', 'fgj');
  const form = multipartBody({ type: 'ANSWER', disposition: 'disclosed', text: '现向您提供该政府信息全文。' }, [{ filename: '../../../etc/passwd.pdf', content: PDF }]);
  const answered = await app.inject({
    method: 'POST',
    url: `/api/cases/${a.trackingNumber}/events`,
    headers: { authorization: `Bearer ${fgjHead.token()}`, ...form.headers },
    payload: form.payload,
  });
  t.equal(answered.statusCode, 200);
  const view = (await api(app).get(`/api/requests/${a.trackingNumber}?accessCode=${a.accessCode}`)).json();
  const file = view.releasedFiles[0];
  t.equal(file.filename, 'passwd.pdf', 'no path survives in a file name');
  const letter = view.letters.at(-1);
  const anon = webClient(app);
  t.equal((await anon.get(`/track/files/${file.id}?trackingNumber=${b.trackingNumber}&accessCode=${b.accessCode}`)).statusCode, 404, "another case's code does not open this file");
  t.equal((await anon.get(`/track/letters/${letter.id}?trackingNumber=${b.trackingNumber}&accessCode=${b.accessCode}`)).statusCode, 404, 'nor this letter');
  const download = await anon.get(`/track/files/${file.id}?trackingNumber=${a.trackingNumber}&accessCode=${a.accessCode}`);
  t.equal(download.headers['content-disposition'], "attachment; filename*=UTF-8''passwd.pdf");
  t.equal(download.headers['x-content-type-options'], 'nosniff');

  const czjClerk = await staffClient(app, 'clerk', 'czj');
  t.equal((await czjClerk.get(`/api/cases/${a.trackingNumber}/attachments/${file.id}`)).statusCode, 404, "another agency's files");
  const czjWeb = await signIn(app, czjClerk.email, czjClerk.password);
  t.equal((await czjWeb.get(`/staff/cases/${a.trackingNumber}/letters/${letter.id}`)).statusCode, 404, "another agency's letters");
  t.equal((await czjWeb.get(`/staff/cases/${a.trackingNumber}/attachments/${file.id}`)).statusCode, 404);
  t.equal((await czjClerk.post(`/api/cases/${a.trackingNumber}/reviews`, { kind: 'review', filedOn: '2026-03-02' })).statusCode, 404);
  t.equal((await czjClerk.get('/api/reports/annual?year=2026&agency=fgj')).statusCode, 403);

  for (const url of [
    '/assets/..%2f..%2fpackage.json',
    '/assets/%2e%2e/%2e%2e/package.json',
    '/track/files/..%2f..%2fpackage.json?trackingNumber=x&accessCode=y',
    '/guide/..%2f..%2fetc',
  ]) {
    const res = await anon.get(url);
    t.ok([400, 404].includes(res.statusCode), `${url} → ${res.statusCode}`);
    t.notMatch(res.body, /"name": "ogi-requests"|root:x:0/);
  }
});
