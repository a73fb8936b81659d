// Proof of service (送达) and SMS notices, through HTTP, a real SMTP peer and local fakes of the SMS
// providers' HTTP APIs. Periods the law counts from receipt (art. 30 correction, 国办函〔2020〕109号
// payment, arts. 32 and 34 consultation) run from the recorded service (docs/statute.md §6).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import t from 'tap';
import { buildApp } from '../src/app.js';
import { cases, outbox } from '../src/db/schema.js';
import { smsSignature } from '../src/notifications/sms.js';
import { api, staffClient, testApp, testConfig } from './helpers/test-app.js';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { answerBody, application, multipartBody, VALID_RESIDENT_ID } from './helpers/factories.js';
import { pdfText } from './helpers/pdf.js';
import { pageText, signIn, webClient } from './helpers/web.js';
import { freePort } from './helpers/process.js';
import { smtpPeer } from './helpers/smtp.js';

type Letter = { id: number; kind: string; service: { method: string; servedOn: string; reference: string | null; records: unknown[] } | null };

const letterOf = (view: { letters: Letter[] }, kind: string) => view.letters.find((l) => l.kind === kind)!;

t.test('art. 30: a correction notice served by post on a later day moves the correction deadline and its closure', async (t) => {
  const { app, clock } = await testApp(t);
  const head = await staffClient(app, 'supervisor', 'fgj');
  const { trackingNumber: tn, accessCode } = (await api(app).post('/api/requests', application())).json();
  const asked = await head.post(`/api/cases/${tn}/events`, { type: 'REQUEST_CORRECTION', items: ['请写明文件名称'], dueInWorkingDays: 5 });
  t.equal(asked.statusCode, 200);
  let view = asked.json();
  const notice = letterOf(view, 'correction_notice');
  t.equal(notice.service, null, 'no service recorded yet');
  t.equal(view.awaitingService, 'correction');
  t.equal(view.deadline.correctionDueOn, '2026-03-09', 'provisionally 5 working days from the day of issue');

  const tracked = (await api(app).get(`/api/requests/${tn}?accessCode=${accessCode}`)).json();
  t.match(tracked, { correctionDueOn: '2026-03-09', dueFromIssue: true }, 'the applicant is told the date is provisional');
  const queue = (await head.get('/api/cases?awaiting=service')).json();
  t.same(
    queue.items.map((i: { trackingNumber: string }) => i.trackingNumber),
    [tn],
    'the office head sees it under 送达待登记',
  );

  // The provisional period runs out: a reminder to record the service, never a closure.
  clock.set('2026-03-09T16:00:01Z');
  t.same(await app.ogi.sweeper.runOnce(), { applied: 1, ignored: 0, failed: 0 });
  view = (await head.get(`/api/cases/${tn}`)).json();
  t.equal(view.state, 'awaiting_correction', 'not closed: service is not recorded');
  t.equal(view.pendingDraft, null, 'no closure proposed');
  t.match(view.events.at(-1), { type: 'REMINDER', payload: { service: 'unrecorded' } });
  const [reminder] = await app.ogi.ctx.db.select().from(outbox).where(eq(outbox.template, 'service_reminder'));
  t.match(reminder, { recipient: head.email, subject: `【送达待登记】申请 ${tn} 的文书尚未登记送达` }, 'the assignee (here the office head) is reminded');

  // Recorded as staff would: post needs its tracking number; the day can be neither before issue nor after today.
  const record = (body: Record<string, unknown>) => head.post(`/api/cases/${tn}/letters/${notice.id}/service`, body);
  t.match((await record({ method: 'post', servedOn: '2026-03-05' })).json(), { error: 'validation.failed', fields: { reference: /邮件号/ } });
  t.match((await record({ method: 'post', servedOn: '2026-03-11', reference: 'XA123456789CN' })).json(), { rule: 'service_not_in_future' });
  t.match((await record({ method: 'post', servedOn: '2026-03-01', reference: 'XA123456789CN' })).json(), { rule: 'service_not_before_issue' });
  t.match((await record({ method: 'in_person', servedOn: '2026-03-05' })).json(), { fields: { proof: /送达回证/ } });
  const other = await staffClient(app, 'supervisor', 'czj');
  t.equal((await other.post(`/api/cases/${tn}/letters/${notice.id}/service`, { method: 'post', servedOn: '2026-03-05', reference: 'X1' })).statusCode, 404);

  // Recorded on the desk's case page, as an office head would.
  const web = await signIn(app, head.email, head.password);
  t.match(pageText((await web.get(`/staff/cases/${tn}`)).body), /政府信息公开申请补正告知书 .*送达待登记 期限自送达之日起计算/);
  const posted = await web.postMultipart(`/staff/cases/${tn}/service`, { letter: notice.id, method: 'post', servedOn: '2026-03-05', reference: 'XA123456789CN' }, []);
  t.equal(posted.statusCode, 303, posted.body.slice(0, 300));
  view = (await head.get(`/api/cases/${tn}`)).json();
  t.match(letterOf(view, 'correction_notice').service, { method: 'post', servedOn: '2026-03-05', reference: 'XA123456789CN' });
  t.equal(view.deadline.correctionDueOn, '2026-03-12', '5 working days from the day it was served');
  t.equal(view.awaitingService, null);
  t.match(
    pageText((await web.get(`/staff/cases/${tn}`)).body),
    /补正告知书于 2026年3月5日 送达，补正期限自该日起计算至 2026年3月12日/,
    'the deadline explanation shows the service date used',
  );
  const trackedAfter = (await api(app).get(`/api/requests/${tn}?accessCode=${accessCode}`)).json();
  t.match(trackedAfter, { correctionDueOn: '2026-03-12', dueFromIssue: false });
  t.equal(trackedAfter.letters.find((l: { kind: string }) => l.kind === 'correction_notice').servedOn, '2026-03-05', 'the applicant sees the letter served');
  t.match(
    pageText((await webClient(app).get(`/track?trackingNumber=${tn}&accessCode=${accessCode}`)).body),
    /补正期限 2026年3月12日前（自您收到补正告知书之日，即2026年3月5日起计算）/,
    'and the day its period runs from',
  );

  clock.set('2026-03-11T16:00:01Z');
  t.same(await app.ogi.sweeper.runOnce(), { applied: 0, ignored: 0, failed: 0 }, 'still within the period counted from service');
  clock.set('2026-03-12T16:00:01Z');
  t.same(await app.ogi.sweeper.runOnce(), { applied: 1, ignored: 0, failed: 0 });
  view = (await head.get(`/api/cases/${tn}`)).json();
  t.match(view.pendingDraft, { type: 'CORRECTION_PERIOD_ENDED' }, 'now the closure is proposed to the office head');
  t.equal((await head.post(`/api/cases/${tn}/events`, { type: 'SIGN_OFF' })).json().state, 'closed');

  // A signed receipt, uploaded with a hand delivery, is kept with the case and goes into the case file.
  const closure = letterOf((await head.get(`/api/cases/${tn}`)).json(), 'closure_notice');
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]).drawText('SIGNED-RECEIPT', { x: 72, y: 760, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  const form = multipartBody({ method: 'in_person', servedOn: '2026-03-13' }, [
    { field: 'proof', filename: '送达回证.pdf', content: Buffer.from(await doc.save()), type: 'application/pdf' },
  ]);
  const byHand = await app.inject({
    method: 'POST',
    url: `/api/cases/${tn}/letters/${closure.id}/service`,
    headers: { authorization: `Bearer ${head.token()}`, ...form.headers },
    payload: form.payload,
  });
  t.equal(byHand.statusCode, 201, byHand.body);
  t.match(letterOf(byHand.json(), 'closure_notice').service, { method: 'in_person', records: [{ proofFilename: '送达回证.pdf' }] });
  const file = await pdfText((await head.get(`/api/cases/${tn}/file.pdf`)).rawPayload);
  t.match(file.text, /送达记录/);
  t.match(file.text, /邮寄送达；凭证：XA123456789CN/, 'the case file includes the service records');
  t.match(file.text, /SIGNED-RECEIPT/, 'and the signed receipt');
});

t.test('an e-mail accepted by the SMTP peer records electronic service by itself', async (t) => {
  const smtp = await smtpPeer();
  t.teardown(() => smtp.stop());
  const { app, clock } = await testApp(t, { config: { smtpUrl: smtp.url } });
  const head = await staffClient(app, 'supervisor', 'fgj');
  const { trackingNumber: tn } = (await api(app).post('/api/requests', application())).json();
  await app.ogi.outbox.runOnce();
  clock.set('2026-03-03T02:00:00Z');
  await head.post(`/api/cases/${tn}/events`, { type: 'REQUEST_CORRECTION', items: ['请写明文件名称'], dueInWorkingDays: 5 });
  clock.set('2026-03-04T02:00:00Z'); // the mail goes out the next day
  t.same(await app.ogi.outbox.runOnce(), { sent: 1, retried: 0, failed: 0 });
  await smtp.waitFor(2);
  const view = (await head.get(`/api/cases/${tn}`)).json();
  t.match(letterOf(view, 'receipt').service, { method: 'email', servedOn: '2026-03-02', reference: /^250/ });
  t.match(letterOf(view, 'correction_notice').service, { method: 'email', servedOn: '2026-03-04' }, 'served the day the mail server accepted it');
  t.equal(view.deadline.correctionDueOn, '2026-03-11', 'the period runs from the day of service');
  t.equal(view.awaitingService, null);
  t.match(view.events.at(-1), { type: 'LETTER_SERVED', actor: { kind: 'system' }, payload: { method: 'email' } });
});

t.test('the applicant opening a letter on the portal serves it, once', async (t) => {
  const { app } = await testApp(t);
  const head = await staffClient(app, 'supervisor', 'fgj');
  const { trackingNumber: tn, accessCode } = (await api(app).post('/api/requests', application({ delivery: 'online', applicant: { email: null } }))).json();
  const fee = await head.post(`/api/cases/${tn}/events`, { type: 'ISSUE_FEE_NOTICE', method: 'per_page', quantity: 100 });
  t.equal(fee.statusCode, 200, fee.body.slice(0, 300));
  const notice = letterOf(fee.json(), 'fee_notice');
  const q = `trackingNumber=${tn}&accessCode=${accessCode}`;
  t.equal((await api(app).get(`/track/letters/${notice.id}?${q}`)).statusCode, 200);
  t.equal((await api(app).get(`/track/letters/${notice.id}.pdf?${q}`)).statusCode, 200);
  const view = (await head.get(`/api/cases/${tn}`)).json();
  t.match(letterOf(view, 'fee_notice').service, { method: 'portal', servedOn: '2026-03-02', records: [{ recordedByName: '申请人查阅' }] });
  t.equal(letterOf(view, 'fee_notice').service?.records.length, 1, 'the first opening only');
  t.equal(view.deadline.paymentDueOn, '2026-03-30');
  t.equal(view.awaitingService, null);
});

/** Reads a request's body. */
const bodyOf = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

async function listen(server: Server): Promise<number> {
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return port;
}

t.test('SMS notices go through the outbox to the file sink, once across a restart, with no ID number or access code', async (t) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ogi-sms-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await testApp(t, { config: { dataDir } });
  const head = await staffClient(first.app, 'supervisor', 'fgj');
  const { trackingNumber: tn, accessCode } = (
    await api(first.app).post('/api/requests', application({ delivery: 'online', applicant: { email: null, phone: '+86 138 0013 8000' } }))
  ).json();
  await head.post(`/api/cases/${tn}/events`, { type: 'REQUEST_CORRECTION', items: ['请写明文件名称'], dueInWorkingDays: 5 });
  t.same(await first.app.ogi.outbox.runOnce(), { sent: 2, retried: 0, failed: 0 }, 'the receipt and the correction notice');
  await first.app.close();

  // The same database, a new process: nothing goes out again; a new notice goes out once.
  const second = await buildApp({ config: testConfig({ dataDir }), clock: first.clock, database: first.database });
  t.teardown(() => second.close());
  t.same(await second.ogi.outbox.runOnce(), { sent: 0, retried: 0, failed: 0 });
  const again = await staffClient(second, 'supervisor', 'fgj');
  t.equal((await again.post(`/api/cases/${tn}/events`, { type: 'CORRECTION_RECEIVED', text: '所需为2025年的清单' })).statusCode, 200);
  const answered = await again.post(`/api/cases/${tn}/events`, answerBody('disclosed'));
  t.equal(answered.statusCode, 200, answered.body.slice(0, 300));
  t.same(await second.ogi.outbox.runOnce(), { sent: 1, retried: 0, failed: 0 }, 'the answer');

  const files = readdirSync(path.join(dataDir, 'sms')).sort();
  t.equal(files.length, 3, 'one file per notice');
  const texts = files.map((f) => readFileSync(path.join(dataDir, 'sms', f), 'utf8'));
  t.match(texts[0], /^To: 13800138000\n/);
  t.match(texts[0], new RegExp(`您的申请（${tn}）已收到`));
  t.match(texts[1], /需要补正/);
  t.match(texts[2], /已答复/);
  t.ok(
    texts.every((text) => text.includes(`http://ogi.test/track?trackingNumber=${tn}`)),
    'each links to the tracking page',
  );
  t.notOk(
    texts.some((text) => text.includes(accessCode) || text.includes(VALID_RESIDENT_ID) || text.includes('张三')),
    'no access code, identity number or name',
  );
});

t.test('an applicant with e-mail gets SMS notices too only if they chose them on the form', async (t) => {
  const { app, db } = await testApp(t);
  const chose = (await api(app).post('/api/requests', application({ applicant: { smsNotices: true } }))).json();
  const didNot = (await api(app).post('/api/requests', application())).json();
  const channels = async (tn: string) =>
    (await db.select({ channel: outbox.channel }).from(outbox).innerJoin(cases, eq(cases.id, outbox.caseId)).where(eq(cases.trackingNumber, tn))).map((r) => r.channel).sort();
  t.same(await channels(chose.trackingNumber), ['mail', 'sms']);
  t.same(await channels(didNot.trackingNumber), ['mail']);
  const web = webClient(app);
  t.match((await web.get('/apply')).body, /同时通过手机短信接收办理通知/, 'the form offers it');
});

t.test('Tencent Cloud SMS through its SDK, against a local fake of its API: sent once, delivery reports serve the letters', async (t) => {
  const sent: { action: string; auth: string; body: Record<string, unknown>; raw: string }[] = [];
  const delivered: string[] = [];
  const fake = createServer(async (req, res) => {
    const raw = await bodyOf(req);
    const action = String(req.headers['x-tc-action']);
    sent.push({ action, auth: String(req.headers.authorization), body: JSON.parse(raw || '{}'), raw });
    res.setHeader('content-type', 'application/json');
    if (action === 'SendSms') {
      const serial = `2433:${sent.length}`;
      res.end(
        JSON.stringify({
          Response: { SendStatusSet: [{ SerialNo: serial, PhoneNumber: '+8613800138000', Code: 'Ok', Message: 'send success', SessionContext: '' }], RequestId: 'r' },
        }),
      );
    } else if (action === 'PullSmsSendStatus') {
      const set = delivered
        .splice(0)
        .map((SerialNo) => ({ SerialNo, ReportStatus: 'SUCCESS', UserReceiveTime: 1772589600, Description: '用户短信送达成功', PhoneNumber: '+8613800138000' }));
      res.end(JSON.stringify({ Response: { PullSmsSendStatusSet: set, RequestId: 'r' } }));
    } else res.end(JSON.stringify({ Response: { Error: { Code: 'InvalidAction', Message: action }, RequestId: 'r' } }));
  });
  const port = await listen(fake);
  t.teardown(() => fake.close());
  const smsUrl = `tencent://AKIDtest:secret-key@127.0.0.1:${port}?protocol=http&region=ap-guangzhou&sdkAppId=1400000000&signName=${encodeURIComponent('政府信息公开')}&templateId=123456`;
  const { app, clock } = await testApp(t, { config: { smsUrl } });
  const head = await staffClient(app, 'supervisor', 'fgj');
  const { trackingNumber: tn, accessCode } = (await api(app).post('/api/requests', application({ delivery: 'online', applicant: { email: null } }))).json();
  await head.post(`/api/cases/${tn}/events`, { type: 'REQUEST_CORRECTION', items: ['请写明文件名称'], dueInWorkingDays: 5 });
  t.same(await app.ogi.outbox.runOnce(), { sent: 2, retried: 0, failed: 0 });
  t.same(await app.ogi.outbox.runOnce(), { sent: 0, retried: 0, failed: 0 }, 'each once');
  t.equal(sent.length, 2);
  t.match(sent[1], {
    action: 'SendSms',
    auth: /^TC3-HMAC-SHA256 Credential=AKIDtest\//,
    body: { PhoneNumberSet: ['+8613800138000'], SmsSdkAppId: '1400000000', TemplateId: '123456', TemplateParamSet: [tn, /需要补正/, `http://ogi.test/track?trackingNumber=${tn}`] },
  });
  t.notOk(
    sent.some((s) => s.raw.includes(accessCode) || s.raw.includes(VALID_RESIDENT_ID)),
    'no access code or identity number reaches the provider',
  );

  // The phone received the correction notice on 4 March (UserReceiveTime, 10:00 in Shanghai).
  clock.set('2026-03-05T02:00:00Z');
  delivered.push('2433:2');
  t.same(await app.ogi.outbox.pullReports(), { served: 1 });
  const view = (await head.get(`/api/cases/${tn}`)).json();
  t.match(letterOf(view, 'correction_notice').service, { method: 'sms', servedOn: '2026-03-04', reference: '2433:2' });
  t.equal(view.deadline.correctionDueOn, '2026-03-11');
  t.equal(letterOf(view, 'receipt').service, null, 'a message not reported delivered serves nothing');
});

t.test("a government's own SMS gateway: signed requests, signed delivery reports", async (t) => {
  const secret = 'gateway-secret-0123456789';
  const received: { signature: string; raw: string }[] = [];
  const gateway = createServer(async (req, res) => {
    const raw = await bodyOf(req);
    received.push({ signature: String(req.headers['x-ogi-signature']), raw });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ messageId: `gw-${received.length}` }));
  });
  const port = await listen(gateway);
  t.teardown(() => gateway.close());
  const { app, clock } = await testApp(t, { config: { smsUrl: `http://127.0.0.1:${port}/send`, smsSecret: secret, smsTemplate: 'OGI_NOTICE' } });
  const head = await staffClient(app, 'supervisor', 'fgj');
  const { trackingNumber: tn } = (await api(app).post('/api/requests', application({ delivery: 'online', applicant: { email: null } }))).json();
  t.same(await app.ogi.outbox.runOnce(), { sent: 1, retried: 0, failed: 0 });
  const [request] = received;
  const at = Number(/^t=(\d+),/.exec(request!.signature)![1]);
  t.equal(request!.signature, smsSignature(secret, request!.raw, at), 'signed with the shared secret');
  t.match(JSON.parse(request!.raw), { to: '13800138000', template: 'OGI_NOTICE', params: { trackingNumber: tn, notice: '已收到' } });
  const [row] = await app.ogi.ctx.db.select().from(outbox).where(eq(outbox.channel, 'sms'));
  t.equal(row!.providerRef, 'gw-1');

  const report = JSON.stringify({ reports: [{ messageId: 'gw-1', status: 'delivered', deliveredAt: '2026-03-02T10:30:00+08:00' }] });
  const now = Math.floor(clock.now().getTime() / 1000);
  const post = (signature: string) =>
    app.inject({ method: 'POST', url: '/api/sms/reports', headers: { 'content-type': 'application/json', 'x-ogi-signature': signature }, payload: report });
  t.equal((await post(smsSignature('another-secret-0123456', report, now))).statusCode, 401, 'a report not signed with the secret is refused');
  t.equal((await post(smsSignature(secret, report, now - 3600))).statusCode, 401, 'so is a stale one');
  const accepted = await post(smsSignature(secret, report, now));
  t.same(accepted.json(), { served: 1 });
  t.match(letterOf((await head.get(`/api/cases/${tn}`)).json(), 'receipt').service, { method: 'sms', servedOn: '2026-03-02', reference: 'gw-1' });
});
