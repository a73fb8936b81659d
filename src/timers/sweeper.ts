// Turns timers that have fallen due into workflow events. Each batch is one transaction: claim due
// timers (SKIP LOCKED, so instances never take the same one), lock their cases, apply the events
// through the same service as staff actions, mark the timers done. A crash before commit leaves the
// timers pending for the next sweep; a machine that has moved on refuses a stale event, so a replay
// is harmless. Reminders are not workflow events: they mail the assignee if the case still needs them
// (the answer still due that day; a letter's service still unrecorded).
import { today } from '../calendar/clock.js';
import { workingDaysBetween } from '../calendar/working-days.js';
import type { AppContext } from '../context.js';
import type { Tx } from '../db/client.js';
import { appendTimelineEntries, lockCases, type CaseRow } from '../requests/cases.repository.js';
import { applyIntents } from '../requests/intents.js';
import { applyToLockedCases, type EventItem } from '../requests/workflow.service.js';
import type { TimerKind } from '../workflow/deadlines.js';
import type { MailTemplate, TimerEvent, WorkflowEvent } from '../workflow/types.js';
import { derive, parseSnapshot } from '../workflow/workflow.js';
import { claimDueTimers, finishTimers, recordTimerFailure, type TimerRow } from './timers.repository.js';

/** Timers that tell the assignee something: the answer falls due soon, or a letter's service is not recorded (docs/statute.md §6). */
const REMINDER_MAILS = { reminder_5: 'reminder', reminder_1: 'reminder', service_due: 'service_reminder' } as const satisfies Partial<Record<TimerKind, MailTemplate>>;

const EVENT_OF: Record<Exclude<TimerKind, keyof typeof REMINDER_MAILS>, TimerEvent['type']> = {
  answer_due: 'DEADLINE_PASSED',
  correction_due: 'CORRECTION_PERIOD_ENDED',
  consultation_due: 'CONSULTATION_PERIOD_ENDED',
  payment_due: 'PAYMENT_PERIOD_ENDED',
};

const isReminder = (kind: string): kind is keyof typeof REMINDER_MAILS => kind in REMINDER_MAILS;

export type SweepResult = { applied: number; ignored: number; failed: number };

/** Applies claimed timers inside the caller's transaction; returns what came of each. */
async function fireTimers(tx: Tx, ctx: AppContext, due: TimerRow[], now: Date): Promise<{ id: number; result: string }[]> {
  const on = today(ctx.clock);
  const cases = new Map((await lockCases(tx, [...new Set(due.map((t) => t.caseId))])).map((c) => [c.id, c]));
  const results: { id: number; result: string }[] = [];

  const events: { timer: TimerRow; item: EventItem }[] = [];
  const reminders: { timer: TimerRow; row: CaseRow }[] = [];
  for (const timer of due) {
    const row = cases.get(timer.caseId);
    if (!row) results.push({ id: timer.id, result: 'ignored: no case' });
    else if (isReminder(timer.kind)) reminders.push({ timer, row });
    else {
      const type = EVENT_OF[timer.kind as keyof typeof EVENT_OF];
      const event = { type, dueOn: timer.dueOn, on, actor: { kind: 'system' } } as WorkflowEvent;
      events.push({ timer, item: { row, event, payload: { dueOn: timer.dueOn, timer: timer.kind } } });
    }
  }

  const outcomes = await applyToLockedCases(
    tx,
    ctx,
    events.map((e) => e.item),
  );
  outcomes.forEach(({ decision }, k) => results.push({ id: events[k]!.timer.id, result: decision.ok ? 'applied' : `ignored: ${decision.rule}` }));

  // A reminder holds only while the case still needs it: the same timer is what it would set now.
  const calendar = await ctx.calendar(tx);
  const live = reminders.filter(({ timer, row }) => {
    const updated = outcomes.find((o) => o.row.id === row.id)?.row ?? row;
    const holds = derive({ snapshot: parseSnapshot(updated.snapshot), calendar }).timers.some((t) => t.kind === timer.kind && t.dueOn === timer.dueOn);
    if (!holds) results.push({ id: timer.id, result: 'ignored: deadline changed' });
    return holds;
  });
  const daysLeft = live.map(({ timer }) => workingDaysBetween({ from: on, to: timer.dueOn, calendar }).days);
  const seqs = await appendTimelineEntries(
    tx,
    live.map(({ timer, row }, k) => ({
      caseId: row.id,
      type: 'REMINDER',
      on,
      at: now,
      actor: { kind: 'system' },
      stateAfter: row.state,
      dueOnAfter: row.dueOn,
      payload: timer.kind === 'service_due' ? { dueOn: timer.dueOn, service: 'unrecorded' } : { dueOn: timer.dueOn, workingDaysLeft: daysLeft[k] },
    })),
  );
  await applyIntents(
    tx,
    ctx,
    live.map(({ row, timer }, k) => {
      const snapshot = parseSnapshot(row.snapshot);
      const template = REMINDER_MAILS[timer.kind as keyof typeof REMINDER_MAILS];
      return {
        row,
        decision: { snapshot, deadlines: derive({ snapshot, calendar }).deadlines, intents: [{ type: 'notify', params: { template, to: 'assignee' } }] },
        seq: seqs[k]!,
        on,
        payload: {},
        workingDaysLeft: daysLeft[k],
      };
    }),
  );
  results.push(...live.map(({ timer }) => ({ id: timer.id, result: 'applied' })));
  await finishTimers(tx, results, now);
  return results;
}

export function createSweeper(ctx: AppContext, options: { batchSize?: number; concurrency?: number } = {}) {
  // PGlite runs in this process and does not yield while it works: small batches keep the portal
  // answering during a long sweep. It also has one connection, so batches could only queue.
  const embedded = ctx.dbKind === 'pglite';
  const batchSize = options.batchSize ?? (embedded ? 50 : 200);
  const concurrency = embedded ? 1 : (options.concurrency ?? 2);
  let stopping = false;

  const count = (total: SweepResult, results: { result: string }[]) => {
    for (const r of results) {
      if (r.result === 'applied') total.applied += 1;
      else total.ignored += 1;
    }
  };

  /** Claims one batch and applies it; a batch that fails is retried timer by timer to isolate the culprit. */
  async function sweepBatch(now: Date, failed: Set<number>, total: SweepResult): Promise<number> {
    let claimed: TimerRow[] = [];
    try {
      const results = await ctx.db.transaction(async (tx) => {
        const due = (await claimDueTimers(tx, now, batchSize + failed.size)).filter((t) => !failed.has(t.id));
        // One workflow timer per case per batch; another one for the same case waits for the next batch.
        const seen = new Set<number>();
        claimed = due.filter((t) => isReminder(t.kind) || (!seen.has(t.caseId) && seen.add(t.caseId))).slice(0, batchSize);
        return fireTimers(tx, ctx, claimed, now);
      });
      count(total, results);
      return claimed.length;
    } catch (err) {
      if (!claimed.length) throw err;
      for (const timer of claimed) {
        try {
          const results = await ctx.db.transaction(async (tx) => {
            const [still] = (await claimDueTimers(tx, now, batchSize + failed.size)).filter((t) => t.id === timer.id);
            return still ? fireTimers(tx, ctx, [still], now) : [];
          });
          count(total, results);
        } catch (single) {
          const message = single instanceof Error ? single.message : String(single);
          failed.add(timer.id);
          total.failed += 1;
          ctx.log.error({ timerId: timer.id, err: message }, 'timer failed; it stays pending for the next sweep');
          await recordTimerFailure(ctx.db, timer.id, message);
        }
      }
      return claimed.length;
    }
  }

  /** Applies every timer due now; returns what it did. Several instances may run this at once. */
  async function runOnce(): Promise<SweepResult> {
    const now = ctx.clock.now();
    const total: SweepResult = { applied: 0, ignored: 0, failed: 0 };
    const failed = new Set<number>();
    const worker = async () => {
      while (!stopping && (await sweepBatch(now, failed, total)) > 0) {
        // Let requests in between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return total;
  }

  return {
    runOnce,
    /** Stop claiming new batches; the batch in hand is finished. */
    stop() {
      stopping = true;
    },
  };
}
export type Sweeper = ReturnType<typeof createSweeper>;
