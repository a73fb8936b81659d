// A case's files (attachments): stored in chunks, read chunk by chunk, given roles as a case moves
// (a draft's files released at sign-off, a redacted copy released with an answer), and the redactions
// made of them (art. 37).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { attachmentChunks, attachments, redactions, type AttachmentRole } from '../db/schema.js';
import type { CheckedUpload } from './attachments.js';

/** Stored files are kept in chunks of this size: a file is never whole in memory, to store or to send. */
export const CHUNK_BYTES = 256 * 1024;

/**
 * Stores files staged on disk with their case: a row each, and their content read from disk chunk by
 * chunk, a statement per chunk, so that what is in memory at once is one chunk whatever the file.
 */
/** Stores files with a case; returns their ids, in order. */
export async function insertAttachments(tx: Executor, caseId: number, role: AttachmentRole, files: CheckedUpload[], at: Date): Promise<string[]> {
  if (!files.length) return [];
  const rows = files.map((f) => ({ id: crypto.randomUUID(), caseId, role, filename: f.filename, mime: f.mime, size: f.size, sha256: f.sha256, createdAt: at }));
  await tx.insert(attachments).values(rows);
  for (const [k, file] of files.entries()) {
    let seq = 0;
    for await (const chunk of createReadStream(file.path, { highWaterMark: CHUNK_BYTES })) {
      await tx.insert(attachmentChunks).values({ attachmentId: rows[k]!.id, seq: seq++, data: chunk as Buffer });
    }
  }
  return rows.map((r) => r.id);
}

/**
 * Gives files already on the case a new role (documents released with an answer): only those of
 * `from`; answers the files changed, none if any id is not such a file of the case.
 */
export async function changeAttachmentRoles(tx: Executor, caseId: number, ids: string[], from: AttachmentRole[], to: AttachmentRole) {
  const found = await tx
    .select({ id: attachments.id, filename: attachments.filename })
    .from(attachments)
    .where(and(eq(attachments.caseId, caseId), inArray(attachments.id, ids), inArray(attachments.role, from)));
  if (found.length !== new Set(ids).size) return null;
  await tx.update(attachments).set({ role: to }).where(inArray(attachments.id, ids));
  return found;
}

/** The redactions of a case's documents (art. 37): which copy, and its marks. */
export async function redactionsOfCase(db: Executor, caseId: number) {
  return db.select({ resultId: redactions.resultId, sourceId: redactions.sourceId, marks: redactions.marks }).from(redactions).where(eq(redactions.caseId, caseId));
}

/** A file made here (a redacted copy), stored in chunks as an upload is. */
export async function insertAttachmentBytes(
  tx: Executor,
  caseId: number,
  role: AttachmentRole,
  file: { filename: string; mime: string; bytes: Buffer },
  at: Date,
): Promise<string> {
  const id = crypto.randomUUID();
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  await tx.insert(attachments).values({ id, caseId, role, filename: file.filename, mime: file.mime, size: file.bytes.length, sha256, createdAt: at });
  for (let seq = 0; seq * CHUNK_BYTES < file.bytes.length || seq === 0; seq += 1) {
    await tx.insert(attachmentChunks).values({ attachmentId: id, seq, data: file.bytes.subarray(seq * CHUNK_BYTES, (seq + 1) * CHUNK_BYTES) });
  }
  return id;
}

/** A stored file's content as one buffer: for the documents read whole (a PDF to redact). */
export async function attachmentBytes(db: Executor, attachmentId: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of attachmentContent(db, attachmentId)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A stored file's content, chunk after chunk: read one at a time, as the answer is sent. */
export async function* attachmentContent(db: Executor, attachmentId: string): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq += 1) {
    const [row] = await db
      .select({ data: attachmentChunks.data })
      .from(attachmentChunks)
      .where(and(eq(attachmentChunks.attachmentId, attachmentId), eq(attachmentChunks.seq, seq)));
    if (!row) return;
    yield row.data;
  }
}

export async function listAttachments(db: Executor, caseId: number) {
  return db
    .select({ id: attachments.id, role: attachments.role, filename: attachments.filename, mime: attachments.mime, size: attachments.size, createdAt: attachments.createdAt })
    .from(attachments)
    .where(eq(attachments.caseId, caseId))
    .orderBy(asc(attachments.createdAt), asc(attachments.filename));
}

/** A stored file's description (its content: attachmentContent). */
export async function findAttachment(db: Executor, caseId: number, id: string) {
  const [row] = await db
    .select({ id: attachments.id, role: attachments.role, filename: attachments.filename, mime: attachments.mime, size: attachments.size })
    .from(attachments)
    .where(and(eq(attachments.caseId, caseId), eq(attachments.id, id)));
  return row ?? null;
}
