// No input gives a 500 (docs/security.md, D6, D11, D15): the service's own 400, 413 and 414 answers,
// line breaks and lone surrogates where they do harm. The corpus sent to every route is in
// ill-formed-api.test.ts and ill-formed-pages.test.ts.
import net from 'node:net';
import t from 'tap';
import { ADMIN, testApp } from './helpers/test-app.js';
import { LONE } from './helpers/ill-formed.js';
import { application } from './helpers/factories.js';
import { signIn } from './helpers/web.js';

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
