// Letters as the PDFs that are printed, posted and checked: rendered from the letter as issued (its
// stored text is the record; the PDF is that text laid out), with the agency's seal and the
// verification code; and /verify, where a printout is compared with what was issued.
import type { AppContext } from '../context.js';
import { findAgencyById, findAgencySeal, type AgencyRow } from '../agencies/agencies.repository.js';
import { notFound } from '../common/errors.js';
import { findLetterByVerificationCode, type LetterRow } from '../letters/letters.repository.js';
import { letterBlocks, renderLetterPdf, type LetterPdfInput } from './letter-pdf.js';
import { publicUrlOf } from '../jurisdictions/jurisdictions.service.js';
import { formatVerificationCode, normaliseVerificationCode } from './verification.js';

/** Where a printout is checked: on the address of the issuing agency's jurisdiction (`base`, jurisdictions.service.ts publicUrlOf). */
export function verificationUrl(base: string, code: string): string {
  return `${base}/verify?code=${formatVerificationCode(code)}`;
}

/** What an issued letter's PDF shows: the letter as stored, the seal if the agency has one, the verification code. */
export function letterPdfInput(base: string, letter: LetterRow, agency: AgencyRow, seal: Buffer | null): LetterPdfInput {
  return {
    title: letter.title,
    documentNumber: letter.documentNumber,
    bodyHtml: letter.bodyHtml,
    agencyName: agency.name,
    issuedAt: letter.createdAt,
    verification: { code: formatVerificationCode(letter.verificationCode), url: verificationUrl(base, letter.verificationCode) },
    seal,
  };
}

/** An issued letter as its PDF: A4, fonts embedded, seal if the agency has one, verification code and QR code; signed where the agency has a certificate. */
export async function letterPdf(ctx: AppContext, letter: LetterRow, agency: AgencyRow): Promise<Buffer> {
  const pdf = await renderLetterPdf(letterPdfInput(await publicUrlOf(ctx, agency), letter, agency, await findAgencySeal(ctx.db, agency.id)), ctx.pdfFonts());
  const signer = ctx.pdfSigner(agency.slug);
  return signer ? signer.sign(pdf, { name: agency.name, contact: agency.email, reason: `${letter.title}（${letter.documentNumber}）`, at: letter.createdAt }) : pdf;
}

/** 张三 → 张*三, 李四 → 李*, an organisation's name likewise: enough to recognise, not to learn. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(Math.min(chars.length - 2, 6))}${chars.at(-1)}`;
}

export type VerifiedLetter = {
  code: string;
  agency: string;
  title: string;
  documentNumber: string;
  issuedOn: string;
  recipient: string;
  pdfUrl: string;
};

/** What a verification code shows anyone who holds it: who issued what, when, to whom (masked), and the PDF as issued. */
export async function verifyLetter(ctx: AppContext, input: string): Promise<{ view: VerifiedLetter; letter: LetterRow; agency: AgencyRow }> {
  const code = normaliseVerificationCode(input);
  const found = code ? await findLetterByVerificationCode(ctx.db, code) : null;
  if (!found) throw notFound('verify.not_found', '没有找到与该核验码对应的文书，请核对核验码');
  const agency = (await findAgencyById(ctx.db, found.agencyId))!;
  const addressee = letterBlocks(found.letter.bodyHtml).find((b) => b.kind === 'addressee');
  const recipient = addressee && 'text' in addressee ? addressee.text.replace(/[：:]\s*$/, '') : found.applicantName;
  return {
    view: {
      code: formatVerificationCode(found.letter.verificationCode),
      agency: agency.name,
      title: found.letter.title,
      documentNumber: found.letter.documentNumber,
      issuedOn: found.letter.issuedOn,
      recipient: maskName(recipient),
      pdfUrl: `/verify/${found.letter.verificationCode}.pdf`,
    },
    letter: found.letter,
    agency,
  };
}
