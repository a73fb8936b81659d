// No input gives a 500 (docs/security.md, D6, D11, D15): a corpus of ill-formed input — lone
// surrogates, NUL, numbers past what the database holds, impossible dates and cursors, line breaks
// where a header is made, arrays for strings, broken encodings — sent to every public and staff
// route, as JSON, as a form and in the URL. Every answer is under 500, in the documented error
// shape, with the security headers; the service's own 400/413/414 answers too.
import net from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import t, { type Test } from 'tap';
import { ADMIN, login, staffClient, testApp } from './helpers/test-app.js';
import { application } from './helpers/factories.js';
import { signIn } from './helpers/web.js';

const LONE = '\ud800';
const STRINGS = [`${LONE}x`, 'a\u0000b', 'x\r\nLocation: http://evil.example', '%E0%A4%A', '9'.repeat(40), '2026-13-45', '../../etc/passwd'];
// eslint-disable-next-line no-loss-of-precision -- numbers no field can hold, written as a client would send them
const NUMBERS = [1e400, -1, 2 ** 63, 99999999999999999999, 0.5, Number.NaN];

/** The routes the app serves, from its route tree: method and path with parameters. */
function routesOf(tree: string): { method: string; path: string }[] {
  const stack: string[] = [];
  const out: { method: string; path: string }[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+) \(([^)]+)\)/.exec(line);
    if (!m) continue;
    stack.length = m[1]!.length / 4;
    const full = `${stack.at(-1) ?? ''}${m[2]}`.replace(/\/\//g, '/');
    stack.push(full);
    for (const method of m[3]!.split(', ')) if (method !== 'HEAD') out.push({ method, path: full.startsWith('/') ? full : `/${full}` });
  }
  return out;
}

const PARAMS: Record<string, string[]> = {
  trackingNumber: ['FGJ-2026-00001', 'FGJ%ED%A0%80', '%ED%A0%80', '%', 'A'.repeat(300), '99999999999999999999'],
  id: ['1', '-1', '99999999999999999999999', '1e400', 'NaN', '%00', '%ED%A0%80'],
  slug: ['fgj', '%ED%A0%80', 'x'.repeat(200)],
  year: ['2026', '99999999999', '-1', '1e3'],
  scope: ['district', '%ED%A0%80'],
  version: ['1', '99999999999999', '-5'],
  name: ['site.css', '..%2F..%2Fpackage.json', '%ED%A0%80'],
};

/** Every way of filling a path's parameters from PARAMS (the first value of each, then each value in turn). */
function urlsOf(path: string): string[] {
  const names = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  if (!names.length) return [path];
  const fill = (choose: (name: string) => string) => path.replace(/:(\w+)/g, (_, n: string) => choose(n));
  const urls = new Set([fill((n) => PARAMS[n]![0]!)]);
  for (const name of names) for (const v of PARAMS[name]!) urls.add(fill((n) => (n === name ? v : PARAMS[n]![0]!)));
  return [...urls];
}

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** One ill-formed parameter per query, so that each is the one a route trips on. */
const QUERIES = [
  `?after=${cursor(['2026-13-45', 1])}`,
  `?after=${cursor([null, 2 ** 63])}`,
  `?after=${cursor(['2026-01-01', 1e20])}`,
  `?after=${cursor([null, -1])}`,
  '?after=%ED%A0%80',
  '?assignee=99999999999',
  '?assignee=-1',
  '?limit=1e9',
  '?receivedFrom=2026-02-30',
  '?receivedTo=9999-99-99',
  '?q=%ED%A0%80',
  '?year=1e400',
  '?year=99999',
  '?agency=%ED%A0%80',
  '?trackingNumber=%ED%A0%80&accessCode=%ED%A0%80',
  '?from=9999-12-31&workingDays=1999',
  '?workingDays=99999999999999&from=2026-01-01',
  '?next=%2Fstaff%0D%0ALocation:%20http://evil.example',
  '?state=a,b,c',
  '?status=%00',
  '?from=2026-01-01&to=2026-02-30',
  '?version=99999999999999999',
  '?channel=%ED%A0%80',
  '?overdue=%0A',
];

/** JSON bodies: every field a route reads, filled with what breaks things. */
function bodies(): unknown[] {
  const all: unknown[] = [];
  const keys = [
    'type',
    'agency',
    'text',
    'accessCode',
    'email',
    'password',
    'name',
    'description',
    'reason',
    'disposition',
    'receivedOn',
    'dueOn',
    'filedOn',
    'decidedOn',
    'workingDays',
    'quantity',
    'assignee',
    'items',
    'expectedVersion',
    'year',
    'holidays',
    'workdays',
    'role',
    'kind',
    'outcome',
    'next',
    'currentPassword',
    'newPassword',
    'title',
    'question',
    'answer',
    'channel',
    'earlierCase',
  ];
  for (const s of STRINGS) all.push(Object.fromEntries(keys.map((k) => [k, s])));
  for (const n of NUMBERS) all.push(Object.fromEntries(keys.map((k) => [k, n])));
  all.push(Object.fromEntries(keys.map((k) => [k, [LONE, { deep: [[[LONE]]] }]])));
  all.push({ ...application(), applicant: { ...application().applicant, name: `张${LONE}`, email: `a${LONE}@example.com` } });
  for (const type of ['ANSWER', 'EXTEND', 'DEFER_ANSWER', 'REQUEST_CORRECTION', 'ISSUE_FEE_NOTICE', 'ASSIGN', 'REOPEN', 'TRANSFER']) {
    all.push({
      type,
      disposition: 'disclosed',
      text: `答复${LONE}内容很长很长`,
      workingDays: 2 ** 40,
      dueOn: '2999-12-31',
      receivedOn: '1900-01-01',
      quantity: 2 ** 53,
      items: [LONE],
      assignee: 2 ** 40,
      agency: LONE,
      expectedVersion: 2 ** 40,
      reason: LONE,
    });
  }
  return all;
}

const FORMS = [
  'text=%ED%A0%80&accessCode=%ED%A0%80&trackingNumber=%ED%A0%80',
  'a[b][c][d][e][f][g]=1&x=%',
  `email=a%40b&password=x&next=${encodeURIComponent('/staff\r\nSet-Cookie: a=b')}`,
  '%ED%A0%80=1',
];

function assertAnswer(t: Test, res: LightMyRequestResponse, what: string) {
  if (res.statusCode >= 500) t.fail(`${what}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  if (res.statusCode >= 400 && /json/.test(String(res.headers['content-type']))) {
    const body = res.json();
    if (typeof body.error !== 'string' || typeof body.message !== 'string') t.fail(`${what}: ${res.statusCode} not in the error shape: ${res.body.slice(0, 200)}`);
  }
  if (!res.headers['x-content-type-options'] || !res.headers['content-security-policy']) t.fail(`${what}: ${res.statusCode} without the security headers`);
}

t.test('a corpus of ill-formed input, to every route, gives no 500', async (t) => {
  const { app } = await testApp(t);
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const head = await staffClient(app, 'supervisor', 'fgj');
  const web = await signIn(app, head.email, head.password);
  await web.get('/staff');
  // Signing out would end the sessions the rest of the corpus is sent with.
  const routes = routesOf(app.printRoutes({ commonPrefix: false })).filter((r) => !r.path.endsWith('/logout'));
  t.ok(routes.length > 80, `${routes.length} routes`);
  let sent = 0;
  for (const { method, path } of routes) {
    for (const url of urlsOf(path)) {
      for (const token of [undefined, admin, head.token()]) {
        const headers = token ? { authorization: `Bearer ${token}` } : {};
        if (method === 'GET') {
          for (const q of ['', ...QUERIES]) {
            // A page as the signed-in office head reads it; the API with the token.
            const res =
              token === head.token() && !path.startsWith('/api/')
                ? await web.get(`${url}${q}`)
                : await app.inject({ method, url: `${url}${q}`, headers: { ...headers, accept: 'text/html' } });
            assertAnswer(t, res, `GET ${url}${q}`);
            sent += 1;
          }
          continue;
        }
        for (const body of bodies()) {
          assertAnswer(t, await app.inject({ method: method as 'POST', url, payload: body as object, headers }), `${method} ${url} JSON`);
          sent += 1;
        }
        for (const form of FORMS) {
          assertAnswer(
            t,
            await app.inject({ method: method as 'POST', url, payload: form, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' } }),
            `${method} ${url} form ${form}`,
          );
          sent += 1;
        }
      }
      // Pages as a signed-in office head would post them, with the CSRF token.
      if (method === 'POST' && !path.startsWith('/api/')) {
        for (const form of [
          { text: LONE, reason: LONE, type: 'ANSWER', disposition: 'disclosed', expectedVersion: '99999999999999', assignee: '99999999999', next: '/staff\r\nX: y' },
          { email: `x${LONE}@y.cn`, password: LONE },
        ]) {
          assertAnswer(t, await web.post(url, form), `page POST ${url}`);
          sent += 1;
        }
      }
    }
  }
  t.ok(sent > 2000, `${sent} requests sent`);
});

t.test("a line break in the sign-in page's `next` is refused cleanly", async (t) => {
  const { app } = await testApp(t);
  const web = await signIn(app, ADMIN.email, ADMIN.password);
  const page = await web.get('/staff/login?next=%2Fstaff%2Fcases%0D%0ALocation:%20http://evil.example');
  t.equal(page.statusCode, 200);
  t.notMatch(page.body, /evil\.example/, 'not carried into the form');
  const fresh = await import('./helpers/web.js').then((m) => m.webClient(app));
  await fresh.get('/staff/login');
  const res = await fresh.post('/staff/login', { email: ADMIN.email, password: ADMIN.password, next: '/staff/cases\r\nSet-Cookie: stolen=1' });
  t.equal(res.statusCode, 303);
  t.equal(res.headers.location, '/staff', 'to the desk, not a header split');
});

t.test('lone surrogates are a 400 validation.failed naming the field', async (t) => {
  const { app } = await testApp(t);
  const res = await app.inject({
    method: 'POST',
    url: '/api/requests',
    payload: JSON.stringify({ ...application(), description: `请公开${LONE}文件全文和附件` }).replace('\\\\ud800', '\\ud800'),
    headers: { 'content-type': 'application/json' },
  });
  t.equal(res.statusCode, 400);
  t.match(res.json(), { error: 'validation.failed', fields: { description: /无效字符|不完整的字符/ } });
});

t.test("the service's own 400, 413 and 414 answers have the documented shape and the security headers", async (t) => {
  const { app } = await testApp(t);
  const broken = await app.inject({ method: 'POST', url: '/api/requests', payload: '{"agency":', headers: { 'content-type': 'application/json' } });
  t.equal(broken.statusCode, 400);
  t.match(broken.json(), { error: 'request.malformed_json', message: /JSON/ });
  t.ok(broken.headers['content-security-policy']);
  const large = await app.inject({
    method: 'POST',
    url: '/api/requests',
    payload: JSON.stringify({ description: 'x'.repeat(2 * 1024 * 1024) }),
    headers: { 'content-type': 'application/json' },
  });
  t.equal(large.statusCode, 413);
  t.match(large.json(), { error: 'request.too_large' });
  t.ok(large.headers['x-content-type-options']);
  const badUrl = await app.inject({ method: 'GET', url: '/guide/%E0%A4%A' });
  t.ok(badUrl.statusCode === 400 || badUrl.statusCode === 404, `a broken escape in the path: ${badUrl.statusCode}`);
  t.match(badUrl.json(), { error: /./, message: /./ });
  t.ok(badUrl.headers['content-security-policy']);

  // A request line past what the server reads (Node answers these before any route): over a socket.
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as net.AddressInfo;
  const raw = await new Promise<string>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(`GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`));
    let data = '';
    socket.on('data', (d) => (data += d));
    socket.on('close', () => resolve(data));
  });
  const [statusLine] = raw.split('\r\n');
  t.match(statusLine, /^HTTP\/1\.1 (414|431|400) /, `an over-long request line: ${statusLine}`);
  t.match(raw, /content-security-policy:/i, 'with the security headers');
  t.match(raw, /"error":"request\.(too_long|malformed)"/, 'in the documented error shape');
});

t.test('the idle keep-alive timeout is what src/app.ts says (D9)', async (t) => {
  const { app } = await testApp(t);
  t.equal(app.server.keepAliveTimeout, 5_000, 'an idle connection is closed after 5 s, not 72');
  t.equal(app.server.headersTimeout, 20_000);
});
