// Case rows, their timeline and attachments.
import { and, asc, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { agencies, attachments, caseEvents, cases, sequences, staff } from '../db/schema.js';
import type { EventActor } from '../workflow/types.js';
import type { CheckedUpload } from './attachments.js';

export type CaseRow = typeof cases.$inferSelect;
export type NewCase = typeof cases.$inferInsert;
export type CaseUpdate = Pick<
  NewCase,
  | 'state'
  | 'version'
  | 'snapshot'
  | 'dueOn'
  | 'dueProvisional'
  | 'clockStopped'
  | 'assigneeId'
  | 'disposition'
  | 'concludedOn'
  | 'feeAmountYuan'
  | 'feeNoticeOn'
  | 'feePaidOn'
  | 'updatedAt'
>;

/** The next number in an agency's yearly series; the row lock makes it unique under concurrency. */
export async function nextSequence(tx: Executor, args: { agencyId: number; year: number; series: 'tracking' | 'letter' }): Promise<number> {
  const [row] = await tx
    .insert(sequences)
    .values({ ...args, last: 1 })
    .onConflictDoUpdate({ target: [sequences.agencyId, sequences.year, sequences.series], set: { last: sql`${sequences.last} + 1` } })
    .returning({ last: sequences.last });
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

/**
 * Appends to the case's timeline and returns the entry's number. Callers hold the case row lock, so
 * numbers follow one another without gaps.
 */
export async function appendTimeline(
  tx: Executor,
  entry: { caseId: number; type: string; on: string; at: Date; actor: EventActor; stateAfter: string; dueOnAfter: string | null; payload: Record<string, unknown> },
): Promise<number> {
  const [row] = await tx
    .insert(caseEvents)
    .values({
    caseId: entry.caseId,
    seq: sql`(select coalesce(max(${caseEvents.seq}), 0) + 1 from ${caseEvents} where ${caseEvents.caseId} = ${entry.caseId})`,
    type: entry.type,
    on: entry.on,
    at: entry.at,
    actorKind: entry.actor.kind,
    actorId: entry.actor.kind === 'staff' ? entry.actor.id : null,
    stateAfter: entry.stateAfter,
    dueOnAfter: entry.dueOnAfter,
    payload: entry.payload,
    })
    .returning({ seq: caseEvents.seq });
  return row!.seq;
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

/**
 * An earlier answered request of the same applicant to the same agency for similar information: a
 * likely repeat (art. 36(6)). Similarity is pg_trgm's, over the descriptions.
 */
export async function findLikelyRepeat(db: Executor, args: { agencyId: number; applicantKey: string; description: string }): Promise<number | null> {
  const [row] = await db
    .select({ id: cases.id })
    .from(cases)
    .where(
      and(
        eq(cases.agencyId, args.agencyId),
        eq(cases.applicantKey, args.applicantKey),
        eq(cases.state, 'answered'),
        sql`similarity(${cases.description}, ${args.description}) >= 0.5`,
      ),
    )
    .orderBy(sql`similarity(${cases.description}, ${args.description}) desc`, desc(cases.id))
    .limit(1);
  return row?.id ?? null;
}

/** Other applicants' requests to the agency for similar information (art. 44: consider publishing it). */
export async function findSimilarRequests(db: Executor, c: Pick<CaseRow, 'id' | 'agencyId' | 'applicantKey' | 'description'>, limit = 10) {
  return db
    .select({ trackingNumber: cases.trackingNumber, state: cases.state, receivedOn: cases.receivedOn, description: sql<string>`left(${cases.description}, 120)`, similarity: sql<number>`similarity(${cases.description}, ${c.description})` })
    .from(cases)
    .where(and(eq(cases.agencyId, c.agencyId), sql`${cases.applicantKey} <> ${c.applicantKey}`, sql`${cases.id} <> ${c.id}`, sql`${cases.description} % ${c.description}`))
    .orderBy(sql`similarity(${cases.description}, ${c.description}) desc`)
    .limit(limit);
}

export async function findCaseById(db: Executor, id: number): Promise<CaseRow | null> {
  const [row] = await db.select().from(cases).where(eq(cases.id, id));
  return row ?? null;
}
