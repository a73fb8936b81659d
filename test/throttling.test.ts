// Limits that cannot be walked around (docs/security.md, D1–D3, D7): one budget per client for
// everything that checks an access code, wrong codes counted per tracking number whatever the client,
// access codes kept under a server key, password spraying slowed per client, and client addresses
// taken only from the proxies the operator names.
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import t from 'tap';
import { loadConfig } from '../src/config/config.js';
import { cases } from '../src/db/schema.js';
import { getSetting } from '../src/db/settings.repository.js';
import { wrapBareAccessCodes } from '../src/requests/access-codes.js';
import { ADMIN, api, staffClient, testApp } from './helpers/test-app.js';
import { application } from './helpers/factories.js';

const from = (remoteAddress: string) => ({ remoteAddress });

t.test('an access code is checked from one budget per client, over every route that checks one (D1)', async (t) => {
  const { app } = await testApp(t, { config: { rateLimitPerMinute: 4 } });
  const filed = (await app.inject({ method: 'POST', url: '/api/requests', payload: application(), ...from('10.0.0.1') })).json();
  const cookie = (code: string) => ({ cookie: `ogi_receipt=${filed.trackingNumber}.${code}` });
  const statuses: number[] = [];
  const client = from('10.0.0.2');
  // The confirmation page's receipt cookie, the tracking API and page, letters: one bucket.
  statuses.push((await app.inject({ method: 'GET', url: '/apply/done', headers: cookie('AAAAAAAA'), ...client })).statusCode);
  statuses.push((await app.inject({ method: 'GET', url: `/api/requests/${filed.trackingNumber}?accessCode=BBBBBBBB`, ...client })).statusCode);
  statuses.push((await app.inject({ method: 'GET', url: `/track?trackingNumber=${filed.trackingNumber}&accessCode=CCCCCCCC`, ...client })).statusCode);
  statuses.push((await app.inject({ method: 'POST', url: `/api/requests/${filed.trackingNumber}/withdraw`, payload: { accessCode: 'DDDDDDDD' }, ...client })).statusCode);
  statuses.push((await app.inject({ method: 'GET', url: '/apply/done', headers: cookie('EEEEEEEE'), ...client })).statusCode);
  t.same(statuses, [404, 404, 404, 404, 429], 'the receipt cookie of /apply/done is limited like every other check (it was not)');
  const limited = await app.inject({ method: 'GET', url: `/api/requests/${filed.trackingNumber}?accessCode=${filed.accessCode}`, ...client });
  t.equal(limited.statusCode, 429);
  t.match(limited.json(), { error: 'rate_limited' });
  t.ok(Number(limited.headers['retry-after']) > 0, 'says when to come back');
  t.equal(
    (await app.inject({ method: 'GET', url: `/api/requests/${filed.trackingNumber}?accessCode=${filed.accessCode}`, ...from('10.0.0.3') })).statusCode,
    200,
    'another client is not slowed',
  );
});

t.test('wrong codes for one number, from any client, pause that number for everyone, at most 15 minutes (D1)', async (t) => {
  const { app, clock } = await testApp(t, { config: { rateLimitPerMinute: 1000 } });
  const filed = (await api(app).post('/api/requests', application())).json();
  const lookup = (code: string, client: string) => app.inject({ method: 'GET', url: `/api/requests/${filed.trackingNumber}?accessCode=${code}`, ...from(client) });
  // Ten wrong codes from ten clients, spread over the API and the withdrawal.
  for (let i = 0; i < 10; i += 1) {
    const res =
      i % 2
        ? await lookup(`WRONG${String(i).padStart(3, '0')}`.slice(0, 8), `10.1.0.${i}`)
        : await app.inject({ method: 'POST', url: `/api/requests/${filed.trackingNumber}/withdraw`, payload: { accessCode: `BADCODE${i}` }, ...from(`10.1.0.${i}`) });
    t.equal(res.statusCode, 404, `wrong code ${i + 1}: the same 404 as for an unknown number`);
  }
  t.equal((await lookup('ZZZZZZZZ', '10.1.1.1')).statusCode, 404, 'the eleventh wrong code is still a 404…');
  const paused = await lookup(filed.accessCode, '10.1.2.2');
  t.equal(paused.statusCode, 429, '…and then the number is paused, for the right code too');
  t.match(paused.json(), { error: 'requests.tracking_paused', message: /暂停查询至 \d\d:\d\d（北京时间）/ });
  t.ok(Number(paused.headers['retry-after']) <= 15 * 60, 'for at most 15 minutes');
  t.equal(
    (
      await app.inject({
        method: 'GET',
        url: `/track?trackingNumber=${filed.trackingNumber}&accessCode=${filed.accessCode}`,
        headers: { accept: 'text/html' },
        ...from('10.1.3.3'),
      })
    ).statusCode,
    429,
    'on the tracking page as well',
  );
  const other = (await api(app).post('/api/requests', application())).json();
  t.equal((await api(app).get(`/api/requests/${other.trackingNumber}?accessCode=${other.accessCode}`)).statusCode, 200, 'other numbers are not concerned');
  clock.set(new Date(clock.now().getTime() + 15 * 60_000 + 1000));
  t.equal((await lookup(filed.accessCode, '10.1.2.2')).statusCode, 200, 'the owner is back in once the window is over');

  // A number no case has is counted and paused the same way: the answers tell nothing.
  for (let i = 0; i < 11; i += 1) await app.inject({ method: 'GET', url: `/api/requests/FGJ-2026-99999?accessCode=X${i}`, ...from(`10.2.0.${i}`) });
  t.equal((await app.inject({ method: 'GET', url: '/api/requests/FGJ-2026-99999?accessCode=ABCDEFGH', ...from('10.2.1.1') })).statusCode, 429);
});

t.test('RATE_LIMIT_PER_MINUTE=0 turns every budget off (D1, D3)', async (t) => {
  const { app } = await testApp(t, { config: { rateLimitPerMinute: 0 } });
  const filed = (await api(app).post('/api/requests', application())).json();
  for (let i = 0; i < 15; i += 1) await api(app).get(`/api/requests/${filed.trackingNumber}?accessCode=WRONG${i}`);
  t.equal((await api(app).get(`/api/requests/${filed.trackingNumber}?accessCode=${filed.accessCode}`)).statusCode, 200, 'no pause');
  for (let i = 0; i < 25; i += 1) await api(app).post('/api/auth/login', { email: `nobody${i}@example.com`, password: 'guess-1234' });
  t.equal((await api(app).post('/api/auth/login', ADMIN)).statusCode, 200, 'no spraying pause');
});

t.test('access codes are kept under a server key; codes kept bare before still open their request (D7)', async (t) => {
  const { app, db, ctx } = await testApp(t);
  const filed = (await api(app).post('/api/requests', application())).json();
  const stored = async () => (await db.select({ h: cases.accessCodeHash }).from(cases).where(eq(cases.trackingNumber, filed.trackingNumber)))[0]!.h;
  const bare = createHash('sha256').update(filed.accessCode).digest('hex');
  t.match(await stored(), /^h1:[0-9a-f]{64}$/, 'an HMAC under the key, with its version');
  t.not((await stored()).slice(3), bare, 'not the bare hash, which trying every code would reverse');
  // As a database written before 2026-12-07 holds it:
  await db.update(cases).set({ accessCodeHash: bare }).where(eq(cases.trackingNumber, filed.trackingNumber));
  t.equal((await api(app).get(`/api/requests/${filed.trackingNumber}?accessCode=${filed.accessCode}`)).statusCode, 200, 'a code stored bare still works');
  t.equal(await wrapBareAccessCodes(ctx), 1, 'the job brings it under the key');
  t.match(await stored(), /^h1:/);
  t.equal((await api(app).get(`/api/requests/${filed.trackingNumber}?accessCode=${filed.accessCode}`)).statusCode, 200, 'and it still works');
  t.equal((await api(app).get(`/api/requests/${filed.trackingNumber}?accessCode=AAAAAAAA`)).statusCode, 404);
  t.equal(await wrapBareAccessCodes(ctx), 0, 'none left');
  t.match(await getSetting(db, 'access_code_key'), /^enc1:/, 'the key itself is stored sealed with the personal-data key');
});

t.test('password spraying: one client trying many addresses is slowed, others sign in as usual (D3)', async (t) => {
  const { app } = await testApp(t, { config: { rateLimitPerMinute: 1000 } });
  const sprayer = from('10.3.0.1');
  const statuses: number[] = [];
  for (let i = 0; i < 21; i += 1) {
    const body = { email: `clerk${i}@test.local`, password: 'Spring2026!' };
    statuses.push((await app.inject({ method: 'POST', url: '/api/auth/login', payload: body, ...sprayer })).statusCode);
  }
  t.same(statuses, Array(21).fill(401), "each address tried once: no address's own count is reached");
  const paused = await app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN, ...sprayer });
  t.equal(paused.statusCode, 429, 'the client is paused, even for the right password');
  t.match(paused.json(), { error: 'auth.client_paused' });
  t.ok(paused.headers['retry-after']);
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN, ...from('10.3.0.2') })).statusCode, 200, 'another client signs in');
  const clerk = await staffClient(app, 'clerk', 'fgj');
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: clerk.email, password: clerk.password }, ...from('10.3.0.3') })).statusCode, 200);
});

t.test('client addresses come from the proxies the operator names, never from any X-Forwarded-For entry (D2)', async (t) => {
  t.throws(() => loadConfig({ TRUST_PROXY: 'true' }), { message: /TRUST_PROXY=true: would trust every X-Forwarded-For entry/ }, '"trust every entry" is refused');
  t.throws(() => loadConfig({ TRUST_PROXY: '*' }), { message: /would trust every/ });
  t.throws(() => loadConfig({ TRUST_PROXY: 'proxy.local' }), { message: /TRUST_PROXY=proxy.local: expected a number of proxies/ });
  t.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1, '1 keeps meaning one hop');
  t.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
  t.same(loadConfig({ TRUST_PROXY: '10.0.0.5, 10.1.0.0/16, ::1' }).trustProxy, ['10.0.0.5', '10.1.0.0/16', '::1']);
  t.equal(loadConfig({}).trustProxy, false);

  // Behind one proxy: the client is the entry the proxy appended, whatever the client wrote before it.
  const { app } = await testApp(t, { config: { rateLimitPerMinute: 2, trustProxy: 1 } });
  const behind = (forged: string) =>
    app.inject({ method: 'GET', url: '/api/requests/FGJ-2026-00001?accessCode=AAAAAAAA', headers: { 'x-forwarded-for': `${forged}, 203.0.113.7` } });
  const statuses = [];
  for (let i = 0; i < 3; i += 1) statuses.push((await behind(`198.51.100.${i}`)).statusCode);
  t.same(statuses, [404, 404, 429], 'a forged first entry gains no fresh budget');
  const listed = await testApp(t, { config: { rateLimitPerMinute: 2, trustProxy: ['127.0.0.1'] } });
  const via = (forged: string) =>
    listed.app.inject({ method: 'GET', url: '/api/requests/FGJ-2026-00001?accessCode=AAAAAAAA', headers: { 'x-forwarded-for': `${forged}, 203.0.113.8` } });
  const more = [];
  for (let i = 0; i < 3; i += 1) more.push((await via(`198.51.100.${i}`)).statusCode);
  t.same(more, [404, 404, 429], 'the same with the proxy named by its address');
});
