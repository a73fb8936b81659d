import t from 'tap';
import { ADMIN, api, login, testApp } from './helpers/test-app.js';
import { application } from './helpers/factories.js';
import { pageText, signIn } from './helpers/web.js';

t.test('GET /api/calendar/deadline', async (t) => {
  const { app } = await testApp(t);
  const anon = api(app);
  t.same((await anon.get('/api/calendar/deadline?from=2026-09-30&workingDays=20')).json(), { from: '2026-09-30', workingDays: 20, due: '2026-11-03', provisional: false });
  t.same((await anon.get('/api/calendar/deadline?from=2026-12-15&workingDays=20')).json(), { from: '2026-12-15', workingDays: 20, due: '2027-01-13', provisional: true });
  for (const query of [
    'from=2026-02-30&workingDays=3',
    'from=2026-03-01&workingDays=-1',
    'from=2026-03-01&workingDays=abc',
    'from=2026-03-01',
    'workingDays=3',
    'from=2026-03-01&workingDays=2.5',
  ]) {
    const res = await anon.get(`/api/calendar/deadline?${query}`);
    t.equal(res.statusCode, 400, query);
    t.equal(res.json().error, 'validation.failed', query);
  }
  const years = (await anon.get('/api/calendar/years')).json() as { year: number }[];
  t.same(
    years.map((y) => y.year),
    [2024, 2025, 2026],
    'the official notices are loaded on first start',
  );
  t.equal((await anon.get('/health')).json().status, 'ok');
});

t.test("administrators are reminded to load the next year's schedule while deadlines run into it", async (t) => {
  const march = await testApp(t);
  const quiet = await signIn(march.app, ADMIN.email, ADMIN.password);
  t.notMatch(pageText((await quiet.get('/admin')).body), /节假日安排尚未载入/, 'not in March, with no deadline beyond this year');

  // Monday 14 December 2026: 20 working days run into 2027, not loaded yet.
  const { app, clock } = await testApp(t, { now: '2026-12-14T02:00:00Z' });
  const web = await signIn(app, ADMIN.email, ADMIN.password);
  t.match(pageText((await web.get('/admin')).body), /2027年节假日安排尚未载入。 国务院办公厅公布后，请在 节假日安排 中载入/, 'in December, before any deadline crosses');
  const anon = api(app);
  for (let i = 0; i < 2; i += 1) t.equal((await anon.post('/api/requests', application())).statusCode, 201);
  t.match(pageText((await web.get('/admin')).body), /2027年节假日安排尚未载入。 2 件办理中申请的期限暂按周末和元旦、劳动节、国庆节的法定日期计算，标为“暂定”。/);

  const admin = api(app, await login(app, ADMIN.email, ADMIN.password));
  t.equal((await admin.put('/api/calendar/years/2027', { holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [] })).statusCode, 200);
  t.notMatch(pageText((await web.get('/admin')).body), /节假日安排尚未载入|暂按周末/, 'gone once the year is loaded');
  clock.set(new Date('2027-11-02T02:00:00Z'));
  const later = await signIn(app, ADMIN.email, ADMIN.password);
  t.match(pageText((await later.get('/admin')).body), /2028年节假日安排尚未载入/, 'and back the next November');
});
