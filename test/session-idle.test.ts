// A page session unused for 30 minutes has ended (GB/T 22239-2019 8.1.4.1 b, 登录连接超时自动退出);
// bearer tokens end only after 12 hours.
import t from 'tap';
import { attemptWindows, sessions } from '../src/db/schema.js';
import { expireSignIns } from '../src/staff/auth.service.js';
import { ADMIN, api, login, testApp } from './helpers/test-app.js';
import { application } from './helpers/factories.js';
import { signIn } from './helpers/web.js';

const minutes = (n: number) => n * 60_000;

t.test('a page session unused for 30 minutes is signed out; each use starts the 30 minutes again', async (t) => {
  const { app, clock } = await testApp(t);
  const start = clock.now().getTime();
  const web = await signIn(app, ADMIN.email, ADMIN.password);
  clock.set(new Date(start + minutes(29)));
  t.equal((await web.get('/staff')).statusCode, 200, '29 minutes after signing in');
  clock.set(new Date(start + minutes(58)));
  t.equal((await web.get('/admin')).statusCode, 200, '29 minutes after the last page');
  clock.set(new Date(start + minutes(87)));
  t.equal((await web.get('/staff/session')).statusCode, 204, 'the page script says the person is typing');
  clock.set(new Date(start + minutes(116)));
  t.equal((await web.get('/staff')).statusCode, 200, '29 minutes after that');
  clock.set(new Date(start + minutes(146)));
  const idle = await web.get('/staff/cases/new');
  t.equal(idle.statusCode, 303, '30 minutes unused');
  t.equal(idle.headers.location, `/staff/login?next=${encodeURIComponent('/staff/cases/new')}`, 'back to the sign-in, and to the page afterwards');
  t.match((await web.post('/staff/logout', {})).headers.location, /^\/staff\/login/, 'nothing but signing in again opens it');
  t.equal((await (await signIn(app, ADMIN.email, ADMIN.password)).get('/staff')).statusCode, 200);
});

t.test('a form sent after the session ended leads, once signed in again, back to the page it was on', async (t) => {
  const { app, clock } = await testApp(t);
  const start = clock.now().getTime();
  const tn = (await api(app).post('/api/requests', application())).json().trackingNumber as string;
  const web = await signIn(app, ADMIN.email, ADMIN.password);
  t.equal((await web.get(`/staff/cases/${tn}`)).statusCode, 200);
  clock.set(new Date(start + minutes(31)));
  const sent = await web.post(`/staff/cases/${tn}/notes`, { text: '已电话联系申请人' });
  t.equal(sent.statusCode, 303);
  const casePage = `/staff/cases/${tn}`;
  t.equal(sent.headers.location, `/staff/login?next=${encodeURIComponent(casePage)}`, 'the case page, not the address the note was sent to');
  await web.get(sent.headers.location as string);
  const back = await web.post('/staff/login', { email: ADMIN.email, password: ADMIN.password, next: casePage });
  t.equal(back.headers.location, casePage);
  t.equal((await web.get(casePage)).statusCode, 200);

  clock.set(new Date(start + minutes(62)));
  t.equal((await web.post('/staff/cases/new', {})).headers.location, `/staff/login?next=${encodeURIComponent('/staff/cases/new')}`, 'a form sent to its own page comes back to it');
  t.equal((await web.post('/staff/logout', {})).headers.location, `/staff/login?next=${encodeURIComponent('/staff')}`, 'one with no page of its own, to the desk');
});

t.test('an API token is not ended by an idle hour, only by its 12 hours', async (t) => {
  const { app, clock } = await testApp(t);
  const start = clock.now().getTime();
  const as = api(app, await login(app, ADMIN.email, ADMIN.password));
  clock.set(new Date(start + minutes(5 * 60)));
  t.equal((await as.get('/api/auth/me')).statusCode, 200, 'five hours later, unused');
  clock.set(new Date(start + minutes(12 * 60)));
  t.equal((await as.get('/api/auth/me')).statusCode, 401, 'at 12 hours');
});

// The page script's part (typing counts as use) is in test/browser.test.ts.
t.test('staff pages, and only they, say where the page script tells the server of use', async (t) => {
  const { app } = await testApp(t);
  const web = await signIn(app, ADMIN.email, ADMIN.password);
  t.match((await web.get('/staff')).body, /<body[^>]* data-session-ping="\/staff\/session"/);
  t.notMatch((await web.get('/guide/fgj')).body, /data-session-ping/, 'not a public page, even to someone signed in');
});

t.test('ended sessions and the addresses tried are not kept: the housekeeping run with the timers deletes them', async (t) => {
  const { app, clock, db, ctx } = await testApp(t);
  const start = clock.now().getTime();
  await signIn(app, ADMIN.email, ADMIN.password);
  await login(app, ADMIN.email, ADMIN.password);
  await api(app).post('/api/auth/login', { email: 'someone.else@example.com', password: 'a-guess-1' });
  const count = async () => ({
    sessions: (await db.select().from(sessions)).length,
    attempts: (await db.select().from(attemptWindows)).length,
  });
  await expireSignIns(ctx);
  t.same(await count(), { sessions: 2, attempts: 1 }, 'nothing ended yet');
  clock.set(new Date(start + minutes(31)));
  await expireSignIns(ctx);
  t.same(await count(), { sessions: 1, attempts: 0 }, 'the idle page session and the ended window are gone; the token stays');
  clock.set(new Date(start + minutes(12 * 60 + 1)));
  await expireSignIns(ctx);
  t.same(await count(), { sessions: 0, attempts: 0 }, 'and the token after its 12 hours');
});
