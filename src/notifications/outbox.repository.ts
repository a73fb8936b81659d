// Mail waiting to be sent. Rows are written in the transaction that causes them; workers lease due
// rows (SKIP LOCKED, so instances never take the same one), send, then mark them.
import { and, asc, desc, eq, inArray, isNull, lte, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { insertRows } from '../db/rows.js';
import { cases, outbox } from '../db/schema.js';

export type OutboxRow = typeof outbox.$inferSelect;

/** The in-process notice (ctx.events) that mail was queued and committed: the worker runs at once. */
export const MAIL_QUEUED = 'mail.queued';

export type NewMail = Omit<typeof outbox.$inferInsert, 'status' | 'attempts'>;

// The predicate of the partial index on pending mail (db/schema.ts), written as a literal: with
// 'pending' bound as a parameter, the generic plan PostgreSQL may cache for the prepared lease
// statement cannot use it and reads every mail ever sent (19 ms at 14,000 mails, against 0.5).
const isPending = sql`${outbox.status} = 'pending'`;

/** Queues mails; one whose key is already queued is left out, so an intent replayed never mails twice. */
export async function enqueueMails(tx: Executor, mails: NewMail[]): Promise<void> {
  await insertRows(
    tx,
    outbox,
    mails.map((m) => ({ ...m, status: 'pending' as const, attempts: 0 })),
    { skipConflictsOn: outbox.dedupeKey },
  );
}

/** Leases up to `limit` due mails until `leaseUntil`. */
export async function leaseDueMail(db: Executor, now: Date, leaseUntil: Date, limit: number): Promise<OutboxRow[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(isPending, lte(outbox.nextAttemptAt, now), or(isNull(outbox.lockedUntil), lt(outbox.lockedUntil, now))))
      .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (!due.length) return [];
    return tx
      .update(outbox)
      .set({ lockedUntil: leaseUntil, attempts: sql`${outbox.attempts} + 1` })
      .where(
        inArray(
          outbox.id,
          due.map((d) => d.id),
        ),
      )
      .returning();
  });
}

/** Hands leased mails back unsent (still held by this lease): due for any worker at once, not counted as attempts. */
export async function releaseLeases(db: Executor, ids: number[], leaseUntil: Date): Promise<void> {
  if (!ids.length) return;
  await db
    .update(outbox)
    .set({ lockedUntil: null, attempts: sql`${outbox.attempts} - 1` })
    .where(and(inArray(outbox.id, ids), eq(outbox.status, 'pending'), eq(outbox.lockedUntil, leaseUntil)));
}

/**
 * A sent mail keeps who it went to, when and its subject, not its text: an acknowledgment carries the
 * access code, which the case keeps only as a hash, and the letters a mail carries are kept as issued.
 * Recorded whoever holds the lease: the mail did go out.
 */
export async function markSent(db: Executor, id: number, at: Date, providerRef: string | null = null): Promise<void> {
  await db.update(outbox).set({ status: 'sent', sentAt: at, lockedUntil: null, lastError: null, text: '', html: '', providerRef }).where(eq(outbox.id, id));
}

/** The SMS a provider's delivery report names. */
export async function findSmsByProviderRef(db: Executor, providerRef: string) {
  const [row] = await db
    .select({ id: outbox.id, caseId: outbox.caseId, letterSeq: outbox.letterSeq })
    .from(outbox)
    .where(and(eq(outbox.providerRef, providerRef), eq(outbox.channel, 'sms')));
  return row ?? null;
}

/**
 * A failed send is recorded only while the worker still holds the lease it sent under: a worker held
 * up past its lease (a stalled process, a clock set wrong) must not free a mail another worker has
 * since taken and is sending, nor mark failed one that went out.
 */
async function recordFailure(db: Executor, id: number, leaseUntil: Date, set: Partial<typeof outbox.$inferInsert>): Promise<boolean> {
  const rows = await db
    .update(outbox)
    .set({ ...set, lockedUntil: null })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'pending'), eq(outbox.lockedUntil, leaseUntil)))
    .returning({ id: outbox.id });
  return rows.length > 0;
}

/** False when the lease was lost meanwhile and nothing was recorded. */
export const markRetry = (db: Executor, id: number, leaseUntil: Date, nextAttemptAt: Date, error: string) =>
  recordFailure(db, id, leaseUntil, { nextAttemptAt, lastError: error.slice(0, 2000) });

/** False when the lease was lost meanwhile and nothing was recorded. */
export const markFailed = (db: Executor, id: number, leaseUntil: Date, error: string) => recordFailure(db, id, leaseUntil, { status: 'failed', lastError: error.slice(0, 2000) });

/**
 * An administrator sends a failed mail again, or a pending one at once (a stuck one once its lease
 * has run out); not one a worker is sending: another worker would send it a second time.
 */
export async function retryMail(db: Executor, id: number, now: Date): Promise<boolean> {
  const rows = await db
    .update(outbox)
    .set({ status: 'pending', nextAttemptAt: now, lockedUntil: null, attempts: 0 })
    .where(and(eq(outbox.id, id), inArray(outbox.status, ['failed', 'pending']), or(isNull(outbox.lockedUntil), lt(outbox.lockedUntil, now))))
    .returning({ id: outbox.id });
  return rows.length > 0;
}

export async function listOutbox(db: Executor, options: { status?: 'pending' | 'sent' | 'failed'; limit?: number }) {
  return db
    .select({
      id: outbox.id,
      template: outbox.template,
      recipient: outbox.recipient,
      subject: outbox.subject,
      status: outbox.status,
      attempts: outbox.attempts,
      nextAttemptAt: outbox.nextAttemptAt,
      lastError: outbox.lastError,
      createdAt: outbox.createdAt,
      sentAt: outbox.sentAt,
      trackingNumber: cases.trackingNumber,
    })
    .from(outbox)
    .leftJoin(cases, eq(cases.id, outbox.caseId))
    .where(options.status ? eq(outbox.status, options.status) : undefined)
    .orderBy(desc(outbox.id))
    .limit(options.limit ?? 100);
}

/** How many mails are in each state, and of those pending how many failed an attempt and wait to be tried again. */
export async function countOutbox(db: Executor) {
  const rows = await db
    .select({ status: outbox.status, n: sql<number>`count(*)::int`, retrying: sql<number>`(count(*) filter (where ${outbox.attempts} > 0))::int` })
    .from(outbox)
    .groupBy(outbox.status);
  const counts = Object.fromEntries(rows.map((r) => [r.status, r.n])) as Partial<Record<'pending' | 'sent' | 'failed', number>>;
  return { ...counts, retrying: rows.find((r) => r.status === 'pending')?.retrying ?? 0 };
}

/** Where the acknowledgment of a case's receipt stands: accepted by the recipient's server, still to go, or failed. */
export async function acknowledgmentStatus(db: Executor, caseId: number): Promise<'sent' | 'pending' | 'failed' | null> {
  const [row] = await db
    .select({ status: outbox.status })
    .from(outbox)
    .where(and(eq(outbox.caseId, caseId), eq(outbox.template, 'acknowledgment')))
    .orderBy(asc(outbox.id))
    .limit(1);
  return row?.status ?? null;
}

/** The mails sent or queued about a case, oldest first: the record of electronic delivery in the case file. */
export async function mailsOfCase(db: Executor, caseId: number) {
  return db
    .select({ template: outbox.template, recipient: outbox.recipient, subject: outbox.subject, status: outbox.status, sentAt: outbox.sentAt, createdAt: outbox.createdAt })
    .from(outbox)
    .where(eq(outbox.caseId, caseId))
    .orderBy(asc(outbox.id));
}
