// Service records (送达记录) of issued letters: written once, never changed (db/schema.ts letter_services).
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { attachments, letters, letterServices, staff } from '../db/schema.js';

export type ServiceRecordRow = typeof letterServices.$inferSelect;

export async function insertServiceRecord(tx: Executor, value: typeof letterServices.$inferInsert): Promise<void> {
  await tx.insert(letterServices).values(value);
}

/** Every service record of a case, with who recorded it and the proof's file name, in the order recorded. */
export async function serviceRecordsOfCase(db: Executor, caseId: number) {
  return db
    .select({
      id: letterServices.id,
      letterId: letterServices.letterId,
      method: letterServices.method,
      servedOn: letterServices.servedOn,
      reference: letterServices.reference,
      proofAttachmentId: letterServices.proofAttachmentId,
      proofFilename: attachments.filename,
      recordedBy: letterServices.recordedBy,
      recordedByName: staff.name,
      recordedAt: letterServices.recordedAt,
    })
    .from(letterServices)
    .leftJoin(staff, eq(staff.id, letterServices.recordedBy))
    .leftJoin(attachments, eq(attachments.id, letterServices.proofAttachmentId))
    .where(eq(letterServices.caseId, caseId))
    .orderBy(asc(letterServices.id));
}
export type ServiceRecord = Awaited<ReturnType<typeof serviceRecordsOfCase>>[number];

/** Whether a letter has a record of this method already (electronic service records itself once). */
export async function hasServiceRecord(db: Executor, letterId: number, method: string): Promise<boolean> {
  const rows = await db
    .select({ id: letterServices.id })
    .from(letterServices)
    .where(and(eq(letterServices.letterId, letterId), eq(letterServices.method, method)))
    .limit(1);
  return rows.length > 0;
}

/** The letters to the applicant issued with one timeline entry: what a notice of that entry carried. */
export async function applicantLettersOfEntry(db: Executor, caseId: number, eventSeqs: number[]) {
  if (!eventSeqs.length) return [];
  return db
    .select()
    .from(letters)
    .where(and(eq(letters.caseId, caseId), inArray(letters.eventSeq, eventSeqs), eq(letters.recipient, 'applicant')))
    .orderBy(asc(letters.id));
}
