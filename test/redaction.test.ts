// Partial disclosure (art. 37): a clerk redacts an identity number (found by its text) and a region of
// a PDF; the released copy's text layer holds neither, nor anything else of the marked pages; the
// original is kept unchanged for staff; the answer letter lists what was withheld and why; the
// applicant receives the redacted copy only.
import { createHash } from 'node:crypto';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import t from 'tap';
import yazl from 'yazl';
import { api, staffClient, testApp } from './helpers/test-app.js';
import { answerBody, application, multipartBody } from './helpers/factories.js';
import { pdfOf, pdfText } from './helpers/pdf.js';
import { pageText, signIn } from './helpers/web.js';

const ID = '11010519491231002X';

/** A Word document (a zip with a word part). */
async function wordDocument(): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(
    Buffer.from(
      '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ),
    '[Content_Types].xml',
  );
  zip.addBuffer(Buffer.from('<w:document/>'), 'word/document.xml');
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Three A4 pages: page 1 names a person, page 2 holds a paragraph to withhold (at y 100) and one to keep (at y 300), page 3 nothing to withhold. */
const documentPdf = () =>
  pdfOf(
    [
      [`补贴发放名单：经办人王五，身份证号码${ID}，联系电话13912345678。`],
      ['内部讨论意见：拟调整补贴标准。', '第二页公开部分：补贴标准为每台500元。'],
      ['第三页：发放时间为2025年6月。'],
    ],
    { Title: '王五的补贴申请材料', Author: '经办人王五' },
  );

t.test('redaction: an identity number and a region gone from the released copy, the letter says why (art. 37)', async (t) => {
  const { app } = await testApp(t);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const head = await staffClient(app, 'supervisor', 'fgj');
  const other = await staffClient(app, 'supervisor', 'czj');
  const filed = (await api(app).post('/api/requests', application({ description: '请公开2025年农机购置补贴发放名单' }))).json() as { trackingNumber: string; accessCode: string };
  const tn = filed.trackingNumber;
  const upload = async (who: typeof clerk, filename: string, content: Buffer, type?: string) => {
    const form = multipartBody({}, [{ field: 'file', filename, content, type }]);
    return app.inject({ method: 'POST', url: `/api/cases/${tn}/attachments`, headers: { authorization: `Bearer ${who.token()}`, ...form.headers }, payload: form.payload });
  };
  const original = await documentPdf();
  const uploaded = await upload(clerk, '补贴发放名单.pdf', original);
  t.equal(uploaded.statusCode, 201, uploaded.body);
  const sourceId = uploaded.json().id as string;
  t.equal((await upload(other, '补贴发放名单.pdf', original)).statusCode, 404, "another agency's staff cannot add to the case");

  // Proposed: the identity number and the mobile number on page 1.
  const found = (await clerk.get(`/api/cases/${tn}/attachments/${sourceId}/redaction`)).json();
  t.equal(found.textLayer, true);
  t.equal(found.pages.length, 3);
  t.match(found.suggestions, [
    { page: 1, kind: '身份证号码', text: ID },
    { page: 1, kind: '手机号码', text: '13912345678' },
  ]);

  // Refused, nothing stored: a text not in the file, a page past its end, a ground not in the law.
  const refused = await clerk.post(`/api/cases/${tn}/attachments/${sourceId}/redactions`, {
    texts: [{ text: '不存在的文字', ground: 'withheld_third_party_rights' }],
    marks: [{ page: 9, x: 1, y: 1, width: 10, height: 10, ground: 'withheld_process_info' }],
  });
  t.equal(refused.statusCode, 400);
  t.match(refused.json().fields, { 'texts.0.text': /没有找到“不存在的文字”/, 'marks.0.page': /文件只有3页/ });
  t.equal((await clerk.post(`/api/cases/${tn}/attachments/${sourceId}/redactions`, { marks: [{ page: 1, x: 1, y: 1, width: 5, height: 5, ground: 'because' }] })).statusCode, 400);

  // The identity number by its text (third-party privacy, art. 15), page 2's first paragraph by area (process information, art. 16(2)).
  const made = await clerk.post(`/api/cases/${tn}/attachments/${sourceId}/redactions`, {
    texts: [{ text: ID, ground: 'withheld_third_party_rights' }],
    marks: [{ page: 2, x: 60, y: 90, width: 400, height: 30, ground: 'withheld_process_info' }],
  });
  t.equal(made.statusCode, 201, made.body);
  const { id: copyId, url } = made.json() as { id: string; url: string };
  const copy = (await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${clerk.token()}` } })).rawPayload;
  const text = (await pdfText(copy)).text;
  t.notMatch(text, /11010519491231002X|110105/, 'the identity number is gone from the text layer');
  t.notMatch(text, /内部讨论意见|拟调整补贴标准/, 'so is the marked region');
  t.match(text, /第三页：发放时间为2025年6月。/, 'a page without marks keeps its text');
  t.notMatch(copy.toString('latin1'), /王五的补贴申请材料|经办人王五/, "none of the original's document information");
  const stored = (await app.inject({ method: 'GET', url: `/api/cases/${tn}/attachments/${sourceId}`, headers: { authorization: `Bearer ${clerk.token()}` } })).rawPayload;
  t.equal(createHash('sha256').update(stored).digest('hex'), createHash('sha256').update(original).digest('hex'), 'the original is unchanged');

  // Nothing of it reaches the applicant before the answer.
  const view = async () => (await api(app).get(`/api/requests/${tn}?accessCode=${filed.accessCode}`)).json();
  t.same((await view()).releasedFiles, [], 'neither the original nor the copy is the applicant’s yet');

  // The answer releases the copy; its letter lists what was withheld and why.
  const answered = await head.post(`/api/cases/${tn}/events`, {
    ...answerBody('partially_disclosed', { text: '现向您提供补贴发放名单。', withheldReasons: '名单中的个人信息和内部讨论意见不予公开。' }),
    release: [copyId],
  });
  t.equal(answered.statusCode, 200, answered.body);
  const letter = (await view()).letters.find((l: { kind: string }) => l.kind === 'answer');
  t.match(
    letter.text,
    /补贴发放名单（区分处理）\.pdf（已作区分处理，依照《中华人民共和国政府信息公开条例》第三十七条，以下内容不予公开：第1页1处：涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害（《中华人民共和国政府信息公开条例》第十五条、第三十二条、第三十六条第三项）；第2页1处：属于行政机关在履行行政管理职能过程中形成的过程性信息（《中华人民共和国政府信息公开条例》第十六条第二款、第三十六条第三项））/,
  );
  const released = (await view()).releasedFiles as { filename: string }[];
  t.same(
    released.map((f) => f.filename),
    ['补贴发放名单（区分处理）.pdf'],
    'the applicant receives the redacted copy, not the original',
  );

  // The desk: the marking page offers the suggestions and the grounds; an Office file is refused with a request for a PDF.
  const web = await signIn(app, clerk.email, clerk.password);
  const marking = await web.get(`/staff/cases/${tn}/attachments/${sourceId}/redact`);
  t.equal(marking.statusCode, 200);
  t.match(pageText(marking.body), /身份证号码：11010519491231002X.*第1页/);
  const preview = await web.get(`/staff/cases/${tn}/attachments/${sourceId}/pages/2.png`);
  t.equal(preview.statusCode, 200);
  t.match(preview.headers['content-type'], /image\/png/);
  const docx = await upload(clerk, '名单.docx', await wordDocument());
  t.equal(docx.statusCode, 201, docx.body);
  const office = await clerk.post(`/api/cases/${tn}/attachments/${docx.json().id}/redactions`, {
    marks: [{ page: 1, x: 1, y: 1, width: 5, height: 5, ground: 'withheld_process_info' }],
  });
  t.equal(office.statusCode, 400);
  t.match(office.json().fields.file, /请先转换为 PDF/, 'a Word file: asked for a PDF');
});

t.test('redaction of an image: the area painted over in a new image', async (t) => {
  const { app } = await testApp(t);
  const clerk = await staffClient(app, 'clerk', 'fgj');
  const tn = (await api(app).post('/api/requests', application())).json().trackingNumber as string;
  const canvas = createCanvas(200, 100);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, 200, 100);
  context.fillStyle = '#ff0000';
  context.fillRect(20, 20, 60, 40);
  const form = multipartBody({}, [{ field: 'file', filename: '现场照片.png', content: canvas.toBuffer('image/png'), type: 'image/png' }]);
  const uploaded = await app.inject({
    method: 'POST',
    url: `/api/cases/${tn}/attachments`,
    headers: { authorization: `Bearer ${clerk.token()}`, ...form.headers },
    payload: form.payload,
  });
  t.equal(uploaded.statusCode, 201, uploaded.body);
  const id = uploaded.json().id as string;
  t.equal(
    (await clerk.post(`/api/cases/${tn}/attachments/${id}/redactions`, { texts: [{ text: '车牌', ground: 'withheld_third_party_rights' }] })).statusCode,
    400,
    'an image has no text to search',
  );
  const made = await clerk.post(`/api/cases/${tn}/attachments/${id}/redactions`, {
    marks: [{ page: 1, x: 10, y: 10, width: 80, height: 60, ground: 'withheld_third_party_rights' }],
  });
  t.equal(made.statusCode, 201, made.body);
  const png = (await app.inject({ method: 'GET', url: made.json().url, headers: { authorization: `Bearer ${clerk.token()}` } })).rawPayload;
  const image = await loadImage(png);
  const check = createCanvas(image.width, image.height).getContext('2d');
  check.drawImage(image, 0, 0);
  const [r, g, b] = check.getImageData(50, 40, 1, 1).data;
  t.same([r, g, b], [0, 0, 0], 'the red square under the mark is black');
  const [r2] = check.getImageData(150, 50, 1, 1).data;
  t.equal(r2, 255, 'outside the mark the image is as it was');
});
