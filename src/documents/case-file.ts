// The case file (案卷) as one PDF: cover, index (案卷目录) with the page each document starts on, the
// application and the files it came with (PDFs and images embedded, other files listed), every letter
// as issued, the files released with the answer, the service records (送达) with their evidence, the
// record of mails sent, and the timeline with its
// sign-off records. Two variants: the archive copy (归档, with internal notes) and the bundle an agency
// submits with its 行政复议答复 (行政复议法 arts. 47–48: what the decision rests on, no internal notes).
// Pure: the case's contents come in as arguments.
import { PDFDocument as PdfLibDocument, StandardFonts } from 'pdf-lib';
import { collect, drawLetter, MARGINS, newDocument, SIZE, type LetterPdfInput, type PdfFonts } from './letter-pdf.js';

export type CaseFileVariant = 'archive' | 'review';
export type FileItem = { filename: string; mime: string; size: number; content: Buffer };
export type CaseFileInput = {
  variant: CaseFileVariant;
  generatedAt: Date;
  generatedOnText: string;
  agencyName: string;
  trackingNumber: string;
  cover: [string, string][];
  application: [string, string][];
  applicationFiles: FileItem[];
  letters: LetterPdfInput[];
  releasedFiles: FileItem[];
  /** 送达记录: how and when each letter was served, with the evidence (docs/statute.md §6). */
  service: [string, string][];
  serviceProofs: FileItem[];
  mails: [string, string][];
  timeline: { when: string; label: string; actor: string; details: string }[];
};

export const VARIANT_TITLES: Record<CaseFileVariant, string> = {
  archive: '政府信息公开申请办理案卷（归档本）',
  review: '政府信息公开申请办理案卷（行政复议答复材料）',
};

/** A part of the file: its own pages, and the entries it adds to the index (at offsets within it). */
type Part = { pdf: Buffer; entries: { title: string; page: number }[] };

const INDEX_ROWS_PER_PAGE = 24;

export async function renderCaseFile(input: CaseFileInput, fonts: PdfFonts): Promise<Buffer> {
  const meta = { title: `${VARIANT_TITLES[input.variant]} ${input.trackingNumber}`, author: input.agencyName, at: input.generatedAt };
  const parts: Part[] = [];
  parts.push(await textPart(meta, fonts, [{ title: '政府信息公开申请', rows: input.application }]));
  for (const file of input.applicationFiles) parts.push(await filePart(meta, fonts, file, '申请材料'));
  parts.push(await lettersPart(meta, fonts, input.letters));
  for (const file of input.releasedFiles) parts.push(await filePart(meta, fonts, file, '随答复提供的文件'));
  parts.push(
    await textPart(meta, fonts, [
      { title: '送达记录', rows: input.service.length ? input.service : [['—', '未发出文书']] },
      { title: '电子送达记录（系统发出的邮件）', rows: input.mails.length ? input.mails : [['—', '申请人未留电子邮箱，或未发出邮件']] },
      {
        title: input.variant === 'archive' ? '办理记录（含审签记录和内部备注）' : '办理记录（含审签记录）',
        rows: input.timeline.map((e) => [e.when, [e.label, e.actor, e.details].filter(Boolean).join('　')]),
      },
    ]),
  );
  for (const file of input.serviceProofs) parts.push(await filePart(meta, fonts, file, '送达凭证'));

  const pageCounts = await Promise.all(parts.map(async (p) => (await PdfLibDocument.load(p.pdf)).getPageCount()));
  const entries = parts.flatMap((p, k) => p.entries.map((e) => ({ ...e, part: k })));
  const frontPages = 1 + Math.max(1, Math.ceil(entries.length / INDEX_ROWS_PER_PAGE));
  const starts: number[] = [];
  pageCounts.reduce((at, n, k) => ((starts[k] = at), at + n), frontPages + 1);
  const front = await frontPart(
    meta,
    fonts,
    input,
    entries.map((e) => ({ title: e.title, page: starts[e.part]! + e.page })),
  );

  const out = await PdfLibDocument.create();
  out.setTitle(meta.title);
  out.setAuthor(input.agencyName);
  out.setCreationDate(input.generatedAt);
  for (const pdf of [front, ...parts.map((p) => p.pdf)]) {
    const source = await PdfLibDocument.load(pdf);
    for (const page of await out.copyPages(source, source.getPageIndices())) out.addPage(page);
  }
  // Every page numbered through the file, in the corner the letters leave free.
  const font = await out.embedFont(StandardFonts.Helvetica);
  const total = out.getPageCount();
  out.getPages().forEach((page, i) => {
    const text = `${i + 1} / ${total}`;
    page.drawText(text, { x: page.getWidth() - MARGINS.right - font.widthOfTextAtSize(text, 9), y: page.getHeight() - 14 * (72 / 25.4), size: 9, font });
  });
  return Buffer.from(await out.save());
}

/** Cover and index: what the file is, and where each document starts. */
async function frontPart(meta: Meta, fonts: PdfFonts, input: CaseFileInput, index: { title: string; page: number }[]): Promise<Buffer> {
  const doc = newDocument(meta, fonts);
  const done = collect(doc);
  const width = doc.page?.width ?? 595.28;
  const inner = width - MARGINS.left - MARGINS.right;
  doc.addPage();
  doc.moveDown(4);
  doc.font('title').fontSize(SIZE.title).text(VARIANT_TITLES[input.variant], { align: 'center' });
  doc.moveDown(2);
  doc.font('body').fontSize(SIZE.body);
  for (const [k, v] of input.cover) doc.text(`${k}：${v}`, { lineGap: 8 });
  doc.moveDown(2);
  doc
    .fontSize(SIZE.small)
    .text(
      input.variant === 'review'
        ? '本案卷供行政复议答复之用（《中华人民共和国行政复议法》第四十七条、第四十八条），收录作出行政行为的证据、依据和其他有关材料，不含内部备注。'
        : '本案卷为归档本，收录申请、全部文书及其签发记录、送达记录和办理记录（含内部备注）。',
    );
  doc.text(`生成日期：${input.generatedOnText}`);
  for (let k = 0; k < Math.max(1, Math.ceil(index.length / INDEX_ROWS_PER_PAGE)); k += 1) {
    doc.addPage();
    doc.font('title').fontSize(SIZE.title).text('案卷目录', { align: 'center' });
    doc.moveDown(1);
    const rowHeight = (doc.page.height - MARGINS.bottom - doc.y) / INDEX_ROWS_PER_PAGE;
    doc.font('body').fontSize(12);
    index.slice(k * INDEX_ROWS_PER_PAGE, (k + 1) * INDEX_ROWS_PER_PAGE).forEach((entry, i) => {
      const y = doc.y;
      const n = k * INDEX_ROWS_PER_PAGE + i + 1;
      doc.text(fit(doc, `${n}．${entry.title}`, inner - 60), MARGINS.left, y, { lineBreak: false });
      doc.text(String(entry.page), MARGINS.left, y, { width: inner, align: 'right', lineBreak: false });
      doc.y = y + rowHeight;
    });
  }
  doc.end();
  return done;
}

type Meta = { title: string; author: string; at: Date };

/** Headed sections of label–value rows, on pages of their own. */
async function textPart(meta: Meta, fonts: PdfFonts, sections: { title: string; rows: [string, string][] }[]): Promise<Part> {
  const doc = newDocument(meta, fonts);
  const done = collect(doc);
  const entries: Part['entries'] = [];
  for (const section of sections) {
    doc.addPage();
    entries.push({ title: section.title, page: doc.bufferedPageRange().count - 1 });
    const inner = doc.page.width - MARGINS.left - MARGINS.right;
    doc.font('title').fontSize(18).text(section.title, { align: 'center' });
    doc.moveDown(1);
    for (const [label, value] of section.rows) {
      doc
        .font('body')
        .fontSize(12)
        .text(`${label}：`, MARGINS.left, doc.y, { continued: true, width: inner })
        .text(value || '—', { lineGap: 4 });
      doc.moveDown(0.3);
    }
  }
  doc.end();
  return { pdf: await done, entries };
}

/** Every letter as issued, one after another, each numbered from its own first page. */
async function lettersPart(meta: Meta, fonts: PdfFonts, letters: LetterPdfInput[]): Promise<Part> {
  const doc = newDocument(meta, fonts);
  const done = collect(doc);
  const entries: Part['entries'] = [];
  for (const letter of letters) {
    entries.push({ title: `${letter.title}（${letter.documentNumber}）`, page: doc.bufferedPageRange().count });
    await drawLetter(doc, letter);
  }
  if (!letters.length) {
    doc.addPage();
    doc.font('body').fontSize(SIZE.body).text('本申请尚无文书。');
  }
  doc.end();
  return { pdf: await done, entries };
}

/** A file the case holds: a PDF's own pages, an image on a page, anything else named on a page. */
async function filePart(meta: Meta, fonts: PdfFonts, file: FileItem, what: string): Promise<Part> {
  const title = `${what}：${file.filename}`;
  if (file.mime === 'application/pdf') {
    const pdf = await PdfLibDocument.load(file.content, { ignoreEncryption: true }).catch(() => null);
    if (pdf && pdf.getPageCount() > 0) return { pdf: Buffer.from(await pdf.save()), entries: [{ title, page: 0 }] };
  }
  const doc = newDocument(meta, fonts);
  const done = collect(doc);
  doc.addPage();
  doc.font('body').fontSize(12).text(title);
  doc.moveDown(1);
  const image = file.mime === 'image/png' || file.mime === 'image/jpeg';
  if (image) {
    const width = doc.page.width - MARGINS.left - MARGINS.right;
    const height = doc.page.height - MARGINS.bottom - doc.y;
    doc.image(file.content, MARGINS.left, doc.y, { fit: [width, height], align: 'center' });
  } else {
    doc.text(`该文件（${file.mime}，${Math.max(1, Math.round(file.size / 1024))} KB）不能嵌入本案卷，保存在电子档案中。`);
  }
  doc.end();
  return { pdf: await done, entries: [{ title, page: 0 }] };
}

/** A line that fits the width, cut with an ellipsis. */
function fit(doc: PDFKit.PDFDocument, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let cut = text;
  while (cut.length > 1 && doc.widthOfString(`${cut}…`) > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}
