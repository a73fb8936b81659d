// Reads a JSON or multipart body into the same shape: dotted field names (`applicant.name`) become
// nested objects, files named `attachments` are staged on disk as they arrive (uploads/staging.ts),
// others are discarded.
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { LIMITS } from '../requests/application.schema.js';
import { attachmentTooLarge, tooManyAttachments, type Upload } from '../requests/attachments.js';
import { stage, uploadsLimited, type StagedFile } from '../uploads/staging.js';
import { AppError, tooLarge, validationFailed } from '../common/errors.js';
import { ILL_FORMED_REFUSED, illFormedTextFields } from '../common/validation.js';

const SAFE_KEY = /^[A-Za-z][A-Za-z0-9_]{0,40}$/;

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  if (!keys.every((k) => SAFE_KEY.test(k))) return;
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node = (next && typeof next === 'object' ? next : (node[key] = {})) as Record<string, unknown>;
  }
  const last = keys.at(-1)!;
  const existing = node[last];
  // A repeated field (checkbox groups, several lines) becomes an array.
  node[last] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Files staged while this request was read: removed once it is answered (app.ts). */
    stagedFiles: StagedFile[] | null;
  }
}

/** The most a multipart body can be: every file at its limit, and the form's fields. */
const MAX_MULTIPART_BYTES = LIMITS.attachmentCount * LIMITS.attachmentBytes + 1024 * 1024;

export async function readBody(ctx: AppContext, request: FastifyRequest, fileField = 'attachments'): Promise<{ fields: unknown; uploads: Upload[] }> {
  const { fields, uploads, refused } = await readForm(ctx, request, fileField);
  if (refused) throw refused;
  return { fields, uploads };
}

/**
 * For pages: a refused upload (too large, too many) comes back with the fields read before it (a
 * form's file input comes after its text fields), so the form can be shown again as it was filled in.
 * `filesSent`: files came with it, kept or refused (a form shown again must ask for them again).
 */
export async function readForm(
  ctx: AppContext,
  request: FastifyRequest,
  fileField = 'attachments',
): Promise<{ fields: unknown; uploads: Upload[]; refused: AppError | null; filesSent: boolean }> {
  if (!request.isMultipart()) return { fields: request.body ?? {}, uploads: [], refused: null, filesSent: false };
  // What the request says it carries is weighed before a byte is read: past any form we take (413),
  // or past what the client's or the instance's upload budget has left this minute (429).
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared)) {
    if (declared > MAX_MULTIPART_BYTES)
      throw tooLarge('request.too_large', `提交的内容过大：附件最多 ${LIMITS.attachmentCount} 个，每个不超过 ${LIMITS.attachmentBytes / 1024 / 1024} MB`);
    const wait = ctx.uploads.budgets.fits(request.ip, declared);
    if (wait !== null) throw uploadsLimited(wait);
  }
  const fields: Record<string, unknown> = {};
  const uploads: Upload[] = [];
  const staged = (request.stagedFiles ??= []);
  try {
    for await (const part of request.parts({
      limits: { fileSize: LIMITS.attachmentBytes, files: LIMITS.attachmentCount, fields: 60, fieldSize: 64 * 1024, parts: 70 },
    })) {
      if (part.type === 'file') {
        // A file part not ours is read past, never kept.
        if (part.fieldname !== fileField) {
          part.file.resume();
          continue;
        }
        const file = await stage(part.file, { dir: ctx.uploads.dir, client: request.ip, budgets: ctx.uploads.budgets });
        staged.push(file);
        if (part.file.truncated) throw attachmentTooLarge(part.filename);
        // A browser sends an empty part for a file input left empty.
        if (file.size === 0 && !part.filename) continue;
        uploads.push({ ...file, filename: part.filename || '附件' });
      } else {
        setPath(fields, part.fieldname, part.value);
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'FST_FILES_LIMIT') {
      return { fields, uploads: [], refused: tooManyAttachments(), filesSent: true };
    }
    if (code === 'FST_REQ_FILE_TOO_LARGE')
      return { fields, uploads: [], refused: attachmentTooLarge((err as { part?: { filename?: string } }).part?.filename ?? ''), filesSent: true };
    if (err instanceof AppError) return { fields, uploads: [], refused: err, filesSent: true };
    if (typeof (err as { statusCode?: unknown }).statusCode === 'number' && (err as { statusCode: number }).statusCode < 500) throw err;
    // The parser's own complaints (a truncated body, a broken boundary) are the client's fault.
    throw new AppError(400, 'request.malformed', '上传的表单不完整或格式有误，请重新提交');
  }
  // What the preValidation hook (refuseIllFormedText) checks for other bodies, a multipart body is read only here.
  const illFormed = illFormedTextFields(fields);
  if (Object.keys(illFormed).length) return { fields, uploads: [], refused: validationFailed(illFormed, ILL_FORMED_REFUSED), filesSent: uploads.length > 0 };
  return { fields, uploads, refused: null, filesSent: uploads.length > 0 };
}
