// Reading our PDFs as a reader would: the text layer (pdfjs-dist, no outside program), page count.
import PDFDocument from 'pdfkit';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { DEFAULT_FONTS } from '../../src/documents/fonts.js';

export async function pdfText(data: Buffer): Promise<{ pages: number; text: string }> {
  const pdf = await getDocument({ data: new Uint8Array(data), useSystemFonts: false, isEvalSupported: false }).promise;
  const parts: string[] = [];
  for (let n = 1; n <= pdf.numPages; n += 1) {
    const content = await (await pdf.getPage(n)).getTextContent();
    parts.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''));
  }
  await pdf.destroy();
  return { pages: pdf.numPages, text: parts.join('\n') };
}

/** Whether the file draws any raster image (a seal, an embedded scan). */
export function hasImage(data: Buffer): boolean {
  return /\/Subtype\s*\/Image/.test(data.toString('latin1'));
}

/** A PDF set in the bundled Chinese face, a page for each list of lines (each line at its own height), with document information if given. */
export function pdfOf(pages: string[][], info: PDFKit.DocumentInfo = {}): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ size: 'A4', margin: 72, info });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    pages.forEach((lines, n) => {
      if (n > 0) doc.addPage();
      doc.font(DEFAULT_FONTS.body).fontSize(12);
      lines.forEach((line, i) => doc.text(line, 72, 100 + i * 200));
    });
    doc.end();
  });
}
