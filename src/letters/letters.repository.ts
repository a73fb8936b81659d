import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { insertRows } from '../db/rows.js';
import { letters } from '../db/schema.js';

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

/** The letters sent to one kind of recipient, with their text, oldest first. */
export async function listLetterTexts(db: Executor, caseId: number, recipient: string) {
  return db
    .select({
      id: letters.id,
      kind: letters.kind,
      title: letters.title,
      documentNumber: letters.documentNumber,
      issuedOn: letters.issuedOn,
      bodyText: letters.bodyText,
      bodyHtml: letters.bodyHtml,
    })
    .from(letters)
    .where(and(eq(letters.caseId, caseId), eq(letters.recipient, recipient)))
    .orderBy(asc(letters.id));
}
