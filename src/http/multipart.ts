// Reads a JSON or multipart body into the same shape: dotted field names (`applicant.name`) become
// nested objects, files named `attachments` are collected, others are discarded.
import type {} from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { LIMITS } from '../requests/application.schema.js';
import type { Upload } from '../requests/attachments.js';
import { AppError, tooLarge } from './errors.js';

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

export async function readBody(request: FastifyRequest): Promise<{ fields: unknown; uploads: Upload[] }> {
  if (!request.isMultipart()) return { fields: request.body ?? {}, uploads: [] };
  const fields: Record<string, unknown> = {};
  const uploads: Upload[] = [];
  const tooBig = (name: string) => {
    const message = `附件"${name}"超过 ${LIMITS.attachmentBytes / 1024 / 1024} MB`;
    return tooLarge('attachments.too_large', message, { attachments: message });
  };
  try {
    for await (const part of request.parts({
      limits: { fileSize: LIMITS.attachmentBytes, files: LIMITS.attachmentCount, fields: 60, fieldSize: 64 * 1024, parts: 70 },
    })) {
      if (part.type === 'file') {
        const content = await part.toBuffer();
        if (part.file.truncated) throw tooBig(part.filename);
        // A browser sends an empty part for a file input left empty.
        if (part.fieldname !== 'attachments' || (content.length === 0 && !part.filename)) continue;
        uploads.push({ filename: part.filename || '附件', content });
      } else {
        setPath(fields, part.fieldname, part.value);
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'FST_FILES_LIMIT') {
      throw tooLarge('attachments.too_many', `最多上传 ${LIMITS.attachmentCount} 个附件`, { attachments: `最多上传 ${LIMITS.attachmentCount} 个附件` });
    }
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooBig('');
    if (err instanceof AppError || (typeof (err as { statusCode?: unknown }).statusCode === 'number' && (err as { statusCode: number }).statusCode < 500)) throw err;
    // The parser's own complaints (a truncated body, a broken boundary) are the client's fault.
    throw new AppError(400, 'request.malformed', '上传的表单不完整或格式有误，请重新提交');
  }
  return { fields, uploads };
}
