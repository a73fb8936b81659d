// Partial disclosure in the case (art. 37): a clerk uploads the document to release (a working copy,
// staff only), marks what must be withheld — areas, every occurrence of a text, the personal data the
// system proposes — each with its ground, and gets a redacted copy beside the original. The copy is
// released with the answer (ANSWER's `release`), and the answer letter lists what was withheld from it
// and why. The original never leaves the staff's side.
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { AppError, notFound, validationFailed } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { redactions, type RedactionMark } from '../db/schema.js';
import { REDACTION_GROUNDS } from '../letters/answer.js';
import { checkUploads, type Upload } from '../requests/attachments.js';
import { findCase, lockCase } from '../requests/cases.repository.js';
import { attachmentBytes, findAttachment, insertAttachmentBytes, insertAttachments } from '../requests/attachments.repository.js';
import { canSeeAgency, type Principal } from '../staff/principal.js';
import { boxesOf, pageSizes, pagePreview, readPdfText, redactImage, redactPdf, suggestedMarks, type Mark } from './redaction.js';

const REDACTABLE = new Set(['application/pdf', 'image/png', 'image/jpeg']);
const OFFICE = /officedocument|msword|ms-excel/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const ground = z.enum(REDACTION_GROUNDS as [string, ...string[]], { error: '请为每处选择不予公开的理由（条例第三十七条）' });
const coordinate = z.coerce.number({ error: '应为数字' }).min(0, '不能为负数').max(100_000, '超出页面');
export const redactionInput = z
  .object({
    marks: z
      .array(
        z.object({
          page: z.coerce.number({ error: '页码应为数字' }).int('页码应为整数').min(1, '页码从1开始').max(5000, '页码过大'),
          x: coordinate,
          y: coordinate,
          width: coordinate.refine((v) => v > 0, '宽度应大于0'),
          height: coordinate.refine((v) => v > 0, '高度应大于0'),
          ground,
        }),
      )
      .max(500, '一次最多500处')
      .default([]),
    texts: z
      .array(z.object({ text: z.string({ error: '请填写要删除的文字' }).trim().min(1, '请填写要删除的文字').max(200, '不超过200字'), ground }))
      .max(50, '一次最多50段文字')
      .default([]),
  })
  .refine((v) => v.marks.length + v.texts.length > 0, { message: '请至少标出一处要删除的内容', path: ['marks'] });

async function caseOf(ctx: AppContext, principal: Principal, trackingNumber: string) {
  const row = await findCase(ctx.db, trackingNumber.trim().toUpperCase());
  if (!row || !canSeeAgency(principal, row.agencyId)) throw notFound('cases.not_found', '没有找到这件申请');
  return row;
}

async function documentOf(ctx: AppContext, caseId: number, id: string) {
  const file = UUID.test(id) ? await findAttachment(ctx.db, caseId, id) : null;
  if (!file) throw notFound('attachments.not_found', '没有找到该附件');
  if (OFFICE.test(file.mime)) throw validationFailed({ file: `“${file.filename}”是 Word 或 Excel 文件：请先转换为 PDF 再上传，然后作区分处理` });
  if (!REDACTABLE.has(file.mime)) throw validationFailed({ file: `“${file.filename}”不是 PDF 或图片，不能作区分处理` });
  return file;
}

/** Reading a PDF that pdf.js or pdf-lib cannot open (encrypted, broken) is the file's fault, said so. */
async function readable<T>(filename: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw validationFailed({ file: `无法读取“${filename}”（文件已加密或已损坏），请上传未加密的 PDF` });
  }
}

/** The document to release, uploaded to the case for redaction: a working copy only staff see. */
export async function addWorkingDocument(ctx: AppContext, principal: Principal, trackingNumber: string, uploads: Upload[]) {
  if (uploads.length !== 1) throw validationFailed({ file: '请上传一个文件（PDF 或图片）' });
  const [file] = await checkUploads(uploads).catch((err: unknown) => {
    const fields = (err as { details?: { fields?: Record<string, string> } }).details?.fields;
    throw fields ? validationFailed({ file: Object.values(fields)[0]! }) : err;
  });
  return ctx.db.transaction(async (tx) => {
    const row = await lockCase(tx, { trackingNumber: trackingNumber.trim().toUpperCase() });
    if (!row || !canSeeAgency(principal, row.agencyId)) throw notFound('cases.not_found', '没有找到这件申请');
    const [id] = await insertAttachments(tx, row.id, 'working', [file!], ctx.clock.now());
    return { id: id!, trackingNumber: row.trackingNumber };
  });
}

/** What the system proposes to remove (identity, phone and bank numbers, e-mail addresses) and the pages' sizes. */
export async function redactionSuggestions(ctx: AppContext, principal: Principal, trackingNumber: string, attachmentId: string) {
  const row = await caseOf(ctx, principal, trackingNumber);
  const file = await documentOf(ctx, row.id, attachmentId);
  const bytes = await attachmentBytes(ctx.db, file.id);
  if (file.mime !== 'application/pdf') return { pages: await readable(file.filename, () => pageSizes(bytes, file.mime)), textLayer: false, suggestions: [] };
  const { pages, runs } = await readable(file.filename, () => readPdfText(bytes));
  return { pages, textLayer: runs.length > 0, suggestions: suggestedMarks(runs) };
}

/** One page of the document as an image to mark on. */
export async function redactionPage(ctx: AppContext, principal: Principal, trackingNumber: string, attachmentId: string, page: number) {
  const row = await caseOf(ctx, principal, trackingNumber);
  const file = await documentOf(ctx, row.id, attachmentId);
  const bytes = await attachmentBytes(ctx.db, file.id);
  const sizes = await readable(file.filename, () => pageSizes(bytes, file.mime));
  if (!Number.isInteger(page) || page < 1 || page > sizes.length) throw notFound('pages.not_found', '没有这一页');
  return readable(file.filename, () => pagePreview(bytes, file.mime, page));
}

/**
 * Makes the redacted copy: every mark's area gone (rasterised and painted over), every occurrence of
 * each text found and marked. Nothing is stored when a mark is off the document or a text is not in
 * it. Answers the copy's id and where staff download it.
 */
export async function redactAttachment(ctx: AppContext, principal: Principal, trackingNumber: string, attachmentId: string, input: unknown) {
  const data = parseInput(redactionInput, input);
  const row = await caseOf(ctx, principal, trackingNumber);
  const file = await documentOf(ctx, row.id, attachmentId);
  const bytes = await attachmentBytes(ctx.db, file.id);
  const pdf = file.mime === 'application/pdf';
  const sizes = await readable(file.filename, () => pageSizes(bytes, file.mime));
  const fields: Record<string, string> = {};
  data.marks.forEach((m, i) => {
    if (m.page > sizes.length) fields[`marks.${i}.page`] = `文件只有${sizes.length}页`;
  });
  const marks: RedactionMark[] = [...data.marks];
  if (data.texts.length) {
    if (!pdf) throw validationFailed({ texts: '图片没有文字层，请在图片上框选要删除的区域' });
    const { runs } = await readable(file.filename, () => readPdfText(bytes));
    data.texts.forEach((t, i) => {
      const boxes = boxesOf(runs, t.text);
      if (!boxes.length) fields[`texts.${i}.text`] = `文件的文字层中没有找到“${t.text}”${runs.length ? '' : '（扫描件没有文字层，请框选区域）'}`;
      for (const box of boxes) marks.push({ ...box, ground: t.ground, text: t.text });
    });
  }
  if (Object.keys(fields).length) throw validationFailed(fields);
  const redacted = await readable(file.filename, () => (pdf ? redactPdf(bytes, marks as Mark[]) : redactImage(bytes, file.mime, marks as Mark[])));
  const dot = file.filename.lastIndexOf('.');
  const filename = `${dot > 0 ? file.filename.slice(0, dot) : file.filename}（区分处理）${dot > 0 ? file.filename.slice(dot) : ''}`;
  return ctx.db.transaction(async (tx) => {
    const locked = (await lockCase(tx, { id: row.id }))!;
    const id = await insertAttachmentBytes(tx, locked.id, 'redacted', { filename, mime: file.mime, bytes: redacted }, ctx.clock.now());
    await tx.insert(redactions).values({ caseId: locked.id, sourceId: file.id, resultId: id, marks, createdBy: principal.id });
    return { id, url: `/api/cases/${locked.trackingNumber}/attachments/${id}`, marks: marks.length };
  });
}
