import { count } from 'drizzle-orm';
import t from 'tap';
import { cases } from '../src/db/schema.js';
import { api, testApp } from './helpers/app.js';
import { application } from './helpers/factories.js';

t.test('200 concurrent submissions get 200 distinct tracking numbers and 200 stored cases', async (t) => {
  const { app, db } = await testApp(t);
  const anon = api(app);
  const agencies = ['fgj', 'czj', 'mzj', 'fgj'];
  const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => anon.post('/api/requests', application({ agency: agencies[i % agencies.length] }))));
  t.same([...new Set(responses.map((r) => r.statusCode))], [201]);
  const numbers = responses.map((r) => r.json().trackingNumber as string);
  t.equal(new Set(numbers).size, 200, 'all tracking numbers distinct');
  const fgj = numbers.filter((n) => n.startsWith('FGJ-')).sort();
  t.same(fgj, Array.from({ length: 100 }, (_, i) => `FGJ-2026-${String(i + 1).padStart(5, '0')}`), 'each agency numbers without gaps');
  const [stored] = await db.select({ n: count() }).from(cases);
  t.equal(stored!.n, 200);
});
