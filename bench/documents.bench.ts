// Letters as PDF and the case file (issue 30): a letter's PDF through HTTP, warm (p50, p95, size;
// goals p95 < 150 ms and < 300 KB), and a 30-document case file (28 letters and two scanned
// 10-page PDFs; goal < 5 s). Embedded database in memory, one process. Run: npm run bench:documents
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { buildApp } from '../src/app.js';
import { manualClock } from '../src/calendar/clock.js';
import { loadConfig } from '../src/config/config.js';
import { renderCaseFile } from '../src/documents/case-file.js';
import { fontLoader } from '../src/documents/fonts.js';

const LETTERS = 200;
const config = { ...loadConfig({}), inMemoryDatabase: true, logLevel: 'warn' as const, adminEmail: 'admin@bench.local', adminPassword: 'bench-password-1', rateLimitPerMinute: 0 };
const app = await buildApp({ config, clock: manualClock('2026-03-02T02:00:00Z') });
const call = (method: 'GET' | 'POST', url: string, body?: unknown, token?: string) =>
  app.inject({ method, url, payload: body as never, headers: token ? { authorization: `Bearer ${token}` } : {} });
const admin = (await call('POST', '/api/auth/login', { email: 'admin@bench.local', password: 'bench-password-1' })).json().token as string;
await call('POST', '/api/staff', { email: 'head@bench.local', password: 'bench-password-1', name: '负责人', role: 'supervisor', agency: 'fgj' }, admin);
const head = (await call('POST', '/api/auth/login', { email: 'head@bench.local', password: 'bench-password-1' })).json().token as string;
const filed = (
  await call('POST', '/api/requests', {
    agency: 'fgj',
    applicant: { kind: 'person', name: '张三', idType: 'passport', idNumber: 'E12345678', phone: '13800138000', email: 'zhang@example.cn' },
    description: '请公开2026年政府投资重大建设项目的审批结果清单',
    format: 'electronic',
    delivery: 'email',
  })
).json();
const text =
  '经审查，您申请获取的政府信息属于公开范围，现将2026年政府投资重大建设项目审批结果清单提供给您，清单共列项目四十二项，包括项目名称、批复文号、批复日期和总投资。'.repeat(12);
const answered = (await call('POST', `/api/cases/${filed.trackingNumber}/events`, { type: 'ANSWER', disposition: 'disclosed', text }, head)).json();
const letter = answered.letters.find((l: { kind: string }) => l.kind === 'answer');
const url = `/api/cases/${filed.trackingNumber}/letters/${letter.id}.pdf`;

const first = performance.now();
const cold = await call('GET', url, undefined, head);
const coldMs = performance.now() - first;
const times: number[] = [];
for (let i = 0; i < LETTERS; i += 1) {
  const t = performance.now();
  await call('GET', url, undefined, head);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
console.log(`letter PDF (answer, ${cold.rawPayload.length} bytes, ${(await PDFDocument.load(cold.rawPayload)).getPageCount()} pages)`);
console.log(`  first request ${coldMs.toFixed(0)} ms (fonts parsed); then ${LETTERS}: p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${q(1)} ms`);

// A 30-document case file: the answer letter 28 times over, and two scanned PDFs of 10 pages each.
const scan = async (n: number) => {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < n; p += 1) doc.addPage([595, 842]).drawText(`scanned page ${p + 1}`, { x: 72, y: 760, size: 14, font });
  return Buffer.from(await doc.save());
};
const fonts = fontLoader(config)();
const stored = (await call('GET', `/api/cases/${filed.trackingNumber}`, undefined, head)).json();
const letterInput = {
  title: letter.title,
  documentNumber: letter.documentNumber,
  bodyHtml: '',
  agencyName: stored.agency.name,
  issuedAt: new Date(),
  seal: null,
  verification: { code: 'ABCD-EFGH-JKMN', url: 'http://localhost/verify?code=ABCD-EFGH-JKMN' },
};
const bodyHtml = (await app.ogi.ctx.db.query.letters.findFirst({ where: (l, { eq }) => eq(l.id, letter.id) }))!.bodyHtml;
const files = [await scan(10), await scan(10)].map((content, k) => ({ filename: `扫描件${k + 1}.pdf`, mime: 'application/pdf', size: content.length, content }));
const t = performance.now();
const file = await renderCaseFile(
  {
    variant: 'archive',
    generatedAt: new Date(),
    generatedOnText: '2026年3月2日',
    agencyName: stored.agency.name,
    trackingNumber: filed.trackingNumber,
    cover: [['申请编号', filed.trackingNumber]],
    application: [['申请人', '张三']],
    applicationFiles: files,
    letters: Array.from({ length: 28 }, () => ({ ...letterInput, bodyHtml })),
    releasedFiles: [],
    service: [],
    serviceProofs: [],
    mails: [],
    timeline: Array.from({ length: 40 }, (_, k) => ({ when: '2026年3月2日 10:00', label: '作出答复', actor: '负责人', details: `第${k + 1}项` })),
  },
  fonts,
);
console.log(
  `case file, 30 documents: ${((performance.now() - t) / 1000).toFixed(2)} s, ${(await PDFDocument.load(file)).getPageCount()} pages, ${(file.length / 1024).toFixed(0)} KB`,
);
await app.close();
