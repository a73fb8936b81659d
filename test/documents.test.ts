// Letters as A4 PDFs with a text layer, for staff and applicant; the seal only when configured;
// /verify shows an issued letter by the code printed on it and nothing for an unknown code.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import forge from 'node-forge';
import t from 'tap';
import { api, staffClient, testApp, testConfig } from './helpers/test-app.js';
import { answerBody, application, multipartBody } from './helpers/factories.js';
import { hasImage, pdfText } from './helpers/pdf.js';
import { pageText, webClient } from './helpers/web.js';

/** A 64×64 red disc on transparency: a stand-in seal made for this test. */
function sealPng(): Buffer {
  const size = 64;
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const inside = (x - 32) ** 2 + (y - 32) ** 2 < 30 ** 2;
      raw.set(inside ? [200, 0, 0, 255] : [0, 0, 0, 0], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function crc32(data: Buffer): number {
  let c = ~0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

t.test('letters as PDF: text layer, seal when configured, verification', async (t) => {
  const { app } = await testApp(t);
  const upload = (who: { token(): string }, content: Buffer) => {
    const form = multipartBody({}, [{ field: 'seal', filename: 'seal.png', content, type: 'image/png' }]);
    return app.inject({ method: 'POST', url: '/api/agencies/fgj/seal', headers: { authorization: `Bearer ${who.token()}`, ...form.headers }, payload: form.payload });
  };
  const anon = api(app);
  const head = await staffClient(app, 'supervisor', 'fgj');
  const admin = await staffClient(app, 'admin');
  const receipt = (await anon.post('/api/requests', application())).json() as { trackingNumber: string; accessCode: string };
  const tn = receipt.trackingNumber;
  const answered = (await head.post(`/api/cases/${tn}/events`, answerBody('disclosed', { text: '经审查，现向您提供2026年政府投资项目审批结果清单。' }))).json();
  const letter = answered.letters.find((l: { kind: string }) => l.kind === 'answer');

  const staffPdf = await head.get(`/api/cases/${tn}/letters/${letter.id}.pdf`);
  t.equal(staffPdf.statusCode, 200);
  t.match(staffPdf.headers['content-type'], /^application\/pdf/);
  t.ok(staffPdf.rawPayload.length < 300 * 1024, `one letter under 300 KB (${staffPdf.rawPayload.length} bytes)`);
  const { text } = await pdfText(staffPdf.rawPayload);
  t.match(text, '政府信息公开申请答复书', 'the title');
  t.match(text, letter.documentNumber, 'the number');
  t.match(text, '经审查，现向您提供2026年政府投资项目审批结果清单。', 'the body');
  t.match(text, /— 1 —/, 'page numbers');
  t.notOk(hasImage(staffPdf.rawPayload), 'no seal when none is configured');

  const applicantPdf = await anon.get(`/api/requests/${tn}/letters/${letter.id}.pdf?accessCode=${receipt.accessCode}`);
  t.equal(applicantPdf.statusCode, 200, 'the applicant downloads it with the access code');
  t.equal((await anon.get(`/api/requests/${tn}/letters/${letter.id}.pdf?accessCode=WRONGCODE1`)).statusCode, 404);
  t.equal((await anon.get(`/api/cases/${tn}/letters/${letter.id}.pdf`)).statusCode, 401, 'the staff route needs staff');
  const trackPage = await webClient(app).get(`/track?trackingNumber=${tn}&accessCode=${receipt.accessCode}`);
  const pdfLink = /href="(\/track\/letters\/\d+\.pdf\?[^"]+)"/
    .exec(trackPage.body)?.[1]
    ?.replace(/&amp;/g, '&')
    .replace(/&#x3D;/g, '=');
  t.ok(pdfLink, 'the tracking page links the PDF');
  t.equal((await webClient(app).get(pdfLink!)).statusCode, 200);

  // The verification code printed on the letter opens it at /verify.
  const code = /核验码：([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})/.exec(text)?.[1];
  t.ok(code, 'the letter carries a verification code');
  const verified = await anon.get(`/api/verify?code=${code!.toLowerCase()}`);
  t.equal(verified.statusCode, 200);
  t.match(verified.json(), { agency: /发展和改革局/, documentNumber: letter.documentNumber, issuedOn: letter.issuedOn, recipient: '张*', title: '政府信息公开申请答复书' });
  t.notMatch(verified.body, /张三|13800138000/, 'the recipient masked, no contact details');
  const page = await webClient(app).get(`/verify?code=${code}`);
  t.match(pageText(page.body), letter.documentNumber);
  const asIssued = await webClient(app).get(verified.json().pdfUrl);
  t.equal(asIssued.statusCode, 200);
  t.match((await pdfText(asIssued.rawPayload)).text, letter.documentNumber, 'the PDF as issued');
  t.equal((await anon.get('/api/verify?code=0000-0000-0000')).statusCode, 404, 'nothing for an unknown code');
  const unknown = await webClient(app).get('/verify?code=0000-0000-0000');
  t.equal(unknown.statusCode, 404);
  t.match(pageText(unknown.body), /没有找到与该核验码对应的文书/);
  t.notMatch(pageText(unknown.body), /发文字号/);

  // An administrator uploads the seal: it appears on issued letters.
  const refused = await upload(head, sealPng());
  t.equal(refused.statusCode, 403, `only administrators: ${refused.body}`);
  t.equal((await upload(admin, Buffer.from('not a png'))).statusCode, 400);
  const set = await upload(admin, sealPng());
  t.equal(set.statusCode, 204, set.body);
  t.ok(hasImage((await head.get(`/api/cases/${tn}/letters/${letter.id}.pdf`)).rawPayload), 'the seal is printed once configured');
});

t.test("where an agency configures a signing certificate, its letters' PDFs are signed over their whole content", async (t) => {
  // A key and certificate made for this test only.
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const keys = { privateKey: forge.pki.privateKeyFromPem(pair.privateKey), publicKey: forge.pki.publicKeyFromPem(pair.publicKey) };
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date('2026-01-01T00:00:00Z');
  cert.validity.notAfter = new Date('2027-01-01T00:00:00Z');
  const subject = [{ name: 'commonName', value: 'Test FGJ Signing' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const p12 = forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], 'test-passphrase', { algorithm: '3des' })).getBytes();
  const dir = mkdtempSync(path.join(tmpdir(), 'ogi-signing-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'fgj.p12'), Buffer.from(p12, 'binary'));
  writeFileSync(path.join(dir, 'fgj.pass'), 'test-passphrase\n');

  const { app } = await testApp(t, { config: { ...testConfig(), pdfSigningDir: dir } });
  const head = await staffClient(app, 'supervisor', 'fgj');
  const tn = (await api(app).post('/api/requests', application())).json().trackingNumber as string;
  const answered = (await head.post(`/api/cases/${tn}/events`, answerBody('disclosed'))).json();
  const letter = answered.letters.find((l: { kind: string }) => l.kind === 'answer');
  const pdf = (await head.get(`/api/cases/${tn}/letters/${letter.id}.pdf`)).rawPayload;
  const raw = pdf.toString('latin1');
  t.match(raw, /\/Type \/Sig/, 'a signature dictionary');
  const [a, b, c, d] = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]/.exec(raw)!.slice(1).map(Number) as [number, number, number, number];
  t.equal(c + d, pdf.length, 'the signed ranges reach the end of the file');
  const hex = raw.slice(a + b + 1, c - 1).replace(/0+$/, '');
  const p7 = forge.pkcs7.messageFromAsn1(forge.asn1.fromDer(forge.util.hexToBytes(hex.length % 2 ? `${hex}0` : hex))) as forge.pkcs7.PkcsSignedData & {
    rawCapture: { authenticatedAttributes: forge.asn1.Asn1[] };
  };
  t.equal(p7.certificates[0]!.subject.getField('CN').value, 'Test FGJ Signing', "signed with the agency's certificate");
  const digest = p7.rawCapture.authenticatedAttributes
    .map((attr) => attr.value as forge.asn1.Asn1[])
    .find((attr) => forge.asn1.derToOid(attr[0]!.value as string) === forge.pki.oids.messageDigest!)![1]!.value as forge.asn1.Asn1[];
  const signed = createHash('sha256')
    .update(Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]))
    .digest('binary');
  t.equal(digest[0]!.value, signed, 'the signature covers the file as downloaded');
  t.match((await pdfText(pdf)).text, letter.documentNumber, 'and it reads as before');
});
