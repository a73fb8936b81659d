// Reading our PDFs as a reader would: the text layer (pdfjs-dist, no outside program), page count.
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

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
