// Files private by default (D14), addresses that are addresses (D10), names that cannot mislead (D12).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { manualClock } from '../src/calendar/clock.js';
import { isEmailAddress } from '../src/common/email.js';
import { api, DEFAULT_NOW, logCapture, staffClient, testApp, testConfig } from './helpers/test-app.js';
import { smtpPeer } from './helpers/smtp.js';
import { application, multipartBody, PDF } from './helpers/factories.js';

const mode = (p: string) => statSync(p).mode & 0o777;

t.test('DATA_DIR, the embedded database, key files and mail files are created owner-only, whatever the umask (D14)', async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ogi-private-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dataDir = path.join(root, 'data');
  const previous = process.umask(0o022);
  t.teardown(() => process.umask(previous));
  const app = await buildApp({ config: testConfig({ inMemoryDatabase: false, databaseUrl: null, dataDir }), clock: manualClock(DEFAULT_NOW) });
  t.teardown(() => app.close());
  t.equal((await api(app).post('/api/requests', application())).statusCode, 201);
  await app.ogi.outbox.runOnce();
  t.equal(mode(dataDir), 0o700, 'DATA_DIR');
  t.equal(mode(path.join(dataDir, 'pgdata')), 0o700, 'the embedded database');
  t.equal(mode(path.join(dataDir, 'personal-data.key')), 0o600, 'the personal-data key');
  t.equal(mode(path.join(dataDir, 'mail')), 0o700, 'the mail folder');
  const mails = readdirSync(path.join(dataDir, 'mail'));
  t.ok(mails.length >= 1, 'a mail was written');
  for (const file of mails) t.equal(mode(path.join(dataDir, 'mail', file)), 0o600, `mail file ${file}`);
});

t.test('the start warns when DATA_DIR can be read by others (D14)', async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ogi-open-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dataDir = path.join(root, 'data');
  mkdirSync(dataDir, { mode: 0o755 });
  const { lines, stream } = logCapture();
  const app = await buildApp({ config: testConfig({ inMemoryDatabase: false, databaseUrl: null, dataDir, logLevel: 'warn' }), clock: manualClock(DEFAULT_NOW), logStream: stream });
  t.teardown(() => app.close());
  t.ok(
    lines.some((l) => l.includes('can be read by other users') && l.includes(dataDir)),
    'a warning naming the folder',
  );
});

t.test('e-mail fields take one address and nothing else; nodemailer is given the address alone (D10)', async (t) => {
  for (const good of ['zhangsan@example.com', 'a.b+tag@sub.example.cn', "o'brien@example.org", 'user@例子.中国']) t.ok(isEmailAddress(good), good);
  for (const bad of [
    '"张三" <zhangsan@example.com>',
    '<zhangsan@example.com>',
    'a@example.com, b@example.com',
    'a@example.com;b@example.com',
    'a@example.com\nBcc: x@evil.example',
    'a@example.com\u0000',
    'a b@example.com',
    'a@b',
    'a@@example.com',
    '@example.com',
    'a@example..com',
    `${'a'.repeat(65)}@example.com`,
  ]) {
    t.notOk(isEmailAddress(bad), JSON.stringify(bad));
  }
  const smtp = await smtpPeer();
  t.teardown(() => smtp.stop());
  const { app } = await testApp(t, { config: { smtpUrl: smtp.url } });
  // Each of these passed the old check, and nodemailer would read a display name or two recipients into it.
  for (const bad of ['"某人"<victim@example.com>', '<victim@example.com>', 'me,victim@example.com', 'me;victim@example.com']) {
    const res = await api(app).post('/api/requests', application({ applicant: { email: bad } }));
    t.equal(res.statusCode, 400, bad);
    t.match(res.json(), { error: 'validation.failed', fields: { 'applicant.email': /有效的电子邮箱地址/ } });
  }
  const admin = await staffClient(app, 'admin');
  const staffRes = await admin.post('/api/staff', { email: 'clerk,boss@example.com', password: 'long-enough-1', name: 'x', role: 'clerk', agency: 'fgj' });
  t.equal(staffRes.statusCode, 400, 'staff accounts too');
  t.equal((await api(app).post('/api/requests', application({ applicant: { email: 'zhangsan@example.com' } }))).statusCode, 201);
  await app.ogi.outbox.runOnce();
  await smtp.waitFor(1);
  const to = smtp.messages[0]!.to;
  t.same(
    (Array.isArray(to) ? to : [to]).flatMap((a) => a!.value.map((v) => v.address)),
    ['zhangsan@example.com'],
    'one recipient',
  );
});

t.test('attachment names lose bidi overrides and zero-width characters, stored and shown (D12)', async (t) => {
  const { app } = await testApp(t);
  const misleading = '报告\u202Efdp.exe\u200B.pdf';
  const form = multipartBody(application(), [{ filename: misleading, content: PDF }]);
  const filed = await app.inject({ method: 'POST', url: '/api/requests', ...form });
  t.equal(filed.statusCode, 201, filed.body);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const view = (await clerk.get(`/api/cases/${filed.json().trackingNumber}`)).json();
  const name = view.attachments[0].filename as string;
  t.notMatch(name, /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\uFEFF]/u, 'stored without them');
  t.equal(name, '报告fdp.exe.pdf', 'what it reads is what it is');
  const download = await clerk.get(`/api/cases/${filed.json().trackingNumber}/attachments/${view.attachments[0].id}`);
  t.notMatch(decodeURIComponent(String(download.headers['content-disposition'])), /[\u202A-\u202E\u200B]/u, 'and downloaded under that name');
});
