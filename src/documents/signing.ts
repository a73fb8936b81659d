// Signed PDFs, where an agency has a signing certificate (PDF_SIGNING_DIR/<slug>.p12, its passphrase in
// <slug>.pass): a detached PKCS#7 signature (SHA-256, adbe.pkcs7.detached) over the whole file, so that
// any change to a downloaded letter shows in a PDF reader. No certificate ships with the demo data.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf } from '@signpdf/signpdf';
import { P12Signer } from '@signpdf/signer-p12';

export type PdfSigner = { sign(pdf: Buffer, meta: { name: string; contact: string; reason: string; at: Date }): Promise<Buffer> };

/** The signer of each agency that has a certificate under `dir`, read on first use; null for one without. */
export function signerLoader(dir: string | null): (slug: string) => PdfSigner | null {
  const signers = new Map<string, PdfSigner | null>();
  return (slug) => {
    if (!dir || !/^[a-z][a-z0-9-]*$/.test(slug)) return null;
    if (!signers.has(slug)) {
      const p12 = path.join(dir, `${slug}.p12`);
      const pass = path.join(dir, `${slug}.pass`);
      signers.set(slug, existsSync(p12) ? p12Signer(readFileSync(p12), existsSync(pass) ? readFileSync(pass, 'utf8').trim() : '') : null);
    }
    return signers.get(slug)!;
  };
}

function p12Signer(p12: Buffer, passphrase: string): PdfSigner {
  const signer = new P12Signer(p12, { passphrase });
  return {
    async sign(pdf, meta) {
      const placed = plainAddPlaceholder({ pdfBuffer: pdf, reason: meta.reason, contactInfo: meta.contact, name: meta.name, location: '', signingTime: meta.at });
      return new SignPdf().sign(placed, signer, meta.at);
    },
  };
}
