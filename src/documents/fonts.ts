// The faces PDFs are set in: a subset of Noto Serif CJK SC (SIL Open Font License, assets/fonts/) by
// default, so that a fresh machine renders Chinese with nothing installed; or an agency's licensed
// 仿宋_GB2312 / 小标宋 files (PDF_FONT, PDF_TITLE_FONT). Parsed once, on first use, and shared by
// every document (each embeds only the glyphs it uses).
import { readFileSync } from 'node:fs';
import path from 'node:path';
// @ts-expect-error fontkit ships no types; pdfkit takes the font objects it creates.
import * as fontkit from 'fontkit';
import type { Config } from '../config/config.js';
import { FONTS_DIR } from '../config/paths.js';
import type { PdfFonts } from './letter-pdf.js';

export const DEFAULT_FONTS = {
  body: path.join(FONTS_DIR, 'NotoSerifSC-Regular.otf'),
  title: path.join(FONTS_DIR, 'NotoSerifSC-Bold.otf'),
};

const open = (file: string) => (fontkit as { create(data: Buffer): PDFKit.Mixins.PDFFontSource }).create(readFileSync(file));

export function fontLoader(config: Pick<Config, 'pdfFont' | 'pdfTitleFont'>): () => PdfFonts {
  let fonts: PdfFonts | null = null;
  return () => (fonts ??= { body: open(config.pdfFont ?? DEFAULT_FONTS.body), title: open(config.pdfTitleFont ?? config.pdfFont ?? DEFAULT_FONTS.title) });
}
