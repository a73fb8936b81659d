// The case file (案卷): a case that went through correction, consultation, extension, fee and answer
// gives one PDF with its index and every document in order; the bundle for a 行政复议答复 (行政复议法
// arts. 47–48) holds no internal note.
import { PDFDocument, StandardFonts } from 'pdf-lib';
import t from 'tap';
import { api, staffClient, testApp } from './helpers/test-app.js';
import { answerBody, application, multipartBody } from './helpers/factories.js';
import { pdfText } from './helpers/pdf.js';

async function onePagePdf(marker: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText(marker, { x: 72, y: 760, size: 14, font: await doc.embedFont(StandardFonts.Helvetica) });
  return Buffer.from(await doc.save());
}

t.test('the case file holds every document in order, with its index; the review bundle no internal note', async (t) => {
  const { app, clock } = await testApp(t); // Monday 2026-03-02
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const head = await staffClient(app, 'supervisor', 'fgj');
  const at = (date: string) => clock.set(`${date}T02:00:00Z`);
  const form = multipartBody({ ...application(), channel: 'post', receivedOn: '2026-03-02' }, [
    { filename: '申请书扫描件.pdf', content: await onePagePdf('SCANNED-APPLICATION'), type: 'application/pdf' },
  ]);
  const registered = await app.inject({ method: 'POST', url: '/api/cases', headers: { authorization: `Bearer ${clerk.token()}`, ...form.headers }, payload: form.payload });
  t.equal(registered.statusCode, 201, registered.body);
  const tn = registered.json().trackingNumber as string;
  const act = async (who: typeof clerk, body: Record<string, unknown>) => {
    const res = await who.post(`/api/cases/${tn}/events`, body);
    t.equal(res.statusCode, 200, `${body.type}: ${res.body.slice(0, 200)}`);
    return res.json();
  };

  at('2026-03-03');
  await act(clerk, { type: 'REQUEST_CORRECTION', items: ['写明所需文件的名称或文号'], dueInWorkingDays: 10 });
  at('2026-03-05');
  await act(clerk, { type: 'CORRECTION_RECEIVED', text: '所需为2026年第一季度审批结果清单' });
  await act(clerk, { type: 'CONSULT_THIRD_PARTY', party: '某建设公司', partyKind: 'third_party', matter: '清单中的企业信息' });
  at('2026-03-10');
  await act(clerk, { type: 'THIRD_PARTY_REPLIED', opinion: 'agree', reasons: '' });
  await act(head, { type: 'EXTEND', workingDays: 10, reason: '需调取历史档案' });
  await act(clerk, { type: 'ISSUE_FEE_NOTICE', method: 'per_page', quantity: 60 });
  at('2026-03-12');
  await act(clerk, { type: 'FEE_PAID' });
  t.equal((await clerk.post(`/api/cases/${tn}/notes`, { text: '内部备注：已电话联系申请人' })).statusCode, 201);
  at('2026-03-16');
  await act(clerk, answerBody('disclosed', { text: '经审查，现向您提供2026年第一季度审批结果清单。' }));
  const answered = await act(head, { type: 'SIGN_OFF' });
  t.equal(answered.state, 'answered');
  const issued = answered.letters.map((l: { title: string; documentNumber: string }) => `${l.title}（${l.documentNumber}）`);

  const archive = await head.get(`/api/cases/${tn}/file.pdf`);
  t.equal(archive.statusCode, 200);
  t.match(archive.headers['content-type'], /^application\/pdf/);
  const { text, pages } = await pdfText(archive.rawPayload);
  t.match(text, '政府信息公开申请办理案卷（归档本）');
  t.match(text, '案卷目录');
  const index = text.slice(text.indexOf('案卷目录'), text.indexOf('政府信息公开申请人'));
  let last = -1;
  for (const entry of ['申请材料：申请书扫描件.pdf', ...issued, '电子送达记录', '办理记录']) {
    const at = index.indexOf(entry);
    t.ok(at > last, `the index lists ${entry} in order`);
    last = at;
  }
  const body = text.slice(text.indexOf('政府信息公开申请人') + 1);
  last = -1;
  for (const marker of ['SCANNED-APPLICATION', '政府信息公开申请接收回执', '补正告知书', '征求意见', '延期答复告知书', '信息处理费', '政府信息公开申请答复书', '办理记录']) {
    const found = body.indexOf(marker, last + 1);
    t.ok(found > last, `${marker} in its place`);
    if (found > last) last = found;
  }
  t.match(text, '拟稿，送负责人审签', 'the sign-off record');
  t.match(text, '负责人审签，签发');
  t.match(text, '内部备注：已电话联系申请人', 'the archive copy keeps internal notes');
  t.match(text, '收到渠道及日期：邮寄（以签收日为收到日），2026年3月2日');
  t.ok(pages >= 10, `${pages} pages`);

  const review = await head.get(`/api/cases/${tn}/file.pdf?variant=review`);
  t.equal(review.statusCode, 200);
  const reviewText = (await pdfText(review.rawPayload)).text;
  t.match(reviewText, '行政复议答复材料');
  t.notMatch(reviewText, '已电话联系申请人', 'no internal note in the bundle for a 行政复议答复');
  t.match(reviewText, '政府信息公开申请答复书', 'the letters are there');

  t.equal((await api(app).get(`/api/cases/${tn}/file.pdf`)).statusCode, 401);
  t.equal((await (await staffClient(app, 'clerk', 'czj')).get(`/api/cases/${tn}/file.pdf`)).statusCode, 404, "another agency's staff see nothing");
});
