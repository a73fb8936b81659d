// Identity numbers at rest (个人信息保护法 art. 28, 51): what the database holds is sealed, the same
// applicant is still recognised, and an instance with another key, or none, refuses to start rather
// than mix keys.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { buildApp } from '../src/app.js';
import { manualClock } from '../src/calendar/clock.js';
import type { Config } from '../src/config/config.js';
import { KEY_FILE } from '../src/config/personal-data-key.js';
import { keyCheckOf, sealIdNumber } from '../src/requests/personal-data.js';
import { holdPersonalDataKey } from '../src/requests/personal-data.service.js';
import { rowsOf } from '../src/db/client.js';
import { ADMIN, api, DEFAULT_NOW, logCapture, login, staffClient, testConfig } from './helpers/test-app.js';
import { TEST_DATABASE_URL } from './helpers/test-databases.js';
import { application, VALID_RESIDENT_ID } from './helpers/factories.js';
import { serverStorage } from './helpers/process.js';
import { pageText, signIn, webClient } from './helpers/web.js';

const PASSPORT = 'E12345678';
const plainHash = (idType: string, idNumber: string) => createHash('sha256').update(`${idType}:${idNumber}`).digest('hex');

const start = (config: Config) => buildApp({ config, clock: manualClock(DEFAULT_NOW) });

async function submit(t: Test, app: FastifyInstance, applicant: Record<string, unknown> = {}): Promise<string> {
  const res = await api(app).post('/api/requests', application({ applicant }));
  t.equal(res.statusCode, 201, 'submitted');
  return res.json().trackingNumber as string;
}

/** What the database itself holds: the applicant column as text, and the applicant key. */
async function stored(app: FastifyInstance): Promise<Map<string, { applicant: string; key: string }>> {
  const rows = rowsOf<{ tn: string; applicant: string; key: string }>(
    await app.ogi.ctx.db.execute(sql`select tracking_number as tn, applicant::text as applicant, applicant_key as key from cases`),
  );
  return new Map(rows.map((r) => [r.tn, { applicant: r.applicant, key: r.key }]));
}

/** What the database holds, read by an instance started with `config` and closed again. */
async function storedWith(config: Config): Promise<Map<string, { applicant: string; key: string }>> {
  const app = await start(config);
  try {
    return await stored(app);
  } finally {
    await app.close();
  }
}

async function maskedNumber(app: FastifyInstance, tn: string): Promise<string> {
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const res = await clerk.get(`/api/cases/${tn}`);
  return res.json().applicant.idNumber as string;
}

t.test('identity numbers are stored sealed, the same applicant is still recognised, and only the key opens them', async (t) => {
  const storage = await serverStorage(t, 'keys');
  const keyA = randomBytes(32);
  const config = testConfig({ databaseUrl: storage.databaseUrl, inMemoryDatabase: false, dataDir: storage.dataDir, personalDataKey: keyA });

  let app = await start(config);
  const first = await submit(t, app);
  const again = await submit(t, app);
  const other = await submit(t, app, { name: '李四', idType: 'passport', idNumber: PASSPORT });
  let rows = await stored(app);
  for (const [tn, row] of rows) {
    t.notMatch(row.applicant, VALID_RESIDENT_ID, `${tn}: the number is not in the database`);
    t.notMatch(row.applicant, PASSPORT, `${tn}: nor the passport number`);
    const own = tn === other ? plainHash('passport', PASSPORT) : plainHash('resident_id', VALID_RESIDENT_ID);
    t.not(row.key, own, `${tn}: the applicant key is not a plain hash of its number`);
  }
  t.equal(rows.get(first)!.key, rows.get(again)!.key, 'the same applicant has the same key');
  t.not(rows.get(first)!.key, rows.get(other)!.key, 'another applicant another');
  t.equal(await maskedNumber(app, first), '1101**********002X', 'staff see the number masked');

  // A row as a version before the key wrote it: the number and a plain hash, and no key check.
  await app.ogi.ctx.db.execute(sql`
    update cases set applicant = jsonb_set(applicant, '{idNumber}', to_jsonb(${VALID_RESIDENT_ID}::text)),
      applicant_key = ${plainHash('resident_id', VALID_RESIDENT_ID)} where tracking_number = ${first}`);
  await app.ogi.ctx.db.execute(sql`delete from settings`);
  await app.close();

  app = await start(config);
  rows = await stored(app);
  t.notMatch(rows.get(first)!.applicant, VALID_RESIDENT_ID, 'the first start with the key seals the numbers stored before');
  t.equal(rows.get(first)!.key, rows.get(again)!.key, 'and derives their applicant keys anew');
  t.equal(await maskedNumber(app, first), '1101**********002X');
  await app.close();

  await t.rejects(
    start({ ...config, personalDataKey: randomBytes(32) }),
    { message: /PERSONAL_DATA_KEY: not the key the identity numbers in this database are sealed with/ },
    'another key is refused',
  );
  if (storage.databaseUrl) {
    await t.rejects(
      start({ ...config, personalDataKey: null }),
      { message: /PERSONAL_DATA_KEY: not set, but the identity numbers in this database are sealed/ },
      'no key is refused',
    );
  } else {
    // The embedded database without PERSONAL_DATA_KEY makes a key file of its own: not this one.
    await t.rejects(start({ ...config, personalDataKey: null }), { message: new RegExp(`${KEY_FILE}: not the key`) }, 'a new key file is refused');
  }
  app = await start(config);
  t.equal(await maskedNumber(app, again), '1101**********002X', 'the right key still opens them');
  // A number written unsealed while this instance runs (as an instance without the key would): the
  // background job seals it and gives it this key's applicant key.
  await app.ogi.ctx.db.execute(sql`
    update cases set applicant = jsonb_set(applicant, '{idNumber}', to_jsonb(${VALID_RESIDENT_ID}::text)),
      applicant_key = ${plainHash('resident_id', VALID_RESIDENT_ID)} where tracking_number = ${again}`);
  // Transferred to another agency before the job runs: the new case is sealed, and keyed, under the key.
  const head = await staffClient(app, 'supervisor', 'fgj');
  const transfer = await head.post(`/api/cases/${again}/events`, { type: 'TRANSFER', agency: 'czj' });
  t.equal(transfer.statusCode, 200, 'transferred');
  const transferred = (await stored(app)).get(transfer.json().events.at(-1).payload.to as string)!;
  t.notMatch(transferred.applicant, VALID_RESIDENT_ID, 'the transferred case holds the number sealed');
  t.equal(transferred.key, rows.get(first)!.key, "and is the same applicant's");
  t.equal(await app.ogi.personalData.runOnce(), 1, 'the background job seals it');
  rows = await stored(app);
  t.notMatch(rows.get(again)!.applicant, VALID_RESIDENT_ID, 'the number is no longer in the database');
  t.equal(rows.get(again)!.key, rows.get(first)!.key, 'and the applicant is recognised again');
  t.equal(await app.ogi.personalData.runOnce(), 0, 'nothing is left to seal');
  await app.close();
});

t.test('a new key: a start given the previous one seals every number anew, in one transaction', async (t) => {
  const storage = await serverStorage(t, 'rotate');
  const [keyA, keyB, keyC] = [randomBytes(32), randomBytes(32), randomBytes(32)];
  const config = testConfig({ databaseUrl: storage.databaseUrl, inMemoryDatabase: false, dataDir: storage.dataDir, personalDataKey: keyA });
  const hmac = (key: Buffer, idType: string, idNumber: string) => createHmac('sha256', key).update(`${idType}:${idNumber}`).digest('hex');

  let app = await start(config);
  const first = await submit(t, app);
  const again = await submit(t, app);
  const other = await submit(t, app, { name: '李四', idType: 'passport', idNumber: PASSPORT });
  // One number unsealed, as an instance without the key would have left it.
  await app.ogi.ctx.db.execute(sql`
    update cases set applicant = jsonb_set(applicant, '{idNumber}', to_jsonb(${PASSPORT}::text)), applicant_key = ${plainHash('passport', PASSPORT)}
    where tracking_number = ${other}`);
  const before = await stored(app);
  await app.close();

  await t.rejects(start({ ...config, personalDataKey: keyB }), { message: /PERSONAL_DATA_KEY: not the key/ }, 'a new key alone is refused');
  await t.rejects(
    start({ ...config, personalDataKey: keyB, personalDataPreviousKey: keyC }),
    { message: /not the key the identity numbers in this database are sealed with, nor is PERSONAL_DATA_PREVIOUS_KEY/ },
    'so is a wrong previous key',
  );
  t.same(await storedWith({ ...config, personalDataKey: keyA }), before, 'neither changed anything');

  app = await start({ ...config, personalDataKey: keyB, personalDataPreviousKey: keyA });
  let rows = await stored(app);
  for (const tn of [first, again, other]) {
    t.notMatch(rows.get(tn)!.applicant, VALID_RESIDENT_ID, `${tn}: no number in the database`);
    t.notMatch(rows.get(tn)!.applicant, PASSPORT);
    t.not(rows.get(tn)!.applicant, before.get(tn)!.applicant, `${tn}: sealed anew`);
  }
  t.equal(rows.get(first)!.key, hmac(keyB, 'resident_id', VALID_RESIDENT_ID), 'applicant keys under the new key');
  t.equal(rows.get(again)!.key, rows.get(first)!.key, 'the same applicant is still recognised');
  t.equal(rows.get(other)!.key, hmac(keyB, 'passport', PASSPORT), 'the unsealed number is sealed too');
  t.equal(await maskedNumber(app, first), '1101**********002X', 'the new key opens them');
  const after = await submit(t, app);
  t.equal((await stored(app)).get(after)!.key, rows.get(first)!.key, "a request filed afterwards is the same applicant's (fees, repeats)");
  await app.close();

  await t.rejects(start({ ...config, personalDataKey: keyA }), { message: /PERSONAL_DATA_KEY: not the key/ }, 'the old key no longer opens the database');
  app = await start({ ...config, personalDataKey: keyB });
  t.equal(await maskedNumber(app, again), '1101**********002X', 'the new key alone does');

  // A number the previous key does not open: the rotation stops and leaves every number as it was.
  await app.ogi.ctx.db.execute(sql`update cases set applicant = jsonb_set(applicant, '{idNumber}', to_jsonb('enc1:AAAA'::text)) where tracking_number = ${after}`);
  // Staff can still work such a case; revealing its number says why it cannot, and is not recorded.
  t.equal(await maskedNumber(app, after), '（无法解密，请联系管理员）', 'the case shows that its number cannot be opened');
  const admin = await signIn(app, ADMIN.email, ADMIN.password);
  t.match(pageText((await admin.get(`/staff/cases/${after}`)).body), /无法解密，请联系管理员/, 'on the case page too');
  const reveal = await admin.post(`/staff/cases/${after}/reveal`, {});
  t.equal(reveal.statusCode, 500);
  t.match(pageText(reveal.body), /证件号码无法解密：本服务实例的证件号码密钥（PERSONAL_DATA_KEY）与数据库不符/, 'revealing it says why');
  const reveals = rowsOf<{ n: number }>(
    await app.ogi.ctx.db.execute(sql`select count(*)::int as n from case_events e join cases c on c.id = e.case_id where c.tracking_number = ${after} and e.type = 'ID_REVEALED'`),
  );
  t.equal(reveals[0]!.n, 0, 'a reveal that showed nothing is not recorded');
  rows = await stored(app);
  await app.close();
  await t.rejects(start({ ...config, personalDataKey: keyC, personalDataPreviousKey: keyB }), {
    message: new RegExp(`PERSONAL_DATA_PREVIOUS_KEY: the identity number of ${after} opens neither with it nor with the current key; nothing was changed`),
  });
  t.same(await storedWith({ ...config, personalDataKey: keyB }), rows, 'every number still under the previous key');
});

t.test('an instance still running with the old key takes no more applications once the key is changed', async (t) => {
  const storage = await serverStorage(t, 'retired');
  const [keyA, keyB] = [randomBytes(32), randomBytes(32)];
  const config = testConfig({ databaseUrl: storage.databaseUrl, inMemoryDatabase: false, dataDir: storage.dataDir, personalDataKey: keyA });
  const old = await start(config);
  const first = await submit(t, old);
  const clerk = await staffClient(old, 'clerk', 'fgj');
  const head = await staffClient(old, 'supervisor', 'fgj');
  t.equal((await old.inject('/ready')).statusCode, 200);

  // The change of key, while `old` runs: on PostgreSQL a second instance starts with the new key; the
  // embedded database has one process, so there the change's outcome is written as it would leave it.
  let rotated: FastifyInstance | null = null;
  if (storage.databaseUrl) {
    // A sealing transaction of the old instance under way (as a filing is): the change of key waits
    // for it, so nothing it seals is left behind under the old key.
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const sealing = old.ogi.ctx.db.transaction(async (tx) => {
      const current = await holdPersonalDataKey(tx, old.ogi.ctx);
      held();
      await finished;
      return current;
    });
    await holding;
    const rotation = start({ ...config, personalDataKey: keyB, personalDataPreviousKey: keyA });
    let decided = false;
    const waiting = async () => {
      while (!decided) {
        const [row] = rowsOf<{ n: number }>(await old.ogi.ctx.db.execute(sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`));
        if (row!.n > 0) return 'waits' as const;
        await new Promise((r) => setImmediate(r));
      }
      return 'done' as const;
    };
    const outcome = await Promise.race([rotation.then(() => 'done' as const), waiting()]);
    decided = true;
    t.equal(outcome, 'waits', 'the change of key waits for the sealing under way');
    finish();
    t.equal(await sealing, true, 'which went ahead under the key it had');
    rotated = await rotation;
  } else {
    await old.ogi.ctx.db.execute(sql`update settings set value = ${keyCheckOf(keyB)} where name = 'personal_data_key_check'`);
  }
  // Its very next application is refused, before its timers run: nothing is sealed with the old key.
  const registered = await clerk.post('/api/cases', { ...application(), channel: 'in_person', receivedOn: '2026-03-02' });
  t.equal(registered.statusCode, 503, "a clerk's registration is refused");
  t.match(registered.json(), { error: 'service.key_retired', message: /暂时不能受理申请/ });
  const refused = await api(old).post('/api/requests', application());
  t.equal(refused.statusCode, 503, 'so is an online application');
  const citizen = webClient(old);
  const form = await citizen.get('/apply/fgj');
  const formToken = /name="formToken" value="([^"]+)"/.exec(form.body)![1]!;
  const page = await citizen.postMultipart('/apply', { ...application({ agency: 'fgj' }), formToken }, []);
  t.equal(page.statusCode, 503, 'and the application form');
  t.match(pageText(page.body), /本服务实例暂时不能受理申请，请稍后重试/, 'which says why');
  t.match(page.body, /value="张三"/, 'and keeps what was typed');
  // A number stored unsealed meanwhile (by an instance without the key): transferring its case would
  // seal it for the receiving agency with the old key, so the transfer is refused and nothing changes.
  await old.ogi.ctx.db.execute(sql`update cases set applicant = jsonb_set(applicant, '{idNumber}', to_jsonb(${VALID_RESIDENT_ID}::text)) where tracking_number = ${first}`);
  const transfer = await head.post(`/api/cases/${first}/events`, { type: 'TRANSFER', agency: 'czj' });
  t.equal(transfer.statusCode, 503, 'a transfer that would seal the number is refused');
  t.match(transfer.json(), { error: 'service.key_retired' });
  t.equal((await clerk.get(`/api/cases/${first}`)).json().state, 'received', 'the case stays where it was');
  t.same((await old.inject('/ready')).json(), { status: 'key_retired' }, 'it tells the load balancer it is not ready');
  t.equal((await old.inject('/ready')).statusCode, 503);
  t.equal((await old.inject('/health')).statusCode, 200, 'and stays alive for the work in hand');
  t.equal(await old.ogi.personalData.runOnce(), 0, 'its job seals nothing with the old key');
  t.equal((await stored(old)).size, 1, 'no case was stored');
  await old.close();
  await rotated?.close();

  // A number sealed with the old key all the same (a row restored from a backup made before): a
  // start with both keys seals it anew, even though the database is sealed with the new key already.
  const app = await start({ ...config, personalDataKey: keyB, personalDataPreviousKey: keyA });
  const tn = await submit(t, app);
  await app.ogi.ctx.db.execute(
    sql`update cases set applicant = jsonb_set(applicant, '{idNumber}', to_jsonb(${sealIdNumber(keyA, VALID_RESIDENT_ID)}::text)) where tracking_number = ${tn}`,
  );
  t.equal(await maskedNumber(app, tn), '（无法解密，请联系管理员）', 'the new key alone cannot open it');
  await app.close();
  const again = await start({ ...config, personalDataKey: keyB, personalDataPreviousKey: keyA });
  t.equal(await maskedNumber(again, tn), '1101**********002X', 'sealed anew, it opens with the new key');
  t.equal(await maskedNumber(again, first), '1101**********002X');
  t.equal((await again.inject('/ready')).statusCode, 200);
  t.equal((await api(again).post('/api/requests', application())).statusCode, 201, 'and applications are taken');
  await again.close();
});

t.test('the embedded database keeps its key in DATA_DIR', async (t) => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ogi-keyfile-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = testConfig({ inMemoryDatabase: false, dataDir });
  const file = path.join(dataDir, KEY_FILE);

  let app = await start(config);
  t.match(readFileSync(file, 'utf8'), /^[0-9a-f]{64}\n$/, 'made on first start');
  t.equal(statSync(file).mode & 0o777, 0o600, 'readable by this user only');
  const tn = await submit(t, app);
  t.notMatch((await stored(app)).get(tn)!.applicant, VALID_RESIDENT_ID, 'and used');
  await app.close();

  app = await start(config);
  t.equal(await maskedNumber(app, tn), '1101**********002X', 'the next start reads it');
  await app.close();

  const original = readFileSync(file);
  writeFileSync(file, 'not a key\n');
  await t.rejects(start(config), { message: /not a key \(64 hexadecimal digits\)/ }, 'a damaged key file is refused');
  writeFileSync(file, `${randomBytes(32).toString('hex')}\n`);
  await t.rejects(start(config), { message: new RegExp(`${KEY_FILE}: not the key`) }, 'so is another key');
  writeFileSync(file, original);
  app = await start(config);
  t.equal(await maskedNumber(app, tn), '1101**********002X', 'the restored file works');
  const sealedBefore = (await stored(app)).get(tn)!.applicant;
  await app.close();

  // A new key (README, "Identity numbers at rest"): the old file moved away, and its key given as the
  // previous one; the start makes a new file and seals every number anew with it.
  const previous = Buffer.from(original.toString('utf8').trim(), 'hex');
  await t.rejects(
    start({ ...config, personalDataPreviousKey: previous }),
    { message: new RegExp(`PERSONAL_DATA_PREVIOUS_KEY: the same key as .*${KEY_FILE}; to change keys, move that file away first`) },
    'the file left in place: refused, not a rotation that changes nothing',
  );
  rmSync(file);
  app = await start({ ...config, personalDataPreviousKey: previous });
  t.not(readFileSync(file, 'utf8'), original.toString('utf8'), 'a new key file');
  t.not((await stored(app)).get(tn)!.applicant, sealedBefore, 'the number sealed anew');
  await app.close();
  app = await start(config);
  t.equal(await maskedNumber(app, tn), '1101**********002X', 'the new key file alone opens it');
  await app.close();
  writeFileSync(file, original);
  await t.rejects(start(config), { message: new RegExp(`${KEY_FILE}: not the key`) }, 'the old one no longer does');
});

t.test('PostgreSQL without PERSONAL_DATA_KEY stores the numbers unsealed and says so at start', { skip: TEST_DATABASE_URL ? false : 'PostgreSQL only' }, async (t) => {
  const storage = await serverStorage(t, 'nokey');
  const { lines, stream: logStream } = logCapture();
  const config = testConfig({ databaseUrl: storage.databaseUrl, inMemoryDatabase: false, dataDir: storage.dataDir, logLevel: 'warn' });
  let app = await buildApp({ config, clock: manualClock(DEFAULT_NOW), logStream });
  t.match(lines.join(''), /PERSONAL_DATA_KEY is not set: identity numbers are stored in PostgreSQL unencrypted/);
  const tn = await submit(t, app);
  t.match((await stored(app)).get(tn)!.applicant, VALID_RESIDENT_ID, 'unsealed');
  const adminSees = async () => {
    const status = (await api(app, await login(app, ADMIN.email, ADMIN.password)).get('/api/admin/status')).json();
    const page = pageText((await (await signIn(app, ADMIN.email, ADMIN.password)).get('/admin')).body);
    return { sealed: status.idNumbersSealed as boolean, warned: /证件号码没有加密保存/.test(page) };
  };
  t.same(await adminSees(), { sealed: false, warned: true }, 'administrators are told, in the status and on their page');

  // Another instance starts with a key while this one, without it, is still running (a deploy done
  // without stopping every instance first): what this one stores is sealed by the other's job.
  const keyed = await start({ ...config, personalDataKey: randomBytes(32) });
  t.notMatch((await stored(keyed)).get(tn)!.applicant, VALID_RESIDENT_ID, 'sealed once a key is set');
  t.equal(await maskedNumber(keyed, tn), '1101**********002X');
  const late = await submit(t, app);
  t.match((await stored(keyed)).get(late)!.applicant, VALID_RESIDENT_ID, 'the instance without the key still stores it unsealed');
  t.equal(await keyed.ogi.personalData.runOnce(), 1, 'the keyed instance seals it in the background');
  const rows = await stored(keyed);
  t.notMatch(rows.get(late)!.applicant, VALID_RESIDENT_ID);
  t.equal(rows.get(late)!.key, rows.get(tn)!.key, 'with its applicant key under the key');
  await app.close();
  app = keyed;
  t.same(await adminSees(), { sealed: true, warned: false }, 'and no longer warned');
  await app.close();
});
