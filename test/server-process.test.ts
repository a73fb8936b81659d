import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { KEY_FILE } from '../src/config/personal-data-key.js';
import { application } from './helpers/factories.js';
import { serverStorage, startServer, stopServer, waitForHealth } from './helpers/process.js';

// As `npm ci && npm start` runs it on a fresh clone: the embedded database on disk (or, in the
// PostgreSQL run, a fresh PostgreSQL database).
t.test('the server keeps its data across restarts', async (t) => {
  const storage = await serverStorage(t, 'data');
  const env = () => storage.env();

  const first = startServer(await env());
  t.teardown(() => stopServer(first, 'SIGKILL'));
  await waitForHealth(first);
  t.match(first.output(), /administrator created:\s+admin@ogi\.localhost\s+\S{12,}/, 'the generated administrator password is printed once');
  const agencies = (await (await fetch(`${first.url}/api/agencies`)).json()) as { slug: string; name: string }[];
  t.equal(agencies.length, 19, "the demo data set: the seed document's fifteen district offices, two of the city's, two of another district's");
  t.ok(agencies.some((a) => a.name === '湘潭市雨湖区人民政府办公室'));
  const submitted = await fetch(`${first.url}/api/requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(application()) });
  t.equal(submitted.status, 201);
  const receipt = (await submitted.json()) as { trackingNumber: string; accessCode: string };

  if (!storage.databaseUrl) {
    const second = startServer(await env());
    t.equal(await second.exited, 1, 'a second process on the same embedded database exits');
    t.match(second.output(), /already open in process \d+/);
  }

  t.equal(await stopServer(first), 0, 'SIGTERM shuts down cleanly');
  const again = startServer(await env());
  t.teardown(() => stopServer(again, 'SIGKILL'));
  await waitForHealth(again);
  t.notMatch(again.output(), /administrator created/, 'no new administrator on restart');
  const found = await fetch(`${again.url}/api/requests/${receipt.trackingNumber}?accessCode=${receipt.accessCode}`);
  t.equal(found.status, 200, 'the request filed before the restart is still there');
  t.equal(((await (await fetch(`${again.url}/api/agencies`)).json()) as unknown[]).length, 19, 'demo data is not loaded twice');
  t.equal(await stopServer(again), 0);

  // Identity numbers are sealed: the embedded database's under its key file from the first start,
  // PostgreSQL's from the first start with PERSONAL_DATA_KEY. A start with another key is refused.
  if (storage.databaseUrl) {
    const sealed = startServer(await storage.env({ PERSONAL_DATA_KEY: 'a1'.repeat(32) }));
    t.teardown(() => stopServer(sealed, 'SIGKILL'));
    await waitForHealth(sealed);
    t.equal(await stopServer(sealed), 0);
  }
  const wrongKey = startServer(await storage.env({ PERSONAL_DATA_KEY: 'b2'.repeat(32) }));
  t.teardown(() => stopServer(wrongKey, 'SIGKILL'));
  t.equal(await wrongKey.exited, 2, 'a start with another key exits');
  t.match(wrongKey.output(), /PERSONAL_DATA_KEY: not the key the identity numbers in this database are sealed with/);
  t.notMatch(wrongKey.output(), /b2b2b2/, 'without printing the key');

  // A new key: given the one in use as PERSONAL_DATA_PREVIOUS_KEY, the start seals every number anew.
  const previous = storage.databaseUrl ? 'a1'.repeat(32) : readFileSync(path.join(storage.dataDir, KEY_FILE), 'utf8').trim();
  const rotated = startServer(await storage.env({ PERSONAL_DATA_KEY: 'b2'.repeat(32), PERSONAL_DATA_PREVIOUS_KEY: previous }));
  t.teardown(() => stopServer(rotated, 'SIGKILL'));
  await waitForHealth(rotated);
  t.match(rotated.output(), /"resealed":1\b.*identity numbers sealed anew/, 'says how many numbers it sealed anew');
  t.notMatch(rotated.output(), /b2b2b2|a1a1a1/, 'without printing a key');
  t.equal(await stopServer(rotated), 0);
  const oldKey = startServer(await storage.env({ PERSONAL_DATA_KEY: previous }));
  t.teardown(() => stopServer(oldKey, 'SIGKILL'));
  t.equal(await oldKey.exited, 2, 'the old key is refused afterwards');
});
