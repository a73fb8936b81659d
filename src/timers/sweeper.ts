// Turns statutory timers that have fallen due into workflow events. Each batch is one transaction:
// claim due timers (SKIP LOCKED, so instances never take the same one), lock each case, apply the
// event through the same service as user actions, mark the timer done. A crash before commit leaves
// the timers pending for the next sweep; a machine that has moved on refuses a stale event, so a
// replay is harmless.
import { today } from '../calendar/clock.js';
import { workingDaysBetween } from '../calendar/working-days.js';
import type { AppContext } from '../context.js';
import type { Tx } from '../db/client.js';
import { findAgencyById } from '../agencies/agencies.repository.js';
import { queueNotification } from '../notifications/notifications.service.js';
import { appendTimeline, lockCase, type CaseRow } from '../requests/cases.repository.js';
import { applyToLockedCase } from '../requests/workflow.service.js';
import { REMINDERS, type TimerKind } from '../workflow/deadlines.js';
import type { TimerEvent, WorkflowEvent } from '../workflow/types.js';
import { derive, parseSnapshot } from '../workflow/workflow.js';
import { claimDueTimers, finishTimer, recordTimerFailure, type TimerRow } from './timers.repository.js';

const EVENT_OF: Record<Exclude<TimerKind, keyof typeof REMINDERS>, TimerEvent['type']> = {
  answer_due: 'DEADLINE_PASSED',
  correction_due: 'CORRECTION_PERIOD_ENDED',
  consultation_due: 'CONSULTATION_PERIOD_ENDED',
  payment_due: 'PAYMENT_PERIOD_ENDED',
};

/** A reminder to the assignee, if the case is still running towards the deadline the reminder was set for. */
async function remind(tx: Tx, ctx: AppContext, timer: TimerRow, row: CaseRow, now: Date): Promise<string> {
  if ((row.state !== 'received' && row.state !== 'assigned') || row.dueOn !== timer.dueOn) {
    await finishTimer(tx, timer.id, 'ignored: deadline changed', now);
    return 'ignored';
  }
  const on = today(ctx.clock);
  const calendar = await ctx.calendar(tx);
  const workingDaysLeft = workingDaysBetween({ from: on, to: timer.dueOn, calendar }).days;
  const seq = await appendTimeline(tx, { caseId: row.id, type: 'REMINDER', on, at: now, actor: { kind: 'system' }, stateAfter: row.state, dueOnAfter: row.dueOn, payload: { dueOn: timer.dueOn, workingDaysLeft } });
  const { deadlines } = derive({ snapshot: parseSnapshot(row.snapshot), calendar });
  const agency = (await findAgencyById(tx, row.agencyId))!;
  await queueNotification(tx, ctx, { row, decision: { deadlines }, seq, on, template: 'reminder', to: 'assignee', agency, letters: [], workingDaysLeft });
  return 'applied';
}

async function fire(tx: Tx, ctx: AppContext, timer: TimerRow, now: Date): Promise<string> {
  await finishTimer(tx, timer.id, 'applied', now);
  const row = await lockCase(tx, { id: timer.caseId });
  if (!row) return 'unknown';
  if (timer.kind in REMINDERS) return remind(tx, ctx, timer, row, now);
  const type = EVENT_OF[timer.kind as keyof typeof EVENT_OF];
  if (!type) return 'unknown';
  const event = { type, dueOn: timer.dueOn, on: today(ctx.clock), actor: { kind: 'system' } } as WorkflowEvent;
  const { decision } = await applyToLockedCase(tx, ctx, { row, event, payload: { dueOn: timer.dueOn, timer: timer.kind } });
  if (decision.ok) return 'applied';
  await finishTimer(tx, timer.id, `ignored: ${decision.rule}`, now);
  return 'ignored';
}

export type SweepResult = { applied: number; ignored: number; failed: number };

export function createSweeper(ctx: AppContext, options: { batchSize?: number; concurrency?: number } = {}) {
  const batchSize = options.batchSize ?? 100;
  // PGlite has one connection: parallel batches would only queue behind each other.
  const concurrency = ctx.dbKind === 'pglite' ? 1 : (options.concurrency ?? 4);

  async function sweepBatch(now: Date, failedIds: Set<number>, total: SweepResult): Promise<number> {
    const failures: { id: number; error: string }[] = [];
    const claimed = await ctx.db.transaction(async (tx) => {
      const due = (await claimDueTimers(tx, now, batchSize + failedIds.size)).filter((t) => !failedIds.has(t.id)).slice(0, batchSize);
      for (const timer of due) {
        try {
          // A savepoint per timer: one that fails is rolled back alone and retried on the next sweep.
          const result = await tx.transaction((sp) => fire(sp, ctx, timer, now));
          if (result === 'applied') total.applied += 1;
          else total.ignored += 1;
        } catch (err) {
          failures.push({ id: timer.id, error: err instanceof Error ? err.message : String(err) });
        }
      }
      return due.length;
    });
    for (const f of failures) {
      failedIds.add(f.id);
      total.failed += 1;
      ctx.log.error({ timerId: f.id, err: f.error }, 'timer failed; it stays pending for the next sweep');
      await recordTimerFailure(ctx.db, f.id, f.error);
    }
    return claimed;
  }

  /** Applies every timer due now; returns what it did. Several instances may run this at once. */
  async function runOnce(): Promise<SweepResult> {
    const now = ctx.clock.now();
    const total: SweepResult = { applied: 0, ignored: 0, failed: 0 };
    const failedIds = new Set<number>();
    const worker = async () => {
      while ((await sweepBatch(now, failedIds, total)) === batchSize) {
        // keep going while batches come back full
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return total;
  }

  return { runOnce };
}
export type Sweeper = ReturnType<typeof createSweeper>;
