// Uploads that cannot stall the service (docs/security.md, D4, D16): files are staged on disk as
// they arrive and stored in chunks, never whole in memory; Office archives are checked for what they
// unpack to before they are accepted; a client and the instance have a budget of bytes a minute.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import t from 'tap';
import yazl from 'yazl';
import { attachmentChunks, attachments, cases } from '../src/db/schema.js';
import { CHUNK_BYTES } from '../src/requests/attachments.repository.js';
import { stagingDir } from '../src/uploads/staging.js';
import { staffClient, testApp, testConfig } from './helpers/test-app.js';
import { application, multipartBody, PDF } from './helpers/factories.js';

/** A PDF of `bytes` (a valid header, then filler): what a scanned document weighs. */
const pdfOf = (bytes: number) => Buffer.concat([PDF, Buffer.alloc(bytes - PDF.length, 0x41)]);

/** An OOXML document (a zip with a word part) whose one entry unpacks to `unpacked` bytes of zeros. */
async function docx(unpacked: number): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(
    Buffer.from(
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    '[Content_Types].xml',
  );
  zip.addBuffer(Buffer.alloc(unpacked, 0x30), 'word/document.xml');
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const stagedFiles = (dir: string) => {
  try {
    return readdirSync(dir).map((f) => statSync(path.join(dir, f)).size);
  } catch {
    return [];
  }
};

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 2000; i += 1) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never: ${what}`);
}

t.test('a file is written to disk while it arrives, stored in chunks, and removed from disk once answered', async (t) => {
  const { app, db, ctx } = await testApp(t);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const dir = stagingDir(ctx.config);
  const before = stagedFiles(dir).length;
  const file = pdfOf(3 * 1024 * 1024);
  const body = multipartBody(application(), [{ filename: '扫描件.pdf', content: file }]);
  const fileStart = body.payload.indexOf(file.subarray(0, PDF.length));
  // Sent in pieces, each only once the previous one shows on disk: the server writes it as it comes.
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/api/requests', headers: { ...body.headers, 'content-length': body.payload.length } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    (async () => {
      req.write(body.payload.subarray(0, fileStart + 1024 * 1024));
      await until(() => stagedFiles(dir).length > before && Math.max(...stagedFiles(dir)) >= 512 * 1024, 'the first megabyte on disk');
      t.pass('the first megabyte is on disk before the rest is sent');
      req.write(body.payload.subarray(fileStart + 1024 * 1024, fileStart + 2 * 1024 * 1024));
      await until(() => Math.max(...stagedFiles(dir)) >= 1536 * 1024, 'the second megabyte on disk');
      t.pass('and grows as the rest arrives');
      req.end(body.payload.subarray(fileStart + 2 * 1024 * 1024));
    })().catch(reject);
  });
  const res = await answer;
  t.equal(res.status, 201, res.body);
  await until(() => stagedFiles(dir).length === before, 'the staged file removed');
  t.pass('the staged file is removed once the request is answered');
  const { trackingNumber } = JSON.parse(res.body);
  const [stored] = await db
    .select({ id: attachments.id, size: attachments.size })
    .from(attachments)
    .innerJoin(cases, eq(cases.id, attachments.caseId))
    .where(eq(cases.trackingNumber, trackingNumber));
  t.equal(stored!.size, file.length);
  const [chunks] = await db
    .select({ n: sql<number>`count(*)::int`, largest: sql<number>`max(octet_length(${attachmentChunks.data}))::int` })
    .from(attachmentChunks)
    .where(eq(attachmentChunks.attachmentId, stored!.id));
  t.same(
    chunks,
    { n: Math.ceil(file.length / CHUNK_BYTES), largest: CHUNK_BYTES },
    `stored as ${Math.ceil(file.length / CHUNK_BYTES)} chunks of at most 256 KiB, never one buffer`,
  );
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const download = await clerk.get(`/api/cases/${trackingNumber}/attachments/${stored!.id}`);
  t.equal(download.headers['content-length'], String(file.length));
  t.equal(createHash('sha256').update(download.rawPayload).digest('hex'), createHash('sha256').update(file).digest('hex'), 'downloaded as it was sent');
});

t.test('a refused upload leaves nothing staged or stored', async (t) => {
  const { app, db, ctx } = await testApp(t);
  const dir = stagingDir(ctx.config);
  const before = stagedFiles(dir).length;
  const filesBefore = (await db.select({ n: sql<number>`count(*)::int` }).from(attachmentChunks))[0]!.n;
  const tooMany = multipartBody(
    application(),
    Array.from({ length: 6 }, (_, i) => ({ filename: `${i}.pdf`, content: PDF })),
  );
  t.equal((await app.inject({ method: 'POST', url: '/api/requests', ...tooMany })).statusCode, 413);
  const wrongType = multipartBody(application(), [{ filename: 'a.pdf', content: Buffer.from('MZ not a pdf') }]);
  t.equal((await app.inject({ method: 'POST', url: '/api/requests', ...wrongType })).statusCode, 400);
  await until(() => stagedFiles(dir).length === before, 'the staged files removed');
  t.pass('nothing left on disk once answered');
  t.equal((await db.select({ n: sql<number>`count(*)::int` }).from(attachmentChunks))[0]!.n, filesBefore, 'nothing stored');
});

t.test('an Office file is checked for what it unpacks to before it is accepted (D16)', async (t) => {
  const { app } = await testApp(t);
  const bomb = await docx(50 * 1024 * 1024);
  t.ok(bomb.length < 200 * 1024, `a ${Math.round(bomb.length / 1024)} KB document that unpacks to 50 MB`);
  const refused = await app.inject({ method: 'POST', url: '/api/requests', ...multipartBody(application(), [{ filename: '报告.docx', content: bomb }]) });
  t.equal(refused.statusCode, 400);
  t.match(refused.json(), { error: 'validation.failed', fields: { 'attachments.0': /压缩比异常|解压后超过/ } });
  const ordinary = await docx(40 * 1024);
  const accepted = await app.inject({ method: 'POST', url: '/api/requests', ...multipartBody(application(), [{ filename: '报告.docx', content: ordinary }]) });
  t.equal(accepted.statusCode, 201, accepted.body);
  const broken = Buffer.concat([ordinary.subarray(0, 200), Buffer.alloc(500)]);
  t.equal(
    (await app.inject({ method: 'POST', url: '/api/requests', ...multipartBody(application(), [{ filename: '坏.docx', content: broken }]) })).statusCode,
    400,
    'a damaged archive is refused, not a 500',
  );
});

t.test('a budget of bytes a minute per client and for the instance, with a clear 413 and 429 (D4)', async (t) => {
  const mb = 1024 * 1024;
  // Small budgets, so that a few megabytes show what the defaults (100 and 200 MB) do at scale.
  const { app } = await testApp(t, { config: { ...testConfig(), rateLimitPerMinute: 1000, uploadBytesPerMinutePerClient: 6 * mb, uploadBytesPerMinute: 10 * mb } });
  const send = (client: string, files: number) =>
    app.inject({
      method: 'POST',
      url: '/api/requests',
      remoteAddress: client,
      ...multipartBody(
        application(),
        Array.from({ length: files }, (_, i) => ({ filename: `${i}.pdf`, content: pdfOf(2 * mb) })),
      ),
    });
  t.equal((await send('10.5.0.1', 2)).statusCode, 201, '4 MB from one client');
  const second = await send('10.5.0.1', 2);
  t.equal(second.statusCode, 429, 'the same client again within the minute');
  t.match(second.json(), { error: 'uploads.rate_limited', message: /上传过于频繁/ });
  t.ok(Number(second.headers['retry-after']) > 0);
  t.equal((await send('10.5.0.2', 2)).statusCode, 201, 'another client is not slowed');
  t.equal((await send('10.5.0.3', 2)).statusCode, 429, "until the instance's budget is spent");
  const huge = await app.inject({
    method: 'POST',
    url: '/api/requests',
    headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(80 * mb) },
    payload: '--x--',
  });
  t.equal(huge.statusCode, 413, 'a body larger than any form is refused before it is read');
  t.match(huge.json(), { error: 'request.too_large' });
});
