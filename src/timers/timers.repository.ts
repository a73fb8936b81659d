// Statutory timers as rows: one pending timer per (case, kind), fired by the sweeper.
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { timers } from '../db/schema.js';
import type { DesiredTimer } from '../workflow/deadlines.js';

export type TimerRow = typeof timers.$inferSelect;

/** Makes the case's pending timers exactly the desired ones: stale ones are canceled, missing ones added. */
export async function syncTimers(tx: Executor, caseId: number, desired: DesiredTimer[], now: Date, options: { newCase?: boolean } = {}): Promise<void> {
  const pending = options.newCase
    ? []
    : await tx
        .select({ id: timers.id, kind: timers.kind, fireAt: timers.fireAt })
        .from(timers)
        .where(and(eq(timers.caseId, caseId), eq(timers.status, 'pending')));
  const same = (p: (typeof pending)[number], d: DesiredTimer) => p.kind === d.kind && p.fireAt.getTime() === d.fireAt.getTime();
  const stale = pending.filter((p) => !desired.some((d) => same(p, d)));
  const missing = desired.filter((d) => !pending.some((p) => same(p, d)));
  if (stale.length) {
    await tx
      .update(timers)
      .set({ status: 'canceled', doneAt: now })
      .where(inArray(timers.id, stale.map((s) => s.id)));
  }
  if (missing.length) {
    await tx.insert(timers).values(missing.map((d) => ({ caseId, kind: d.kind, dueOn: d.dueOn, fireAt: d.fireAt, status: 'pending' as const, createdAt: now })));
  }
}

/**
 * Claims up to `limit` timers that have fallen due. SKIP LOCKED lets several instances sweep at once
 * without waiting on, or taking, each other's timers; the claim lasts until the transaction ends.
 */
export async function claimDueTimers(tx: Executor, now: Date, limit: number): Promise<TimerRow[]> {
  return tx
    .select()
    .from(timers)
    .where(and(eq(timers.status, 'pending'), lte(timers.fireAt, now)))
    .orderBy(asc(timers.fireAt), asc(timers.id))
    .limit(limit)
    .for('update', { skipLocked: true });
}

export async function finishTimer(tx: Executor, id: number, result: string, now: Date): Promise<void> {
  await tx.update(timers).set({ status: 'done', result, doneAt: now }).where(eq(timers.id, id));
}

export async function recordTimerFailure(db: Executor, id: number, error: string): Promise<void> {
  await db
    .update(timers)
    .set({ attempts: sql`${timers.attempts} + 1`, lastError: error.slice(0, 2000) })
    .where(eq(timers.id, id));
}

export async function pendingTimersOf(db: Executor, caseId: number): Promise<TimerRow[]> {
  return db
    .select()
    .from(timers)
    .where(and(eq(timers.caseId, caseId), eq(timers.status, 'pending')))
    .orderBy(asc(timers.fireAt));
}
