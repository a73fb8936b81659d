// Run by `npm run test:faults` (PostgreSQL only): it restarts the machine's PostgreSQL server.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import postgres from 'postgres';
import t from 'tap';
import { createPostgresDatabase, TEST_DATABASE_URL } from '../helpers/test-databases.js';
import { application } from '../helpers/factories.js';
import { freePort, startServer, stopServer, waitForHealth } from '../helpers/process.js';

t.test('PostgreSQL restarted under a submission load: the service recovers by itself and keeps every 201', { skip: !TEST_DATABASE_URL && 'needs DATABASE_URL' }, async (t) => {
  const database = await createPostgresDatabase();
  t.teardown(() => database.drop());
  const server = startServer({ DATABASE_URL: database.url, PORT: String(await freePort()), RATE_LIMIT_PER_MINUTE: '0', DATA_DIR: '/tmp/ogi-fault-unused' });
  t.teardown(() => stopServer(server, 'SIGKILL'));
  // A process that ended, or answers no more, is what this test exists to catch: show why.
  t.teardown(() => {
    if (t.passing()) return;
    t.comment(`server exit code: ${server.child.exitCode}; its output:\n${server.output()}`);
  });
  await waitForHealth(server);

  const accepted: string[] = [];
  let failures = 0;
  const unexpected: string[] = [];
  let running = true;
  const worker = async (w: number) => {
    for (let i = 0; running; i += 1) {
      try {
        const res = await fetch(`${server.url}/api/requests`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(application({ applicant: { email: `w${w}.${i}@example.com` } })),
        });
        if (res.status === 201) accepted.push(((await res.json()) as { trackingNumber: string }).trackingNumber);
        else {
          failures += 1;
          // While the database is away the answer is 503, to try again; anything else is a fault.
          if (res.status !== 503) unexpected.push(`${res.status} ${await res.text()}`);
        }
      } catch {
        failures += 1;
      }
    }
  };
  const load = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
  await new Promise((r) => setTimeout(r, 1500));
  const beforeRestart = accepted.length;
  const version = readdirSync('/etc/postgresql')[0]!;
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 4000));
  running = false;
  await load;
  t.ok(beforeRestart > 0, `${beforeRestart} accepted before the restart`);
  t.ok(accepted.length > beforeRestart, `${accepted.length - beforeRestart} accepted after it, without restarting the service`);
  t.comment(`${failures} requests failed while the database was away`);
  t.same(unexpected.slice(0, 5), [], 'none of them with anything but 503');

  const health = await fetch(`${server.url}/health`);
  t.equal(health.status, 200, 'healthy again');
  const check = postgres(database.url, { max: 1, onnotice: () => {} });
  const stored = new Set((await check`select tracking_number from cases`).map((r) => r.tracking_number as string));
  await check.end();
  const lost = accepted.filter((tn) => !stored.has(tn));
  t.same(lost, [], `all ${accepted.length} accepted requests are stored`);
  t.equal(await stopServer(server), 0);
});
