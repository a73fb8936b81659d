import t from 'tap';
import { api, testApp } from './helpers/app.js';

t.test('GET /api/calendar/deadline', async (t) => {
  const { app } = await testApp(t);
  const anon = api(app);
  t.same((await anon.get('/api/calendar/deadline?from=2026-09-30&workingDays=20')).json(), { from: '2026-09-30', workingDays: 20, due: '2026-11-03', provisional: false });
  t.same((await anon.get('/api/calendar/deadline?from=2026-12-15&workingDays=20')).json(), { from: '2026-12-15', workingDays: 20, due: '2027-01-12', provisional: true });
  for (const query of ['from=2026-02-30&workingDays=3', 'from=2026-03-01&workingDays=-1', 'from=2026-03-01&workingDays=abc', 'from=2026-03-01', 'workingDays=3', 'from=2026-03-01&workingDays=2.5']) {
    const res = await anon.get(`/api/calendar/deadline?${query}`);
    t.equal(res.statusCode, 400, query);
    t.equal(res.json().error, 'validation.failed', query);
  }
  const years = (await anon.get('/api/calendar/years')).json() as { year: number }[];
  t.same(years.map((y) => y.year), [2024, 2025, 2026], 'the official notices are loaded on first start');
  t.equal((await anon.get('/health')).json().status, 'ok');
});
