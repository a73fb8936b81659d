// Statutory timers as rows: one pending timer per (case, kind), fired by the sweeper.
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { insertRows } from '../db/rows.js';
import { timers } from '../db/schema.js';
import type { DesiredTimer } from '../workflow/deadlines.js';

export type TimerRow = typeof timers.$inferSelect;

// The predicate of the partial indexes on pending timers (db/schema.ts), written as a literal: with
// 'pending' bound as a parameter, the generic plan PostgreSQL may cache for a prepared statement
// cannot use them and reads every timer ever made (0.02 against 3 ms at 42,000 timers).
const isPending = sql`${timers.status} = 'pending'`;
/** A timer that fired and was applied: the predicate of timers_fired_idx (db/schema.ts), as a literal too. */
const hasFired = sql`${timers.status} = 'done' and ${timers.result} = 'applied'`;

/**
 * Makes each case's pending timers exactly the desired ones: stale ones are canceled, missing ones
 * added; three statements whatever the number of cases. A missing one that has fired already — the
 * same kind at the same moment, applied — is not made again: every event re-derives the reminders
 * of the deadline it leaves in place, and each reminder, 5 and 1 working days before it, goes out
 * once per case whatever the events, sweeps, instances and restarts in between.
 */
export async function syncTimersOf(tx: Executor, cases: { caseId: number; desired: DesiredTimer[]; newCase?: boolean }[], now: Date): Promise<void> {
  const known = cases.filter((c) => !c.newCase).map((c) => c.caseId);
  const pending = known.length
    ? await tx
        .select({ id: timers.id, caseId: timers.caseId, kind: timers.kind, fireAt: timers.fireAt })
        .from(timers)
        .where(and(inArray(timers.caseId, known), isPending))
    : [];
  const same = (p: { kind: string; fireAt: Date }, d: DesiredTimer) => p.kind === d.kind && p.fireAt.getTime() === d.fireAt.getTime();
  const stale: number[] = [];
  let missing: (typeof timers.$inferInsert & { fireAt: Date })[] = [];
  for (const c of cases) {
    const mine = pending.filter((p) => p.caseId === c.caseId);
    stale.push(...mine.filter((p) => !c.desired.some((d) => same(p, d))).map((p) => p.id));
    for (const d of c.desired) {
      if (!mine.some((p) => same(p, d))) missing.push({ caseId: c.caseId, kind: d.kind, dueOn: d.dueOn, fireAt: d.fireAt, status: 'pending', createdAt: now });
    }
  }
  // Only a timer whose moment has come can have fired: asked about only then (rarely: an event on a
  // case after one of its reminders), through an index of the fired ones.
  const past = missing.filter((m) => m.fireAt <= now);
  if (past.length) {
    const fired = await tx
      .select({ caseId: timers.caseId, kind: timers.kind, fireAt: timers.fireAt })
      .from(timers)
      .where(and(inArray(timers.caseId, [...new Set(past.map((m) => m.caseId))]), hasFired));
    missing = missing.filter((m) => !fired.some((f) => f.caseId === m.caseId && same(f, { kind: m.kind as DesiredTimer['kind'], dueOn: m.dueOn, fireAt: m.fireAt })));
  }
  if (stale.length) await tx.update(timers).set({ status: 'canceled', doneAt: now }).where(inArray(timers.id, stale));
  await insertRows(tx, timers, missing);
}

/**
 * Claims up to `limit` timers that have fallen due. SKIP LOCKED lets several instances sweep at once
 * without waiting on, or taking, each other's timers; the claim lasts until the transaction ends.
 */
export async function claimDueTimers(tx: Executor, now: Date, limit: number): Promise<TimerRow[]> {
  return tx
    .select()
    .from(timers)
    .where(and(isPending, lte(timers.fireAt, now)))
    .orderBy(asc(timers.fireAt), asc(timers.id))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** Marks timers done, each with what came of it. */
export async function finishTimers(tx: Executor, results: { id: number; result: string }[], now: Date): Promise<void> {
  if (!results.length) return;
  await tx.execute(sql`
    update timers as t set status = 'done', result = v.result, done_at = ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(results)}::jsonb) as v(id bigint, result text)
    where t.id = v.id`);
}

export async function recordTimerFailure(db: Executor, id: number, error: string): Promise<void> {
  await db
    .update(timers)
    .set({ attempts: sql`${timers.attempts} + 1`, lastError: error.slice(0, 2000) })
    .where(eq(timers.id, id));
}

/** Pending timers, how many of them are due now, and how many have failed at least once. */
export async function timerCounts(db: Executor, now: Date) {
  const [row] = await db
    .select({
      pending: sql<number>`count(*) filter (where ${timers.status} = 'pending')::int`,
      due: sql<number>`count(*) filter (where ${timers.status} = 'pending' and ${timers.fireAt} <= ${now.toISOString()}::timestamptz)::int`,
      failing: sql<number>`count(*) filter (where ${timers.status} = 'pending' and ${timers.attempts} > 0)::int`,
      done: sql<number>`count(*) filter (where ${timers.status} = 'done')::int`,
    })
    .from(timers);
  return row!;
}
