// Run by `npm run test:faults` (PostgreSQL only): two service processes behind one database under load.
import postgres from 'postgres';
import t from 'tap';
import { createPostgresDatabase, TEST_DATABASE_URL } from '../helpers/test-databases.js';
import { application } from '../helpers/factories.js';
import { freePort, startServer, stopServer, waitForHealth } from '../helpers/process.js';
import { demoJurisdictions } from '../../src/jurisdictions/demo-data.js';

t.test('two instances on one database under load: no duplicate tracking numbers, no double timers', { skip: !TEST_DATABASE_URL && 'needs DATABASE_URL' }, async (t) => {
  const database = await createPostgresDatabase();
  t.teardown(() => database.drop());
  const env = async () => ({
    DATABASE_URL: database.url,
    PORT: String(await freePort()),
    RATE_LIMIT_PER_MINUTE: '0',
    SCHEDULER_INTERVAL_MS: '200',
    DATA_DIR: '/tmp/ogi-fault-unused',
  });
  // Started together: they race to migrate and to create the first administrator.
  const servers = [startServer(await env()), startServer(await env())];
  for (const s of servers) t.teardown(() => stopServer(s, 'SIGKILL'));
  await Promise.all(servers.map((s) => waitForHealth(s)));

  const accepted: string[] = [];
  let running = true;
  const worker = async (w: number) => {
    for (let i = 0; running; i += 1) {
      const server = servers[(w + i) % 2]!;
      const res = await fetch(`${server.url}/api/requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(application({ agency: ['fgj', 'czj'][i % 2] })),
      });
      if (res.status === 201) accepted.push(((await res.json()) as { trackingNumber: string }).trackingNumber);
    }
  };
  const load = Promise.all(Array.from({ length: 10 }, (_, w) => worker(w)));
  await new Promise((r) => setTimeout(r, 5000));
  running = false;
  await load;
  t.ok(accepted.length > 50, `${accepted.length} submissions through both instances`);
  t.equal(new Set(accepted).size, accepted.length, 'no tracking number handed out twice');

  const db = postgres(database.url, { max: 1, onnotice: () => {} });
  const [cases] = await db`select count(*)::int as n, count(distinct tracking_number)::int as distinct_numbers from cases`;
  t.equal(cases!.n, accepted.length, 'every accepted request is stored once');
  t.equal(cases!.distinct_numbers, cases!.n);
  const doubled = await db`select case_id, kind, count(*)::int as n from timers where status = 'pending' group by case_id, kind having count(*) > 1`;
  t.same(doubled, [], 'no timer twice');
  const [seeded] =
    await db`select (select count(*)::int from jurisdictions) as jurisdictions, (select count(*)::int from agencies) as agencies, (select count(*)::int from guide_versions) as guides, (select count(*)::int from staff) as staff`;
  const demo = demoJurisdictions();
  const demoAgencies = demo.flatMap((j) => j.agencies).length;
  t.same(seeded, { jurisdictions: demo.length, agencies: demoAgencies, guides: demoAgencies, staff: 1 }, 'the demo data set, its guides and the first administrator created once');
  const [timers] = await db`select count(*)::int as n from timers where status = 'pending'`;
  t.equal(timers!.n, accepted.length * 3, 'each case has its deadline and two reminders, once');
  const [admins] = await db`select count(*)::int as n from staff where role = 'admin'`;
  t.equal(admins!.n, 1, 'one first administrator, though both started at once');
  const [migrations] = await db`select count(*)::int as n from drizzle.__drizzle_migrations`;
  t.ok(migrations!.n >= 1, 'migrated once');
  await db.end();
  for (const s of servers) t.equal(await stopServer(s), 0);
});
