// The audit trail (GB/T 22239-2019 8.1.4.3): JSON logs with request ids, no personal data; who changed which account; sign-ins.
import t from 'tap';
import { api, logCapture, staffClient, testApp } from './helpers/test-app.js';
import { application } from './helpers/factories.js';
import { signIn, webClient } from './helpers/web.js';

t.test('logs are JSON with request ids and no personal data', async (t) => {
  const { lines, stream } = logCapture();
  const { app } = await testApp(t, { config: { logLevel: 'info', smtpUrl: 'smtp://127.0.0.1:1' }, logStream: stream });
  const receipt = (await api(app).post('/api/requests', application({ applicant: { email: 'secret.person@example.com', phone: '13912345678' } }))).json();
  await api(app).get(`/api/requests/${receipt.trackingNumber}?accessCode=${receipt.accessCode}`);
  await app.inject({ method: 'GET', url: '/api/agencies', headers: { authorization: 'Bearer super-secret-token', cookie: 'ogi_session=also-secret' } });
  await app.ogi.outbox.runOnce(); // the SMTP server is not there: the failure is logged
  app.log.error({ applicant: { idNumber: '11010519491231002X', name: '欧阳秘密' }, detail: 'id 11010519491231002X phone 13912345678' }, 'something about 11010519491231002X');
  // Fields that are personal or secret by name are left out at any depth, whatever their form.
  app.log.warn(
    { job: { contact: { email: 'nobody-at-all', idNumber: 'X-0001-SECRET' } }, headers: { cookie: 'ogi_session=cookie-secret-1', authorization: 'Basic basic-secret-1' } },
    'nested',
  );
  const text = lines.join('\n');
  for (const line of lines) t.doesNotThrow(() => JSON.parse(line), 'every line is JSON');
  // One access line per request, written when it is answered.
  const access = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request completed');
  t.notOk(
    lines.some((l) => JSON.parse(l).msg === 'incoming request'),
    'no second line when a request arrives',
  );
  t.same(
    access.map((l) => [l.req.method, l.res.statusCode]),
    [
      ['POST', 201],
      ['GET', 200],
      ['GET', 200],
    ],
  );
  t.ok(
    access.every((l) => l.reqId && l.req.url && typeof l.responseTime === 'number'),
    'with request id, URL and time',
  );
  t.ok(
    lines.some((l) => /mail not delivered/.test(l)),
    'the mail failure is logged',
  );
  t.match(text, /"msg":"nested"/, 'the nested line is written');
  for (const secret of [
    '11010519491231002X',
    '13912345678',
    'secret.person@example.com',
    receipt.accessCode,
    'super-secret-token',
    'also-secret',
    '欧阳秘密',
    'nobody-at-all',
    'X-0001-SECRET',
    'cookie-secret-1',
    'basic-secret-1',
  ]) {
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
