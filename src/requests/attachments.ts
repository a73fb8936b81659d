// Files attached to an application or released with an answer. The type is read from the content,
// never from the name; the stored name is ours, the client's name is kept only for display.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { tooLarge, validationFailed } from '../http/errors.js';
import { LIMITS } from './application.schema.js';

export type Upload = { filename: string; content: Buffer };
export type CheckedUpload = { filename: string; content: Buffer; mime: string; size: number; sha256: string };

const ACCEPTED: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};
export const ACCEPTED_LABEL = 'PDF、JPG、PNG、DOCX、XLSX';
/** What a form says about the files it takes. */
export const UPLOAD_RULES = `最多 ${LIMITS.attachmentCount} 个文件，每个不超过 ${LIMITS.attachmentBytes / 1024 / 1024} MB，格式限 ${ACCEPTED_LABEL}。`;

/** A display name that cannot escape a directory or carry control characters, ending in the sniffed extension. */
export function safeDisplayName(name: string, ext: string): string {
  const base = path.posix.basename(name.replace(/\\/g, '/'));
  const stem = base
    .replace(/\.[^.]*$/, '')
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 80);
  return `${stem || '附件'}.${ext}`;
}

export async function checkUploads(uploads: Upload[]): Promise<CheckedUpload[]> {
  if (uploads.length > LIMITS.attachmentCount) {
    throw tooLarge('attachments.too_many', `最多上传 ${LIMITS.attachmentCount} 个附件`, { attachments: `最多上传 ${LIMITS.attachmentCount} 个附件` });
  }
  const checked: CheckedUpload[] = [];
  for (const [i, upload] of uploads.entries()) {
    if (upload.content.length > LIMITS.attachmentBytes) {
      const message = `附件"${upload.filename}"超过 ${LIMITS.attachmentBytes / 1024 / 1024} MB`;
      throw tooLarge('attachments.too_large', message, { [`attachments.${i}`]: message });
    }
    if (upload.content.length === 0) throw validationFailed({ [`attachments.${i}`]: `附件"${upload.filename}"是空文件` });
    const type = await fileTypeFromBuffer(upload.content);
    const ext = type ? ACCEPTED[type.mime] : undefined;
    if (!type || !ext) {
      throw validationFailed({ [`attachments.${i}`]: `附件"${upload.filename}"的文件类型不受支持，只接受 ${ACCEPTED_LABEL}` });
    }
    checked.push({
      filename: safeDisplayName(upload.filename, ext),
      content: upload.content,
      mime: type.mime,
      size: upload.content.length,
      sha256: createHash('sha256').update(upload.content).digest('hex'),
    });
  }
  return checked;
}
