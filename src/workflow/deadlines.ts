// Statutory periods, derived from what the workflow remembers and the official calendar. Nothing
// here is stored: when an administrator loads a year's schedule, every deadline is derived anew.
import { endOfShanghaiDay, startOfShanghaiDay, type IsoDate } from '../calendar/dates.js';
import { addWorkingDays, type Calendar, workingDaysBefore, workingDaysBetween } from '../calendar/working-days.js';
import type { LetterKind } from './request.machine.js';
import type { CaseContext, CaseState, ServiceEvent } from './types.js';

/** Art. 33: answer within 20 working days of receipt. */
export const ANSWER_PERIOD = 20;
/** Art. 33: one extension of at most 20 working days. */
export const MAX_EXTENSION = 20;
/** Art. 30: a correction may be asked for only within 7 working days of receipt. */
export const CORRECTION_WINDOW = 7;
/** Art. 32 and 34: a third party or co-producing agency has 15 working days to give its opinion. */
export const CONSULTATION_PERIOD = 15;
/** 国办函〔2020〕109号: the applicant pays within 20 working days of receiving the fee notice. */
export const PAYMENT_PERIOD = 20;

/**
 * Periods the law counts from the day a letter is *received* (docs/statute.md §6): the applicant's
 * time to correct (art. 30) and to pay (国办函〔2020〕109号), the third party's or other agency's time
 * to give its opinion (arts. 32, 34). Each runs from the recorded service of the letter that starts it.
 */
export type ServedPeriod = 'correction' | 'payment' | 'consultation';
export const PERIOD_STARTED_BY: Partial<Record<LetterKind, ServedPeriod>> = {
  correction_notice: 'correction',
  fee_notice: 'payment',
  consultation_request: 'consultation',
};

/**
 * The context with a letter's service recorded on the period it starts (the letter issued on the day
 * the period was opened). Service happens once: of two records, the earlier day stands.
 */
export function withService(context: CaseContext, event: Pick<ServiceEvent, 'letterKind' | 'issuedOn' | 'servedOn'>): CaseContext {
  const earliest = (known: string | null | undefined) => (known && known < event.servedOn ? known : event.servedOn);
  switch (PERIOD_STARTED_BY[event.letterKind as LetterKind]) {
    case 'correction': {
      const c = context.correction;
      return c && c.requestedOn === event.issuedOn ? { ...context, correction: { ...c, servedOn: earliest(c.servedOn) } } : context;
    }
    case 'payment': {
      const f = context.fee;
      return f && f.noticeOn === event.issuedOn ? { ...context, fee: { ...f, servedOn: earliest(f.servedOn) } } : context;
    }
    case 'consultation':
      return {
        ...context,
        consultations: context.consultations.map((c) => (c.startedOn === event.issuedOn ? { ...c, servedOn: earliest(c.servedOn) } : c)),
      };
    default:
      return context;
  }
}

export type StoppedPeriod = { reason: 'consultation' | 'fee'; from: IsoDate; to: IsoDate | null; workingDays: number };

export type Deadlines = {
  /** Last day to answer; null while a correction is awaited (the 20 days restart from it). */
  answerDueOn: IsoDate | null;
  /** Art. 33: time spent consulting and waiting for a fee is not counted; each stop, and its length. */
  stoppedPeriods: StoppedPeriod[];
  clockStopped: boolean;
  correctionDueOn: IsoDate | null;
  consultationDueOn: IsoDate | null;
  paymentDueOn: IsoDate | null;
  /**
   * The open period (correction, consultation or payment) whose letter's service is not recorded:
   * its due date above counts from the day of issue, provisionally, and draws no consequence.
   */
  awaitingService: ServedPeriod | null;
  /** Some count crossed a year whose official schedule is not loaded yet. */
  provisional: boolean;
};

function stoppedPeriodsOf(context: CaseContext): Omit<StoppedPeriod, 'workingDays'>[] {
  const periods: Omit<StoppedPeriod, 'workingDays'>[] = context.consultations.map((c) => ({
    reason: 'consultation',
    from: c.startedOn,
    to: c.repliedOn,
  }));
  const fee = context.fee;
  if (fee) periods.push({ reason: 'fee', from: fee.noticeOn, to: fee.paidOn ?? (context.outcome ? context.outcome.concludedOn : null) });
  // A corrected application restarts the count; earlier stops no longer matter (art. 30).
  return periods.filter((p) => p.from >= context.clockStartOn);
}

// Contexts are immutable (the machine replaces them on every change), so a context's deadlines under
// a calendar never change: the guards, the refusal check and the service share one computation.
const memo = new WeakMap<CaseContext, WeakMap<Calendar, Deadlines>>();

export function deadlinesOf(args: { context: CaseContext; calendar: Calendar }): Deadlines {
  let byCalendar = memo.get(args.context);
  if (!byCalendar) memo.set(args.context, (byCalendar = new WeakMap()));
  let deadlines = byCalendar.get(args.calendar);
  if (!deadlines) byCalendar.set(args.calendar, (deadlines = computeDeadlines(args)));
  return deadlines;
}

function computeDeadlines(args: { context: CaseContext; calendar: Calendar }): Deadlines {
  const { context, calendar } = args;
  let provisional = false;
  const add = (from: IsoDate, days: number) => {
    const r = addWorkingDays({ from, days, calendar });
    provisional ||= r.provisional;
    return r.due;
  };

  const stoppedPeriods = stoppedPeriodsOf(context).map((p) => {
    if (p.to === null) return { ...p, workingDays: 0 };
    const r = workingDaysBetween({ from: p.from, to: p.to, calendar });
    provisional ||= r.provisional;
    return { ...p, workingDays: r.days };
  });
  const stopped = stoppedPeriods.reduce((sum, p) => sum + p.workingDays, 0);
  const clockStopped = !context.outcome && stoppedPeriods.some((p) => p.to === null);

  const correction = context.correction;
  const awaitingCorrection = correction !== null && correction.receivedOn === null;
  const statutoryDueOn = awaitingCorrection ? null : add(context.clockStartOn, ANSWER_PERIOD + (context.extension?.workingDays ?? 0) + stopped);
  // Art. 35: a later date the agency set for requests beyond reason replaces an earlier one.
  const deferredTo = context.deferral?.dueOn ?? null;
  const answerDueOn = statutoryDueOn !== null && deferredTo !== null && deferredTo > statutoryDueOn ? deferredTo : statutoryDueOn;

  const openConsultation = context.consultations.find((c) => c.repliedOn === null);
  const fee = context.fee;
  const awaitingPayment = fee !== null && fee.paidOn === null && !context.outcome;
  // Each runs from the letter's service; until that is recorded, from its issue (provisionally).
  const awaitingService: ServedPeriod | null =
    awaitingCorrection && !correction.servedOn
      ? 'correction'
      : openConsultation && !openConsultation.servedOn
        ? 'consultation'
        : awaitingPayment && !fee.servedOn
          ? 'payment'
          : null;
  return {
    answerDueOn,
    stoppedPeriods,
    clockStopped,
    correctionDueOn: awaitingCorrection ? add(correction.servedOn ?? correction.requestedOn, correction.dueInWorkingDays) : null,
    consultationDueOn: openConsultation ? add(openConsultation.servedOn ?? openConsultation.startedOn, CONSULTATION_PERIOD) : null,
    paymentDueOn: fee && fee.paidOn === null ? add(fee.servedOn ?? fee.noticeOn, PAYMENT_PERIOD) : null,
    awaitingService,
    provisional,
  };
}

export const TIMER_KINDS = ['answer_due', 'correction_due', 'consultation_due', 'payment_due', 'service_due', 'reminder_5', 'reminder_1'] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

/** Reminders to the assignee this many working days before the answer is due, at 08:00. */
export const REMINDERS = { reminder_5: 5, reminder_1: 1 } as const;
const REMINDER_HOUR_MS = 8 * 60 * 60 * 1000;

/** `dueOn` is the last day of the period the timer watches (for reminders: the answer deadline). */
export type DesiredTimer = { kind: TimerKind; dueOn: IsoDate; fireAt: Date };

/**
 * The timers a case in this state needs: each statutory one fires when its period has run out, at
 * the end of the last day in Asia/Shanghai, and the sweeper turns it into a workflow event. A period
 * whose letter is not yet served has `service_due` instead, when it would have run out counted from
 * issue: a reminder to the assignee to record the service, never a consequence (docs/statute.md §6).
 */
export function timersOf(args: { state: CaseState; deadlines: Deadlines; calendar: Calendar }): DesiredTimer[] {
  const { state, deadlines, calendar } = args;
  const timer = (kind: TimerKind, dueOn: IsoDate | null): DesiredTimer[] => (dueOn ? [{ kind, dueOn, fireAt: endOfShanghaiDay(dueOn) }] : []);
  const reminders = (dueOn: IsoDate | null): DesiredTimer[] =>
    dueOn
      ? (Object.entries(REMINDERS) as [TimerKind, number][]).map(([kind, days]) => ({
          kind,
          dueOn,
          fireAt: new Date(startOfShanghaiDay(workingDaysBefore({ date: dueOn, days, calendar }).date).getTime() + REMINDER_HOUR_MS),
        }))
      : [];
  // The period would run out counted from issue; whether it has depends on the day of service.
  const served = (kind: TimerKind, period: ServedPeriod, dueOn: IsoDate | null) => timer(deadlines.awaitingService === period ? 'service_due' : kind, dueOn);
  switch (state) {
    case 'received':
    case 'assigned':
      return [...timer('answer_due', deadlines.answerDueOn), ...reminders(deadlines.answerDueOn)];
    case 'awaiting_correction':
      return served('correction_due', 'correction', deadlines.correctionDueOn);
    case 'consulting':
      return served('consultation_due', 'consultation', deadlines.consultationDueOn);
    case 'awaiting_payment':
      return served('payment_due', 'payment', deadlines.paymentDueOn);
    default:
      return [];
  }
}

/**
 * Whether the answer is late on `on`: marked overdue by the sweeper, or running past its due date
 * and not yet swept; a stopped clock (consultation, fee) is not late. The queue's 已超期 tab asks the
 * same in SQL (desk/queue.repository.ts).
 */
export function pastDue(c: { state: string; dueOn: string | null; clockStopped: boolean }, on: string): boolean {
  if (c.clockStopped) return false;
  return c.state === 'overdue' || ((c.state === 'received' || c.state === 'assigned') && c.dueOn !== null && c.dueOn < on);
}
