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
/** A form refused with files in it comes back without them: a browser cannot be handed files back. */
export const RESELECT_FILES = '您选择的文件没有保存，请重新选择后再提交。';

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

export function tooManyAttachments() {
  const message = `最多上传 ${LIMITS.attachmentCount} 个附件`;
  return tooLarge('attachments.too_many', message, { attachments: message });
}

/** `field`: `attachments.<i>` once the file's place is known; the multipart reader knows only its name. */
export function attachmentTooLarge(filename: string, field = 'attachments') {
  const message = `附件${filename ? `“${filename}”` : ''}超过 ${LIMITS.attachmentBytes / 1024 / 1024} MB`;
  return tooLarge('attachments.too_large', message, { [field]: message });
}

export async function checkUploads(uploads: Upload[]): Promise<CheckedUpload[]> {
  if (uploads.length > LIMITS.attachmentCount) throw tooManyAttachments();
  const checked: CheckedUpload[] = [];
  for (const [i, upload] of uploads.entries()) {
    if (upload.content.length > LIMITS.attachmentBytes) throw attachmentTooLarge(upload.filename, `attachments.${i}`);
    if (upload.content.length === 0) throw validationFailed({ [`attachments.${i}`]: `附件“${upload.filename}”是空文件` });
    const type = await fileTypeFromBuffer(upload.content);
    const ext = type ? ACCEPTED[type.mime] : undefined;
    if (!type || !ext) {
      throw validationFailed({ [`attachments.${i}`]: `附件“${upload.filename}”的文件类型不受支持，只接受 ${ACCEPTED_LABEL}` });
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
