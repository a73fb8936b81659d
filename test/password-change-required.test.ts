// A password someone else gave (an administrator's reset, an account made on the administration
// page, the generated first administrator) is changed at the first sign-in, before anything else.
import t from 'tap';
import { api, login, staffClient, testApp } from './helpers/test-app.js';
import { pageText, signIn } from './helpers/web.js';

t.test('after an administrator resets a password, the API does nothing but the change until it is made', async (t) => {
  const { app } = await testApp(t);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const admin = await staffClient(app, 'admin');
  t.equal((await clerk.get('/api/cases')).statusCode, 200, 'an account made through the API works at once');

  const given = (await admin.post(`/api/staff/${clerk.id}/password`, {})).json().password as string;
  const signedIn = await api(app).post('/api/auth/login', { email: clerk.email, password: given });
  t.equal(signedIn.statusCode, 200, 'the given password signs in');
  t.equal(signedIn.json().staff.passwordChangeRequired, true, 'saying it must be changed');
  const as = api(app, signedIn.json().token);
  const refused = await as.get('/api/cases');
  t.equal(refused.statusCode, 403);
  t.match(refused.json(), { error: 'auth.password_change_required', message: /请先修改密码/ });
  t.equal((await as.get('/api/auth/me')).json().passwordChangeRequired, true, 'who am I still answers');

  const same = await as.post('/api/auth/password', { currentPassword: given, newPassword: given });
  t.equal(same.statusCode, 400);
  t.match(same.json().fields, { newPassword: '新密码不能与当前密码相同' }, 'the given password cannot be kept');
  t.equal((await as.post('/api/auth/password', { currentPassword: given, newPassword: 'my-own-password-1' })).statusCode, 204);
  t.equal((await as.get('/api/cases')).statusCode, 200, 'once changed, the work opens');
  t.equal((await as.get('/api/auth/me')).json().passwordChangeRequired, false);
  t.equal((await api(app, await login(app, clerk.email, 'my-own-password-1')).get('/api/cases')).statusCode, 200, 'and stays open at the next sign-in');
});

t.test('pages lead to the password change, and only signing out is open besides', async (t) => {
  const { app } = await testApp(t);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const admin = await staffClient(app, 'admin');
  const given = (await admin.post(`/api/staff/${clerk.id}/password`, {})).json().password as string;
  const web = await signIn(app, clerk.email, given);
  for (const url of ['/staff', '/staff/cases/new', '/staff/cases/FGJ-2026-00001']) {
    const res = await web.get(url);
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, '/staff/password', `${url} leads to the password change`);
  }
  const page = await web.get('/staff/password');
  t.equal(page.statusCode, 200);
  t.match(pageText(page.body), /您的密码由管理员设置或由系统生成.*请先设置新密码/);
  const changed = await web.post('/staff/password', { currentPassword: given, newPassword: 'my-own-password-2' });
  t.equal(changed.statusCode, 303);
  t.match(changed.headers.location, /^\/staff\?notice=password_changed/);
  t.equal((await web.get('/staff')).statusCode, 200, 'then the desk opens');
  t.notMatch(pageText((await web.get('/staff/password')).body), /您的密码由管理员设置/, 'and the password page no longer asks');

  const again = await signIn(app, clerk.email, 'my-own-password-2');
  const reset = (await admin.post(`/api/staff/${clerk.id}/password`, {})).json().password as string;
  const meanwhile = await signIn(app, clerk.email, reset);
  const out = await meanwhile.post('/staff/logout', {});
  t.equal(out.headers.location, '/staff/login', 'signing out is open: to the sign-in page, not to the password change');
  t.match((await meanwhile.get('/staff/password')).headers.location, /^\/staff\/login/, 'and the session has ended');
  t.match((await again.get('/staff')).headers.location, /^\/staff\/login/, 'the reset ended the sessions before it');
});

t.test('the generated first administrator changes the printed password at the first sign-in', async (t) => {
  const { app } = await testApp(t, { config: { adminEmail: null, adminPassword: null } });
  const generated = app.ogi.generatedAdmin!;
  t.equal(generated.email, 'admin@ogi.localhost');
  const as = api(app, await login(app, generated.email, generated.password));
  t.match((await as.post('/api/staff', { email: 'c@test.local', password: 'clerk-password-1', name: '办理人', role: 'clerk', agency: 'fgj' })).json(), {
    error: 'auth.password_change_required',
  });
  t.equal((await as.post('/api/auth/password', { currentPassword: generated.password, newPassword: 'Own-passw0rd-1' })).statusCode, 204);
  t.equal((await as.post('/api/staff', { email: 'c@test.local', password: 'clerk-password-1', name: '办理人', role: 'clerk', agency: 'fgj' })).statusCode, 201);
});

t.test('a password one chooses oneself has 10 characters or more of three kinds, and not the name of one’s address', async (t) => {
  const { app } = await testApp(t);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const name = clerk.email.split('@')[0]!;
  const change = (newPassword: string) => clerk.post('/api/auth/password', { currentPassword: clerk.password, newPassword });
  for (const [password, message] of [
    ['Ab1-short', '新密码至少 10 个字符'],
    ['only-lower-and-symbols', '新密码须包含小写字母、大写字母、数字、其他符号中的至少三种'],
    ['ONLYUPPER12345', '新密码须包含小写字母、大写字母、数字、其他符号中的至少三种'],
    [`X9-${name.toUpperCase()}`, '新密码不能包含邮箱的用户名部分'],
  ] as const) {
    const res = await change(password);
    t.equal(res.statusCode, 400, password);
    t.same(res.json().fields, { newPassword: message }, `${password}: ${message}`);
  }
  t.equal((await api(app).post('/api/auth/login', { email: clerk.email, password: clerk.password })).statusCode, 200, 'nothing changed meanwhile');
  t.equal((await change('申请公开-Gov2026')).statusCode, 204, 'Chinese characters count as other characters');
});
