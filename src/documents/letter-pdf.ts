// A letter (告知书) as an A4 PDF laid out after GB/T 9704-2012 for the elements such a letter has:
// title, 发文字号, addressee, body, issuing agency and date with the seal area, page numbers; fonts
// embedded as subsets (pdfkit with fontkit). Pure: the letter, the fonts and the seal come in as
// arguments; the same letter gives the same pages.
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { htmlToText } from '../letters/html-to-text.js';

/** The faces a document is set in: body (仿宋 in the standard; a free serif by default) and title (小标宋). */
export type PdfFonts = { body: PDFKit.Mixins.PDFFontSource; title: PDFKit.Mixins.PDFFontSource };

export type LetterPdfInput = {
  title: string;
  documentNumber: string;
  /** The letter as issued (templates/letters): its title, number, paragraphs, list and signature. */
  bodyHtml: string;
  agencyName: string;
  /** The document's date in its metadata: the same letter gives the same file. */
  issuedAt: Date;
  /** Printed with a QR code on issued letters; null on a preview. */
  verification: { code: string; url: string } | null;
  /** The agency's seal (PNG), on issued letters only. */
  seal: Buffer | null;
  /** A preview carries this mark on every page instead of a verification code. */
  watermark?: string;
};

export const MM = 72 / 25.4;
/** GB/T 9704-2012 §5.2: 版心 156 mm × 225 mm, top margin 37 mm, left 28 mm. */
export const MARGINS = { top: 37 * MM, bottom: 35 * MM, left: 28 * MM, right: 26 * MM };
/** 三号 (16 pt) body, 二号 (22 pt) title, 四号 (14 pt) page numbers; 22 lines to the page (§5.2.2). */
export const SIZE = { body: 16, title: 22, pageNumber: 14, small: 10.5, contact: 12 };
const LINE = (225 * MM) / 22;
const CHAR = SIZE.body;

type Block = { kind: 'title' | 'number' | 'addressee' | 'para' | 'item' | 'contact'; text: string } | { kind: 'signature'; lines: string[] };

const inline = (html: string) => htmlToText(html).replace(/\s*\n\s*/g, '');

/** Our own letters' simple HTML (templates/letters) as blocks. */
export function letterBlocks(html: string): Block[] {
  const blocks: Block[] = [];
  for (const m of html.matchAll(/<(h1|p|ol|ul|div)\b([^>]*)>([\s\S]*?)<\/\1>/g)) {
    const [, tag, attrs = '', inner = ''] = m;
    const cls = /class="([^"]*)"/.exec(attrs)?.[1] ?? '';
    if (tag === 'h1') blocks.push({ kind: 'title', text: inline(inner) });
    else if (tag === 'div' && cls.includes('signature')) blocks.push({ kind: 'signature', lines: [...inner.matchAll(/<p[^>]*>([\s\S]*?)<\/p>/g)].map((p) => inline(p[1] ?? '')) });
    else if (tag === 'ol' || tag === 'ul')
      [...inner.matchAll(/<li[^>]*>([\s\S]*?)<\/li>/g)].forEach((li, k) => blocks.push({ kind: 'item', text: `${k + 1}．${inline(li[1] ?? '')}` }));
    else if (cls.includes('number')) blocks.push({ kind: 'number', text: inline(inner) });
    else if (cls.includes('contact')) blocks.push({ kind: 'contact', text: inline(inner) });
    else if (cls.includes('noindent')) blocks.push({ kind: 'addressee', text: inline(inner) });
    else blocks.push({ kind: 'para', text: inline(inner) });
  }
  return blocks;
}

export async function renderLetterPdf(input: LetterPdfInput, fonts: PdfFonts): Promise<Buffer> {
  const doc = newDocument({ title: input.title, subject: input.documentNumber, author: input.agencyName, at: input.issuedAt }, fonts);
  const done = collect(doc);
  await drawLetter(doc, input);
  doc.end();
  return done;
}

/** An A4 document in the type area of GB/T 9704, its faces registered as `body` and `title`, pages kept for numbering. */
export function newDocument(meta: { title: string; subject?: string; author: string; at: Date }, fonts: PdfFonts): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGINS,
    bufferPages: true,
    autoFirstPage: false,
    lang: 'zh-CN',
    displayTitle: true,
    info: { Title: meta.title, Subject: meta.subject ?? '', Author: meta.author, Creator: meta.author, CreationDate: meta.at, ModDate: meta.at },
  });
  doc.registerFont('body', fonts.body);
  doc.registerFont('title', fonts.title);
  return doc;
}

/** One letter from a new page on, numbered from 1 ("— 1 —"); several may share a document (the case file). */
export async function drawLetter(doc: PDFKit.PDFDocument, input: LetterPdfInput): Promise<void> {
  doc.addPage();
  const first = doc.bufferedPageRange().start + doc.bufferedPageRange().count - 1;
  const width = doc.page.width - MARGINS.left - MARGINS.right;
  const body = (size = SIZE.body) => doc.font('body').fontSize(size);
  const gap = (size: number) => Math.max(0, LINE - size * 1.45);

  for (const block of letterBlocks(input.bodyHtml)) {
    switch (block.kind) {
      case 'title':
        doc
          .font('title')
          .fontSize(SIZE.title)
          .text(block.text, MARGINS.left, doc.y, { width, align: 'center', lineGap: gap(SIZE.title) });
        doc.moveDown(0.5);
        break;
      case 'number':
        body().text(block.text, MARGINS.left, doc.y, { width, align: 'center' });
        doc.moveDown(1);
        break;
      case 'addressee':
        body().text(block.text, MARGINS.left, doc.y, { width, lineGap: gap(SIZE.body) });
        break;
      case 'para':
      case 'item':
        body().text(block.text, MARGINS.left, doc.y, { width, indent: 2 * CHAR, align: 'justify', lineGap: gap(SIZE.body) });
        break;
      case 'signature':
        signature(doc, block.lines, input.seal);
        break;
      case 'contact':
        doc.moveDown(1);
        body(SIZE.contact).text(block.text, MARGINS.left, doc.y, { width, lineGap: 4 });
        break;
    }
  }
  if (input.verification) await verificationBox(doc, input.verification);
  pageNumbers(doc, first, input.watermark);
}

/**
 * The issuing agency centred over the date, the date four characters from the right (§7.3.5.1);
 * the seal over both when the agency has one. Kept on one page, three lines below the body.
 */
function signature(doc: PDFKit.PDFDocument, lines: string[], seal: Buffer | null) {
  doc.font('body').fontSize(SIZE.body);
  const needed = LINE * (lines.length + 2);
  if (doc.y + needed > doc.page.height - MARGINS.bottom) doc.addPage();
  doc.y += LINE * 1.5;
  const right = doc.page.width - MARGINS.right - 4 * CHAR;
  const boxWidth = Math.max(...lines.map((l) => doc.widthOfString(l)));
  const left = right - boxWidth;
  const top = doc.y;
  for (const line of lines) doc.text(line, left, doc.y, { width: boxWidth, align: 'center', lineGap: LINE - SIZE.body * 1.45 });
  if (seal) {
    const size = 42 * MM;
    doc.image(seal, left + boxWidth / 2 - size / 2, (top + doc.y) / 2 - size / 2, { width: size, height: size });
  }
  doc.x = MARGINS.left;
}

/** The verification code and a QR code to /verify, at the foot of the letter. */
async function verificationBox(doc: PDFKit.PDFDocument, v: { code: string; url: string }) {
  const size = 22 * MM;
  if (doc.y + size + LINE > doc.page.height - MARGINS.bottom) doc.addPage();
  doc.y += LINE / 2;
  const top = doc.y;
  const qr = QRCode.create(v.url, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = size / n;
  for (let r = 0; r < n; r += 1) for (let c = 0; c < n; c += 1) if (qr.modules.get(r, c)) doc.rect(MARGINS.left + c * cell, top + r * cell, cell, cell);
  doc.fill('#000000');
  const x = MARGINS.left + size + 4 * MM;
  const width = doc.page.width - MARGINS.right - x;
  doc.font('body').fontSize(SIZE.small);
  doc.text(`核验码：${v.code}`, x, top + 2, { width });
  doc.text(`扫描二维码或访问 ${v.url.replace(/\?.*$/, '')} 输入核验码，可查看本文书的签发版本，与纸质件核对。`, x, doc.y + 2, { width });
  doc.x = MARGINS.left;
  doc.y = Math.max(doc.y, top + size);
}

/** "— 1 —" in 四号, 7 mm below the type area: odd pages right, even pages left, one character in (§7.5); from page `first` on. */
export function pageNumbers(doc: PDFKit.PDFDocument, first: number, watermark?: string) {
  const range = doc.bufferedPageRange();
  const last = range.start + range.count - 1;
  for (let i = first; i <= last; i += 1) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGINS.bottom + 7 * MM;
    const width = doc.page.width - MARGINS.left - MARGINS.right - SIZE.pageNumber;
    const odd = (i - first) % 2 === 0;
    doc
      .font('body')
      .fontSize(SIZE.pageNumber)
      .text(`— ${i - first + 1} —`, MARGINS.left + (odd ? 0 : SIZE.pageNumber), y, { width, align: odd ? 'right' : 'left', lineBreak: false });
    if (watermark)
      doc
        .fontSize(SIZE.small)
        .fillColor('#b00000')
        .text(watermark, MARGINS.left, MARGINS.top / 2, { width, align: 'center', lineBreak: false })
        .fillColor('#000000');
    doc.page.margins.bottom = bottom;
  }
  doc.switchToPage(last);
}

export function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}
