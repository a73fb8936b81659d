// Redaction for partial disclosure (条例 art. 37: what can be separated is disclosed, the rest is
// withheld with reasons). Marked content is *gone* from the copy, not covered: each page with a mark
// is rendered to an image (pdfjs-dist on @napi-rs/canvas), the marked areas painted over, and the page
// replaced by that image in a new document (pdf-lib); pages without marks are copied as they are. The
// copy carries no text, image data or metadata of a marked area, and no document information of the
// original. Images are decoded, painted and encoded anew (which drops their EXIF data too). Pure: bytes
// in, bytes out; the caller stores them.
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { PDFDocument } from 'pdf-lib';
import { createRequire } from 'node:module';
import path from 'node:path';
import { findPersonalData, KIND_LABELS } from '../common/personal-data-detector.js';

/** An area to remove: page from 1, points from the page's top left (1 pt = 1/72 in), and why. */
export type Mark = { page: number; x: number; y: number; width: number; height: number; ground: string };
/** A run of text on a page with its box (points from the top left). */
export type TextRun = { page: number; text: string; x: number; y: number; width: number; height: number };
export type PageSize = { width: number; height: number };

/** Rendering resolution of a redacted page: 200 dpi, legible when printed. */
const SCALE = 200 / 72;
const PDFJS_DIR = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

async function openPdf(bytes: Buffer) {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  return getDocument({
    data: new Uint8Array(bytes),
    // Chinese text set in fonts a PDF does not embed needs the character maps.
    cMapUrl: `${PDFJS_DIR}/cmaps/`,
    cMapPacked: true,
    standardFontDataUrl: `${PDFJS_DIR}/standard_fonts/`,
    isEvalSupported: false,
    disableFontFace: true,
    verbosity: 0,
  }).promise;
}

/** The pages' sizes and the text layer's runs, each with its box: for search and suggestions. */
export async function readPdfText(bytes: Buffer): Promise<{ pages: PageSize[]; runs: TextRun[] }> {
  const doc = await openPdf(bytes);
  try {
    const pages: PageSize[] = [];
    const runs: TextRun[] = [];
    for (let n = 1; n <= doc.numPages; n += 1) {
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale: 1 });
      pages.push({ width: viewport.width, height: viewport.height });
      const content = await page.getTextContent();
      for (const item of content.items) {
        if (!('str' in item) || !item.str.trim()) continue;
        // The run's baseline origin in PDF space, turned to top-left points.
        const [x, y] = viewport.convertToViewportPoint(item.transform[4] as number, item.transform[5] as number) as [number, number];
        const height = Math.hypot(item.transform[2] as number, item.transform[3] as number) || item.height;
        runs.push({ page: n, text: item.str, x, y: y - height, width: item.width, height: height * 1.2 });
      }
    }
    return { pages, runs };
  } finally {
    await doc.destroy();
  }
}

/**
 * The boxes of every occurrence of `text` in the runs (within a run: a run is a line or part of one).
 * A character's share of the run's width stands for its place: exact for the monospaced Chinese of
 * official documents, close enough elsewhere, and widened by a point on each side.
 */
export function boxesOf(runs: TextRun[], text: string): Omit<Mark, 'ground'>[] {
  const needle = text.replace(/\s+/g, '');
  if (!needle) return [];
  const boxes: Omit<Mark, 'ground'>[] = [];
  for (const run of runs) {
    // Spaces inside the run are matched as absent ("110105 1949…" is the number 110105…).
    const chars = [...run.text];
    const kept = chars.map((c, i) => ({ c, i })).filter(({ c }) => !/\s/.test(c));
    const flat = kept.map(({ c }) => c).join('');
    for (let at = flat.indexOf(needle); at >= 0; at = flat.indexOf(needle, at + needle.length)) {
      const first = kept[at]!.i;
      const last = kept[at + [...needle].length - 1]!.i;
      const per = run.width / Math.max(1, chars.length);
      boxes.push({ page: run.page, x: run.x + first * per - 1, y: run.y, width: (last - first + 1) * per + 2, height: run.height });
    }
  }
  return boxes;
}

/** Proposed marks: every identity number, mobile or fixed phone number, e-mail address and bank account number in the text layer. */
export function suggestedMarks(runs: TextRun[]): (Omit<Mark, 'ground'> & { text: string; kind: string })[] {
  const out: (Omit<Mark, 'ground'> & { text: string; kind: string })[] = [];
  for (const run of runs) {
    const found = [...findPersonalData(run.text).map((f) => ({ text: run.text.slice(f.index, f.index + f.length), kind: KIND_LABELS[f.kind] })), ...bankAccounts(run.text)];
    for (const f of found) for (const box of boxesOf([run], f.text)) out.push({ ...box, text: f.text, kind: f.kind });
  }
  return out;
}

/** Runs of 16 to 19 digits (spaces allowed) that pass the Luhn check: bank card numbers. */
function bankAccounts(text: string): { text: string; kind: string }[] {
  const out: { text: string; kind: string }[] = [];
  for (const m of text.matchAll(/(?<!\d)\d(?:[ ]?\d){15,18}(?!\d)/g)) {
    const digits = m[0].replace(/ /g, '');
    if (luhn(digits)) out.push({ text: m[0], kind: '银行账号' });
  }
  return out;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** A PDF with every marked area removed: marked pages rendered and painted, the others copied. */
export async function redactPdf(bytes: Buffer, marks: Mark[]): Promise<Buffer> {
  const source = await PDFDocument.load(bytes, { updateMetadata: false });
  const out = await PDFDocument.create({ updateMetadata: false });
  out.setProducer('政府信息公开申请平台（已作区分处理）');
  out.setCreator('政府信息公开申请平台');
  const marked = new Set(marks.map((m) => m.page));
  const doc = await openPdf(bytes);
  try {
    for (let n = 1; n <= source.getPageCount(); n += 1) {
      if (!marked.has(n)) {
        const [copy] = await out.copyPages(source, [n - 1]);
        out.addPage(copy!);
        continue;
      }
      const page = await doc.getPage(n);
      const size = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: SCALE });
      const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
      const context = canvas.getContext('2d');
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, canvas.width, canvas.height);
      await page.render({ canvasContext: context as unknown as CanvasRenderingContext2D, viewport }).promise;
      paint(
        context,
        marks.filter((m) => m.page === n),
        SCALE,
      );
      const png = await out.embedPng(canvas.toBuffer('image/png'));
      const target = out.addPage([size.width, size.height]);
      target.drawImage(png, { x: 0, y: 0, width: size.width, height: size.height });
    }
  } finally {
    await doc.destroy();
  }
  return Buffer.from(await out.save());
}

/** An image with every marked area painted over, encoded anew (PNG stays PNG; JPEG stays JPEG). Marks are in pixels. */
export async function redactImage(bytes: Buffer, mime: string, marks: Mark[]): Promise<Buffer> {
  const image = await loadImage(bytes);
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  paint(context, marks, 1);
  return mime === 'image/jpeg' ? canvas.toBuffer('image/jpeg', 92) : canvas.toBuffer('image/png');
}

/** Solid black over each mark (and a point around it), with the mark's number for the letter's list. */
function paint(context: { fillStyle: unknown; fillRect(x: number, y: number, w: number, h: number): void }, marks: Mark[], scale: number) {
  context.fillStyle = '#000000';
  for (const m of marks) context.fillRect((m.x - 1) * scale, (m.y - 1) * scale, (m.width + 2) * scale, (m.height + 2) * scale);
}

/** The pages' sizes of a PDF, or of an image (one "page", in pixels). */
export async function pageSizes(bytes: Buffer, mime: string): Promise<PageSize[]> {
  if (mime === 'application/pdf') return (await PDFDocument.load(bytes, { updateMetadata: false })).getPages().map((p) => p.getSize());
  const image = await loadImage(bytes);
  return [{ width: image.width, height: image.height }];
}

/** One page of a PDF (or the image) as a PNG, for the clerk to mark on: `scale` px per point. */
export async function pagePreview(bytes: Buffer, mime: string, pageNumber: number, scale = 1.5): Promise<Buffer> {
  if (mime !== 'application/pdf') {
    const image = await loadImage(bytes);
    const canvas = createCanvas(image.width, image.height);
    canvas.getContext('2d').drawImage(image, 0, 0);
    return canvas.toBuffer('image/png');
  }
  const doc = await openPdf(bytes);
  try {
    const page = await doc.getPage(pageNumber);
    const viewport = page.getViewport({ scale });
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
    const context = canvas.getContext('2d');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({ canvasContext: context as unknown as CanvasRenderingContext2D, viewport }).promise;
    return canvas.toBuffer('image/png');
  } finally {
    await doc.destroy();
  }
}
