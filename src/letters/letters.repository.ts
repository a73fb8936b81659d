import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { insertRows } from '../db/rows.js';
import { cases, letters } from '../db/schema.js';

export type LetterRow = typeof letters.$inferSelect;

/** Writes letters in one statement. */
export async function insertLetters(tx: Executor, values: (typeof letters.$inferInsert)[]): Promise<void> {
  await insertRows(tx, letters, values);
}

export async function listLetters(db: Executor, caseId: number, recipient?: string) {
  return db
    .select({
      id: letters.id,
      kind: letters.kind,
      recipient: letters.recipient,
      title: letters.title,
      documentNumber: letters.documentNumber,
      issuedOn: letters.issuedOn,
      eventSeq: letters.eventSeq,
    })
    .from(letters)
    .where(and(eq(letters.caseId, caseId), recipient ? eq(letters.recipient, recipient) : undefined))
    .orderBy(asc(letters.id));
}

export async function findLetter(db: Executor, caseId: number, id: number): Promise<LetterRow | null> {
  const [row] = await db
    .select()
    .from(letters)
    .where(and(eq(letters.caseId, caseId), eq(letters.id, id)));
  return row ?? null;
}

/** The letters sent to one kind of recipient (or all), with their text, oldest first. */
export async function listLetterTexts(db: Executor, caseId: number, recipient?: string) {
  return db
    .select({
      id: letters.id,
      kind: letters.kind,
      recipient: letters.recipient,
      title: letters.title,
      documentNumber: letters.documentNumber,
      issuedOn: letters.issuedOn,
      bodyText: letters.bodyText,
      bodyHtml: letters.bodyHtml,
    })
    .from(letters)
    .where(and(eq(letters.caseId, caseId), recipient ? eq(letters.recipient, recipient) : undefined))
    .orderBy(asc(letters.id));
}

/** The letter a verification code was printed on (documents/verification.ts), with its case's number. */
export async function findLetterByVerificationCode(db: Executor, code: string) {
  const [row] = await db
    .select({ letter: letters, agencyId: cases.agencyId, trackingNumber: cases.trackingNumber, applicantName: cases.applicantName })
    .from(letters)
    .innerJoin(cases, eq(cases.id, letters.caseId))
    .where(eq(letters.verificationCode, code));
  return row ?? null;
}

/** Every letter of a case as issued, oldest first (the case file). */
export async function listIssuedLetters(db: Executor, caseId: number): Promise<LetterRow[]> {
  return db.select().from(letters).where(eq(letters.caseId, caseId)).orderBy(asc(letters.id));
}
