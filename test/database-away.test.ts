// The database goes away and comes back while the service runs (a restart, a failover, a network
// cut): requests meanwhile get 503 with Retry-After and a message to try again, not a 500, and leave
// nothing half stored; once it is back the same process serves again. The service reaches PostgreSQL
// through a TCP proxy the test cuts and restores, so the machine's PostgreSQL server keeps running
// (`npm run test:faults` restarts it for real). PostgreSQL only: the embedded database cannot go away.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { count, eq } from 'drizzle-orm';
import t, { type Test } from 'tap';
import type { Config } from '../src/config/config.js';
import { openDatabase } from '../src/db/client.js';
import { cases, outbox } from '../src/db/schema.js';
import { testApp } from './helpers/test-app.js';
import { createPostgresDatabase, TEST_DATABASE_URL } from './helpers/test-databases.js';
import { application } from './helpers/factories.js';
import { freePort } from './helpers/process.js';
import { smtpPeer } from './helpers/smtp.js';

/** Forwards a local port to PostgreSQL; `cut()` drops every connection and refuses new ones until `restore()`. */
async function databaseProxy(target: URL) {
  const port = await freePort();
  const open = new Set<Socket>();
  let server: Server | null = null;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        for (const [a, b] of [
          [client, upstream],
          [upstream, client],
        ] as const) {
          open.add(a);
          a.on('error', () => b.destroy());
          a.on('close', () => (open.delete(a), b.destroy()));
          a.pipe(b);
        }
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  await listen();
  return {
    url: (() => {
      const url = new URL(target);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    })(),
    async cut() {
      const closing = new Promise<void>((r) => server!.close(() => r()));
      for (const socket of open) socket.destroy();
      await closing;
    },
    restore: listen,
    close() {
      for (const socket of open) socket.destroy();
      server?.close();
    },
  };
}

/** The app on a fresh PostgreSQL database that it reaches through the proxy. */
async function appBehindProxy(t: Test, config: Partial<Config> = {}) {
  const target = await createPostgresDatabase();
  t.teardown(() => target.drop());
  const proxy = await databaseProxy(new URL(target.url));
  t.teardown(() => proxy.close());
  const handle = await openDatabase({ databaseUrl: proxy.url, dataDir: '', inMemory: false });
  t.teardown(() => handle.close());
  return { proxy, ...(await testApp(t, { database: Object.assign(handle, { url: proxy.url }), config })) };
}

const POSTGRES_ONLY = { skip: TEST_DATABASE_URL ? false : 'PostgreSQL only: the embedded database cannot go away' };

t.test('the database away: 503 to try again, nothing half stored; back: served again without a restart', POSTGRES_ONLY, async (t) => {
  const { proxy, app, db } = await appBehindProxy(t);

  const first = await app.inject({ method: 'POST', url: '/api/requests', payload: application() });
  t.equal(first.statusCode, 201, 'filed while the database is there');

  await proxy.cut();
  const refused = await app.inject({ method: 'POST', url: '/api/requests', payload: application({ applicant: { email: 'while-away@example.com' } }) });
  t.equal(refused.statusCode, 503, 'an application while the database is away');
  t.same(refused.json(), { error: 'service.unavailable', message: '服务暂时不可用，请稍后再试' });
  t.equal(refused.headers['retry-after'], '10', 'with when to try again');
  const { trackingNumber, accessCode } = first.json() as { trackingNumber: string; accessCode: string };
  const lookup = await app.inject({ method: 'GET', url: `/track?trackingNumber=${trackingNumber}&accessCode=${accessCode}`, headers: { accept: 'text/html' } });
  t.equal(lookup.statusCode, 503, 'the tracking page too');
  t.match(lookup.body, '服务暂时不可用，请稍后再试', 'says so in the page');
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 503, '/health says the service is not healthy');

  await proxy.restore();
  let again = await app.inject({ method: 'POST', url: '/api/requests', payload: application({ applicant: { email: 'again@example.com' } }) });
  // The pool waits a moment (its backoff) before it connects again after failures.
  for (let tries = 0; again.statusCode === 503 && tries < 50; tries += 1) {
    await new Promise((r) => setTimeout(r, 100));
    again = await app.inject({ method: 'POST', url: '/api/requests', payload: application({ applicant: { email: 'again@example.com' } }) });
  }
  t.equal(again.statusCode, 201, 'filed again once the database is back, by the same process');
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
  const [stored] = await db.select({ n: count() }).from(cases);
  t.equal(stored!.n, 2, 'the two filed applications are stored, and nothing of the refused one');
});

t.test('a mail that went out just as the database went away is marked sent once it is back, not sent again', POSTGRES_ONLY, async (t) => {
  const smtp = await smtpPeer();
  t.teardown(() => smtp.stop());
  const { proxy, app, clock, db } = await appBehindProxy(t, { smtpUrl: smtp.url });
  const to = 'during-the-cut@example.com';
  t.equal((await app.inject({ method: 'POST', url: '/api/requests', payload: application({ applicant: { email: to } }) })).statusCode, 201);

  const release = smtp.hold(); // the mail server takes its time to answer
  const sending = app.ogi.outbox.runOnce();
  await smtp.waitFor(1);
  await proxy.cut(); // meanwhile the database goes away
  release(); // the mail is accepted: it has gone out
  await t.rejects(sending, 'the run stops: the mail could not be marked sent');

  await proxy.restore();
  let after: unknown = null;
  for (let tries = 0; after === null && tries < 50; tries += 1) {
    after = await app.ogi.outbox.runOnce().catch(() => null); // the pool waits a moment before it connects again
    if (after === null) await new Promise((r) => setTimeout(r, 100));
  }
  t.same(after, { sent: 0, retried: 0, failed: 0 }, 'once the database is back, nothing is sent again');
  const [row] = await db.select().from(outbox).where(eq(outbox.recipient, to));
  t.match(row, { status: 'sent', text: '' }, 'it is marked sent');
  clock.set(new Date(clock.now().getTime() + 10 * 60_000));
  t.same(await app.ogi.outbox.runOnce(), { sent: 0, retried: 0, failed: 0 }, 'nor once its lease would have run out');
  await new Promise((r) => setTimeout(r, 200));
  t.equal(smtp.messages.filter((m) => m.to && 'text' in m.to && m.to.text === to).length, 1, 'it arrived once');
});
