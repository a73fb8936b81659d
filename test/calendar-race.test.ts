import { eq } from 'drizzle-orm';
import t from 'tap';
import { cases } from '../src/db/schema.js';
import { ADMIN, api, login, testApp } from './helpers/test-app.js';
import { application } from './helpers/factories.js';

// Art. 33: the due date counts working days by the official schedule. A schedule loaded while
// applications are being filed must reach every one of them: those filed before it are recomputed,
// those filed after it are computed with it; none keeps the old date.
t.test('a schedule loaded during a stream of submissions reaches every case', async (t) => {
  const { app, db } = await testApp(t, { now: '2026-12-15T02:00:00Z' });
  const anon = api(app);
  const admin = api(app, await login(app, ADMIN.email, ADMIN.password));
  const responses: Awaited<ReturnType<typeof anon.post>>[] = [];
  let loaded: ReturnType<typeof admin.put> | null = null;
  let loadDone = false;
  // Ten applicants keep filing; once twenty are in, 2027 (New Year 1–3 January) is loaded while
  // they go on, and each files once more after the load has finished.
  const applicant = async () => {
    while (!loadDone) {
      responses.push(await anon.post('/api/requests', application()));
      if (responses.length >= 20 && !loaded) {
        loaded = admin.put('/api/calendar/years/2027', { holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [] });
        void loaded.finally(() => (loadDone = true));
      }
    }
    responses.push(await anon.post('/api/requests', application()));
  };
  await Promise.all(Array.from({ length: 10 }, applicant));
  const load = await loaded!;
  t.equal(load.statusCode, 200, load.body);
  t.same([...new Set(responses.map((r) => r.statusCode))], [201]);

  const filed = await db.select({ trackingNumber: cases.trackingNumber, dueOn: cases.dueOn }).from(cases).where(eq(cases.receivedOn, '2026-12-15'));
  t.equal(filed.length, responses.length);
  t.same(
    filed.filter((c) => c.dueOn !== '2027-01-13').map((c) => `${c.trackingNumber} due ${c.dueOn}`),
    [],
    '20 working days from 15 December end on 13 January once 1 January is a holiday',
  );
});
