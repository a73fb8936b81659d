// The corpus of ill-formed input (docs/security.md, D6, D11, D15): lone surrogates, NUL, numbers past
// what the database holds, impossible dates and cursors, line breaks where a header is made, arrays
// for strings, broken encodings, sent as JSON, as a form and in the URL. Every answer must be under
// 500, in the documented error shape, with the security headers. Split over two test files (the API,
// the pages) so that they run side by side.
import type { LightMyRequestResponse } from 'fastify';
import type { Test } from 'tap';
import { ADMIN, login, staffClient, testApp } from './test-app.js';
import { application } from './factories.js';
import { routesOf } from './routes.js';
import { signIn } from './web.js';

export const LONE = '\ud800';
const STRINGS = [`${LONE}x`, 'a\u0000b', 'x\r\nLocation: http://evil.example', '%E0%A4%A', '9'.repeat(40), '2026-13-45', '../../etc/passwd'];
// eslint-disable-next-line no-loss-of-precision -- numbers no field can hold, written as a client would send them
const NUMBERS = [1e400, -1, 2 ** 63, 99999999999999999999, 0.5, Number.NaN];

const PARAMS: Record<string, string[]> = {
  trackingNumber: ['FGJ-2026-00001', 'FGJ%ED%A0%80', '%ED%A0%80', '%', 'A'.repeat(300), '99999999999999999999'],
  id: ['1', '-1', '99999999999999999999999', '1e400', 'NaN', '%00', '%ED%A0%80'],
  fileId: ['6f1c2c1e-0000-4000-8000-000000000000', 'x', '%00', '%ED%A0%80'],
  page: ['1.png', '0', '99999999999999999999', 'x', '%00'],
  slug: ['fgj', '%ED%A0%80', 'x'.repeat(200)],
  year: ['2026', '99999999999', '-1', '1e3'],
  scope: ['district', '%ED%A0%80'],
  version: ['1', '99999999999999', '-5'],
  name: ['site.css', '..%2F..%2Fpackage.json', '%ED%A0%80'],
  code: ['ABCD-EFGH-JKMN', '%ED%A0%80', 'x'.repeat(300), '%00'],
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

const PDF_QUERIES = ['', '?trackingNumber=%ED%A0%80&accessCode=%ED%A0%80', '?accessCode=%00', '?variant=%ED%A0%80'];

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

/**
 * Sends the corpus to every route `which` selects (the JSON API, or the pages and everything else),
 * anonymously, as an administrator and as an office head (signed in on the pages).
 */
export async function sendCorpus(t: Test, which: (path: string) => boolean): Promise<number> {
  const { app } = await testApp(t);
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const head = await staffClient(app, 'supervisor', 'fgj');
  const web = await signIn(app, head.email, head.password);
  await web.get('/staff');
  // Signing out would end the sessions the rest of the corpus is sent with.
  const routes = routesOf(app).filter((r) => which(r.path) && !r.path.endsWith('/logout'));
  let sent = 0;
  for (const { method, path } of routes) {
    for (const url of urlsOf(path)) {
      for (const token of [undefined, admin, head.token()]) {
        const headers = token ? { authorization: `Bearer ${token}` } : {};
        if (method === 'GET') {
          // A document (…pdf) reads no query but these: the rest would only lay the same PDF out again.
          for (const q of path.endsWith('.pdf') ? PDF_QUERIES : ['', ...QUERIES]) {
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
  return sent;
}
