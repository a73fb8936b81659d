// Case rows, their timeline and attachments.
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { agencies, attachments, caseEvents, cases, staff, trackingSequences } from '../db/schema.js';
import type { EventActor } from '../workflow/types.js';
import type { CheckedUpload } from './attachments.js';

export type CaseRow = typeof cases.$inferSelect;
export type NewCase = typeof cases.$inferInsert;
export type CaseUpdate = Pick<
  NewCase,
  'state' | 'version' | 'snapshot' | 'dueOn' | 'dueProvisional' | 'clockStopped' | 'assigneeId' | 'disposition' | 'concludedOn' | 'updatedAt'
>;

/** The next number in an agency's yearly sequence; the row lock makes it unique under concurrency. */
export async function nextTrackingSequence(tx: Executor, agencyId: number, year: number): Promise<number> {
  const [row] = await tx
    .insert(trackingSequences)
    .values({ agencyId, year, last: 1 })
    .onConflictDoUpdate({ target: [trackingSequences.agencyId, trackingSequences.year], set: { last: sql`${trackingSequences.last} + 1` } })
    .returning({ last: trackingSequences.last });
  return row!.last;
}

export async function insertCase(tx: Executor, values: NewCase): Promise<CaseRow> {
  const [row] = await tx.insert(cases).values(values).returning();
  return row!;
}

export async function findCase(db: Executor, trackingNumber: string): Promise<CaseRow | null> {
  const [row] = await db.select().from(cases).where(eq(cases.trackingNumber, trackingNumber));
  return row ?? null;
}

/** Locks the case row for the rest of the transaction: events on one case apply one after another. */
export async function lockCase(tx: Executor, where: { trackingNumber: string } | { id: number }): Promise<CaseRow | null> {
  const condition = 'id' in where ? eq(cases.id, where.id) : eq(cases.trackingNumber, where.trackingNumber);
  const [row] = await tx.select().from(cases).where(condition).for('update');
  return row ?? null;
}

export async function updateCase(tx: Executor, id: number, values: CaseUpdate): Promise<void> {
  await tx.update(cases).set(values).where(eq(cases.id, id));
}

export async function appendTimeline(
  tx: Executor,
  entry: { caseId: number; seq: number; type: string; on: string; at: Date; actor: EventActor; stateAfter: string; dueOnAfter: string | null; payload: Record<string, unknown> },
): Promise<void> {
  await tx.insert(caseEvents).values({
    caseId: entry.caseId,
    seq: entry.seq,
    type: entry.type,
    on: entry.on,
    at: entry.at,
    actorKind: entry.actor.kind,
    actorId: entry.actor.kind === 'staff' ? entry.actor.id : null,
    stateAfter: entry.stateAfter,
    dueOnAfter: entry.dueOnAfter,
    payload: entry.payload,
  });
}

export async function listTimeline(db: Executor, caseId: number) {
  return db
    .select({ event: caseEvents, actorName: staff.name, actorRole: staff.role })
    .from(caseEvents)
    .leftJoin(staff, eq(staff.id, caseEvents.actorId))
    .where(eq(caseEvents.caseId, caseId))
    .orderBy(asc(caseEvents.seq));
}

export async function insertAttachments(tx: Executor, caseId: number, role: 'application' | 'released', files: CheckedUpload[], at: Date): Promise<void> {
  if (!files.length) return;
  await tx.insert(attachments).values(
    files.map((f) => ({ id: crypto.randomUUID(), caseId, role, filename: f.filename, mime: f.mime, size: f.size, sha256: f.sha256, content: f.content, createdAt: at })),
  );
}

export async function listAttachments(db: Executor, caseId: number) {
  return db
    .select({ id: attachments.id, role: attachments.role, filename: attachments.filename, mime: attachments.mime, size: attachments.size, createdAt: attachments.createdAt })
    .from(attachments)
    .where(eq(attachments.caseId, caseId))
    .orderBy(asc(attachments.createdAt), asc(attachments.filename));
}

export async function findAttachment(db: Executor, caseId: number, id: string) {
  const [row] = await db
    .select()
    .from(attachments)
    .where(and(eq(attachments.caseId, caseId), eq(attachments.id, id)));
  return row ?? null;
}

/** Per-item fees count the applicant's earlier applications to the agency in the same calendar month (国办函〔2020〕109号). */
export async function countEarlierApplicationsInMonth(db: Executor, c: CaseRow): Promise<number> {
  const monthStart = `${c.receivedOn.slice(0, 7)}-01`;
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(cases)
    .where(
      and(
        eq(cases.applicantKey, c.applicantKey),
        eq(cases.agencyId, c.agencyId),
        gte(cases.receivedOn, monthStart),
        sql`${cases.receivedOn} < (${monthStart}::date + interval '1 month')`,
        lt(cases.id, c.id),
      ),
    );
  return row?.n ?? 0;
}

export async function agencyOfCase(db: Executor, agencyId: number) {
  const [row] = await db.select().from(agencies).where(eq(agencies.id, agencyId));
  return row!;
}
