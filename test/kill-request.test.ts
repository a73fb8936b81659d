import { eq } from 'drizzle-orm';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { attachments, caseEvents, cases, letters, outbox, timers } from '../src/db/schema.js';
import { testConfig } from './helpers/test-app.js';
import { application, multipartBody, PDF } from './helpers/factories.js';
import { serverStorage, startServer, stopServer, waitForHealth } from './helpers/process.js';

t.test('a process killed in the middle of requests leaves no half-written case', async (t) => {
  const storage = await serverStorage(t, 'kill');
  const { dataDir } = storage;
  const env = () => storage.env();

  const server = startServer(await env());
  t.teardown(() => stopServer(server, 'SIGKILL'));
  await waitForHealth(server);

  // Forty submissions with 3 MB of attachments each, killed while they are being written.
  const big = Buffer.concat([PDF, Buffer.alloc(3 * 1024 * 1024, 0x20)]);
  const accepted: string[] = [];
  // Started 25 ms apart: sent all at once, they would be written in one group (db/group-commit.ts) and
  // answered together, leaving nothing under way to kill.
  const sends = Array.from({ length: 40 }, async (_, i) => {
    await new Promise((r) => setTimeout(r, 25 * i));
    const form = multipartBody(application({ applicant: { email: `k${i}@example.com` } }), [{ filename: `证明${i}.pdf`, content: big }]);
    try {
      const res = await fetch(`${server.url}/api/requests`, { method: 'POST', headers: form.headers, body: form.payload });
      if (res.status === 201) accepted.push(((await res.json()) as { trackingNumber: string }).trackingNumber);
    } catch {
      // the connection died with the process
    }
  });
  // Kill once a few have been answered, while the others are still being received or written.
  for (let waited = 0; accepted.length < 3 && waited < 120_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
  server.child.kill('SIGKILL');
  await Promise.all(sends);
  await server.exited;
  t.ok(accepted.length >= 3 && accepted.length < 40, `${accepted.length} of 40 were answered before the kill`);

  // Restart once so the database recovers, then look at what is there.
  const again = startServer(await env());
  t.teardown(() => stopServer(again, 'SIGKILL'));
  await waitForHealth(again);
  t.equal(await stopServer(again), 0);
  const app = await buildApp({ config: testConfig({ databaseUrl: storage.databaseUrl, inMemoryDatabase: false, dataDir }) });
  t.teardown(() => app.close());
  const db = app.ogi.ctx.db;
  const stored = await db.select().from(cases);
  t.ok(stored.length < 40, `${stored.length} cases stored, none of them half`);
  const numbers = new Set(stored.map((c) => c.trackingNumber));
  for (const tn of accepted) t.ok(numbers.has(tn), `${tn} (answered 201) is stored`);
  for (const c of stored) {
    const entries = await db.select().from(caseEvents).where(eq(caseEvents.caseId, c.id));
    const files = await db.select({ id: attachments.id }).from(attachments).where(eq(attachments.caseId, c.id));
    const pending = await db.select().from(timers).where(eq(timers.caseId, c.id));
    const receipt = await db.select().from(letters).where(eq(letters.caseId, c.id));
    const mail = await db.select().from(outbox).where(eq(outbox.caseId, c.id));
    const whole = entries.length === 1 && entries[0]!.type === 'SUBMITTED' && files.length === 1 && pending.length === 3 && receipt.length === 1 && mail.length === 1;
    t.ok(whole, `${c.trackingNumber} is whole: entry, file, 3 timers, receipt, acknowledgment`);
  }
});
