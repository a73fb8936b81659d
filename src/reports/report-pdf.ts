// The annual report as an A4 PDF: its sections in the order of the format (国办公开办函〔2021〕30号),
// table 三 and table 四 drawn as grids with the format's labels, the fees line. Pure: the report's
// model (reports.routes.ts reportModel) and the fonts come in as arguments.
import { collect, MARGINS, newDocument, pageNumbers, SIZE, type PdfFonts } from '../documents/letter-pdf.js';
import type { table3Layout, table4Layout } from './tables.js';

export type ReportPdfInput = {
  title: string;
  publishedOn: string | null;
  agencyName: string;
  at: Date;
  /** The text sections, each with its place: before the tables, or after them (problems, other). */
  sections: { key: string; title: string; text: string }[];
  table3: ReturnType<typeof table3Layout>;
  table4: ReturnType<typeof table4Layout>;
  feesLine: string;
};

const AFTER_TABLES = new Set(['problems', 'other']);

export async function renderReportPdf(input: ReportPdfInput, fonts: PdfFonts): Promise<Buffer> {
  const doc = newDocument({ title: input.title, author: input.agencyName, at: input.at }, fonts);
  const done = collect(doc);
  doc.addPage();
  const width = doc.page.width - MARGINS.left - MARGINS.right;
  doc.font('title').fontSize(SIZE.title).text(input.title, { align: 'center' });
  if (input.publishedOn) doc.font('body').fontSize(12).text(`发布日期：${input.publishedOn}`, { align: 'center' });
  doc.moveDown(1);
  const section = (title: string, text: string) => {
    doc.font('title').fontSize(16).text(title, MARGINS.left, doc.y, { width });
    doc
      .font('body')
      .fontSize(14)
      .text(text || '（无）', MARGINS.left, doc.y, { width, indent: 28, lineGap: 6 });
    doc.moveDown(0.5);
  };
  for (const s of input.sections.filter((s) => !AFTER_TABLES.has(s.key))) section(s.title, s.text);

  doc.font('title').fontSize(16).text('三、收到和处理政府信息公开申请情况', MARGINS.left, doc.y, { width });
  const t3 = input.table3;
  const rows: string[][] = [
    ['项目', ...t3.head],
    ['一、本年新收政府信息公开申请数量', ...t3.newRow.map(String)],
    ['二、上年结转政府信息公开申请数量', ...t3.carriedOverRow.map(String)],
    ...t3.resultRows.map((r) => [`三、${r.single ? r.group : `${r.group} ${r.label}`}`, ...r.cells.map(String)]),
    ['三、（七）总计', ...t3.totalRow.map(String)],
    ['四、结转下年度继续办理', ...t3.carriedForwardRow.map(String)],
  ];
  grid(doc, rows, [width - 7 * 40, ...Array<number>(7).fill(40)]);

  doc.moveDown(1);
  doc.font('title').fontSize(16).text('四、政府信息公开行政复议、行政诉讼情况', MARGINS.left, doc.y, { width });
  const t4 = input.table4;
  const groups = ['行政复议', '行政诉讼（未经复议直接起诉）', '行政诉讼（复议后起诉）'];
  grid(doc, [['', ...t4.outcomes], ...groups.map((g, k) => [g, ...t4.cells.slice(k * 5, k * 5 + 5).map(String)])], [width - 5 * 56, ...Array<number>(5).fill(56)]);

  doc.moveDown(1);
  for (const s of input.sections.filter((s) => AFTER_TABLES.has(s.key))) section(s.title, s.text);
  doc.font('body').fontSize(14).text(input.feesLine, MARGINS.left, doc.y, { width });
  pageNumbers(doc, 0);
  doc.end();
  return done;
}

/** A table of text cells, a row at a time, ruled; a row that would not fit starts a new page. */
function grid(doc: PDFKit.PDFDocument, rows: string[][], widths: number[]) {
  doc.font('body').fontSize(9);
  doc.moveDown(0.3);
  for (const row of rows) {
    const height = Math.max(...row.map((cell, k) => doc.heightOfString(cell, { width: widths[k]! - 6 }))) + 6;
    if (doc.y + height > doc.page.height - MARGINS.bottom) doc.addPage();
    const top = doc.y;
    let x = MARGINS.left;
    row.forEach((cell, k) => {
      doc.rect(x, top, widths[k]!, height).stroke();
      doc.text(cell, x + 3, top + 3, { width: widths[k]! - 6, align: k === 0 ? 'left' : 'center' });
      x += widths[k]!;
    });
    doc.x = MARGINS.left;
    doc.y = top + height;
  }
}
