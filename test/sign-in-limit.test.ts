// Sign-in failures are limited per address, in the database: 5 tries in 15 minutes, shared by every
// instance and every client address (GB/T 22239-2019 8.1.4.1 b, 限制非法登录次数).
import t from 'tap';
import { ADMIN, api, logCapture, staffClient, testApp } from './helpers/test-app.js';
import { pageText, webClient } from './helpers/web.js';

type Answer = { status: number; error: string; message: string };
const answer = (res: { statusCode: number; json(): { error?: string; message?: string } }): Answer => ({
  status: res.statusCode,
  error: res.json().error ?? '',
  message: res.json().message ?? '',
});

t.test('five tries in 15 minutes, then the address is paused, the right password too, until the window ends', async (t) => {
  const { lines, stream } = logCapture();
  const { app, clock } = await testApp(t, { config: { logLevel: 'info' }, logStream: stream });
  const start = clock.now().getTime(); // 10:00 in Beijing
  const tryWith = async (password: string) => answer(await api(app).post('/api/auth/login', { email: ADMIN.email, password }));
  const wrong: Answer[] = [];
  for (let i = 0; i < 5; i += 1) {
    clock.set(new Date(start + i * 60_000));
    wrong.push(await tryWith('not-the-password'));
  }
  t.same(
    wrong.map((a) => [a.status, a.error]),
    Array.from({ length: 5 }, () => [401, 'auth.invalid_credentials']),
  );
  t.same(
    wrong.map((a) => a.message),
    [
      '邮箱或密码不正确',
      '邮箱或密码不正确',
      '邮箱或密码不正确，还可尝试 2 次',
      '邮箱或密码不正确，还可尝试 1 次',
      '邮箱或密码不正确。尝试次数已达上限，该账号暂停登录至 10:15（北京时间）',
    ],
    'the last tries say how many are left, the fifth until when the address is paused',
  );

  clock.set(new Date(start + 14 * 60_000 + 59_000));
  const paused = await tryWith(ADMIN.password);
  t.match(paused, { status: 401, error: 'auth.sign_in_paused', message: /暂停登录至 10:15（北京时间）.*联系管理员重置/ }, 'the right password is refused while paused');
  t.match(await tryWith('not-the-password'), { error: 'auth.sign_in_paused' }, 'and so is any other');

  clock.set(new Date(start + 15 * 60_000));
  t.match(await tryWith(ADMIN.password), { status: 200 }, 'when the window ends the right password signs in');

  const record = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'sign-in paused after repeated failures');
  t.equal(record.length, 1, 'the pause is logged once');
  t.equal(record[0].account, '***@test.local', 'with the address masked');
});

t.test('a successful sign-in starts the count again', async (t) => {
  const { app } = await testApp(t);
  const tryWith = async (password: string) => answer(await api(app).post('/api/auth/login', { email: ADMIN.email.toUpperCase(), password }));
  for (let i = 0; i < 4; i += 1) t.equal((await tryWith('wrong-password')).error, 'auth.invalid_credentials');
  t.equal((await tryWith(ADMIN.password)).status, 200, 'the fifth try, right, signs in');
  const again: string[] = [];
  for (let i = 0; i < 5; i += 1) again.push((await tryWith('wrong-password')).error);
  t.same(
    again,
    Array.from({ length: 5 }, () => 'auth.invalid_credentials'),
    'five more tries, none refused',
  );
  t.equal((await tryWith(ADMIN.password)).error, 'auth.sign_in_paused', 'then the sixth is');
});

t.test('an address no account has is paused the same way: the answers do not tell which addresses have one', async (t) => {
  const { app } = await testApp(t);
  const six = async (email: string) => {
    const out: Answer[] = [];
    for (let i = 0; i < 6; i += 1) out.push(answer(await api(app).post('/api/auth/login', { email, password: 'wrong-password' })));
    return out;
  };
  const nobody = await six('nobody@test.local');
  t.equal(nobody[5]!.error, 'auth.sign_in_paused', 'the sixth try is refused');
  t.same(nobody, await six(ADMIN.email), 'answer for answer as for an address with an account');
});

t.test('tries at two instances on one database, and tries arriving together, are all counted', async (t) => {
  const first = await testApp(t);
  const second = await testApp(t, { database: first.database });
  const clerk = await staffClient(first.app, 'clerk', 'fgj');
  const errors: string[] = [];
  for (let i = 0; i < 6; i += 1) errors.push(answer(await api(i % 2 ? second.app : first.app).post('/api/auth/login', { email: ADMIN.email, password: 'wrong-password' })).error);
  t.same(errors, [...Array.from({ length: 5 }, () => 'auth.invalid_credentials'), 'auth.sign_in_paused'], 'alternating between the instances');

  const together = await Promise.all(
    Array.from({ length: 10 }, (_, i) => api(i % 2 ? second.app : first.app).post('/api/auth/login', { email: clerk.email, password: 'wrong-password' })),
  );
  const counts = together.map((r) => answer(r).error).reduce<Record<string, number>>((n, e) => ({ ...n, [e]: (n[e] ?? 0) + 1 }), {});
  t.same(counts, { 'auth.invalid_credentials': 5, 'auth.sign_in_paused': 5 }, 'ten at once: five passwords checked, five refused');
});

t.test("an administrator's password reset lifts the pause", async (t) => {
  const { app } = await testApp(t);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const admin = await staffClient(app, 'admin');
  for (let i = 0; i < 6; i += 1) await api(app).post('/api/auth/login', { email: clerk.email, password: 'wrong-password' });
  t.equal(answer(await api(app).post('/api/auth/login', { email: clerk.email, password: clerk.password })).error, 'auth.sign_in_paused');
  const reset = await admin.post(`/api/staff/${clerk.id}/password`, {});
  t.equal(reset.statusCode, 200);
  t.equal((await api(app).post('/api/auth/login', { email: clerk.email, password: reset.json().password })).statusCode, 200, 'the new password signs in at once');
});

t.test('the sign-in page says, in Chinese, that the account is paused and until when', async (t) => {
  const { app } = await testApp(t);
  const web = webClient(app);
  await web.get('/staff/login');
  for (let i = 0; i < 5; i += 1) await web.post('/staff/login', { email: ADMIN.email, password: 'wrong-password' });
  const page = await web.post('/staff/login', { email: ADMIN.email, password: ADMIN.password });
  t.equal(page.statusCode, 401);
  t.match(pageText(page.body), /登录尝试次数过多，该账号暂停登录至 10:15（北京时间）/);
  t.notOk(page.headers['set-cookie']?.toString().includes('ogi_session='), 'no session is made');
});
