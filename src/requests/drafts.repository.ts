// What a draft awaiting sign-off (art. 17) keeps outside the workflow's snapshot: the timeline's
// record of it, and the files an answer will release.
import { and, desc, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { attachments, caseEvents, type AttachmentRole } from '../db/schema.js';

/** What the timeline recorded when the pending draft was made (its DRAFTED entry), to record again when it is signed. */
export async function draftedPayload(db: Executor, caseId: number): Promise<Record<string, unknown>> {
  const [entry] = await db
    .select({ payload: caseEvents.payload })
    .from(caseEvents)
    .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.type, 'DRAFTED')))
    .orderBy(desc(caseEvents.seq))
    .limit(1);
  const { decision: _, ...payload } = (entry?.payload ?? {}) as Record<string, unknown>;
  return payload;
}

/** Files attached to a draft: released with the signed answer, or set aside with a returned draft. */
export async function moveDraftFiles(tx: Executor, caseId: number, to: Extract<AttachmentRole, 'released' | 'returned'>): Promise<void> {
  await tx
    .update(attachments)
    .set({ role: to })
    .where(and(eq(attachments.caseId, caseId), eq(attachments.role, 'to_release')));
}
