// Files attached to an application or released with an answer. The type is read from the content,
// never from the name; the stored name is ours, the client's name is kept only for display.
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { tooLarge, validationFailed } from '../common/errors.js';
import { withoutInvisibles } from '../common/text.js';
import { archiveProblem } from '../uploads/office-archives.js';
import type { StagedFile } from '../uploads/staging.js';
import { LIMITS } from './application.schema.js';

/** A file as it arrived, staged on disk (uploads/staging.ts), with the name the client gave it. */
export type Upload = StagedFile & { filename: string };
/** A file accepted: its type recognised from its content, its name made safe. */
export type CheckedUpload = Upload & { mime: string };

const OFFICE = new Set(['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);

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

/** A display name that cannot escape a directory or carry control, bidi or zero-width characters, ending in the sniffed extension. */
export function safeDisplayName(name: string, ext: string): string {
  const base = path.posix.basename(withoutInvisibles(name).replace(/\\/g, '/'));
  const stem = base
    .replace(/\.[^.]*$/, '')
    .replace(/[<>:"/\\|?*]/g, '')
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

/**
 * Accepts staged files whose content is of a type we take: recognised from the file's first bytes
 * only (HEAD_BYTES), never from its name; an Office file only once its archive's declared sizes pass
 * (uploads/office-archives.ts).
 */
export async function checkUploads(uploads: Upload[]): Promise<CheckedUpload[]> {
  if (uploads.length > LIMITS.attachmentCount) throw tooManyAttachments();
  const checked: CheckedUpload[] = [];
  for (const [i, upload] of uploads.entries()) {
    if (upload.size > LIMITS.attachmentBytes) throw attachmentTooLarge(upload.filename, `attachments.${i}`);
    if (upload.size === 0) throw validationFailed({ [`attachments.${i}`]: `附件“${upload.filename}”是空文件` });
    const type = await fileTypeFromBuffer(upload.head);
    const ext = type ? ACCEPTED[type.mime] : undefined;
    if (!type || !ext) {
      throw validationFailed({ [`attachments.${i}`]: `附件“${upload.filename}”的文件类型不受支持，只接受 ${ACCEPTED_LABEL}` });
    }
    const problem = OFFICE.has(type.mime) ? await archiveProblem(upload) : null;
    if (problem) throw validationFailed({ [`attachments.${i}`]: `附件“${upload.filename}”不能接受：${problem}` });
    checked.push({ ...upload, filename: safeDisplayName(upload.filename, ext), mime: type.mime });
  }
  return checked;
}
