// The one entry to the workflow for the rest of the system: start a case, decide an event, list what
// may happen next. Pure: the calendar and the event's date come in as arguments.
import { transition, initialTransition } from 'xstate';
import type { Calendar } from '../calendar/working-days.js';
import { deadlinesOf, timersOf, withService, type Deadlines, type DesiredTimer } from './deadlines.js';
import { EVENT_LABELS, STATE_LABELS } from './labels.js';
import { createRequestMachine, type Intent, type RequestMachine } from './request.machine.js';
import { violatedRule, type Violation } from './rules.js';
import {
  CASE_STATES,
  CLIENT_EVENT_TYPES,
  OPEN_STATES,
  SIGNED_DECISIONS,
  type CaseContext,
  type CaseState,
  type Draft,
  type EventActor,
  type SignOffPolicy,
  type EventType,
  type WorkflowEvent,
} from './types.js';
import type { IsoDate } from '../calendar/dates.js';

/** What is persisted for a case; `version` lets a stored snapshot be migrated if the machine changes. */
export type WorkflowSnapshot = { version: 1; state: CaseState; context: CaseContext };

/**
 * An accepted event's result. `drafted`: the event became a draft awaiting sign-off (nothing issued);
 * `signed`: a SIGN_OFF, which decided the draft it names (the intents and snapshot are that decision's).
 */
export type Decision =
  | { ok: true; snapshot: WorkflowSnapshot; intents: Intent[]; deadlines: Deadlines; timers: DesiredTimer[]; drafted?: Draft; signed?: Draft; reviewed?: Draft }
  | ({ ok: false } & Violation);
type Accepted = Extract<Decision, { ok: true }>;

const machines = new WeakMap<Calendar, RequestMachine>();

function machineFor(calendar: Calendar): RequestMachine {
  let machine = machines.get(calendar);
  if (!machine) {
    machine = createRequestMachine(calendar);
    machines.set(calendar, machine);
  }
  return machine;
}

function intentsOf(actions: readonly { type: string; params?: unknown }[]): Intent[] {
  return actions.filter((a) => a.type === 'notify' || a.type === 'issueLetter').map((a) => ({ type: a.type, params: a.params }) as Intent);
}

function isCaseState(value: unknown): value is CaseState {
  return typeof value === 'string' && (CASE_STATES as readonly string[]).includes(value);
}

/** The timer whose running out a pending draft already answers: it does not fire again while the draft waits. */
const PROPOSED_BY_TIMER: Partial<Record<EventType, DesiredTimer['kind']>> = { CORRECTION_PERIOD_ENDED: 'correction_due', PAYMENT_PERIOD_ENDED: 'payment_due' };

export function derive(args: { snapshot: WorkflowSnapshot; calendar: Calendar }): { deadlines: Deadlines; timers: DesiredTimer[] } {
  const deadlines = deadlinesOf({ context: args.snapshot.context, calendar: args.calendar });
  const answered = PROPOSED_BY_TIMER[args.snapshot.context.pendingDraft?.event.type ?? 'ASSIGN'];
  return { deadlines, timers: timersOf({ state: args.snapshot.state, deadlines, calendar: args.calendar }).filter((t) => t.kind !== answered) };
}

// A new case's start depends only on its receipt date and the calendar, and every case received the
// same day starts alike: the machine runs once per date (it took about 0.3 ms of CPU per submission).
const starts = new WeakMap<Calendar, Map<IsoDate, Extract<Decision, { ok: true }>>>();

export function startCase(args: { receivedOn: IsoDate; calendar: Calendar }): Extract<Decision, { ok: true }> {
  let byDate = starts.get(args.calendar);
  if (!byDate) starts.set(args.calendar, (byDate = new Map()));
  let start = byDate.get(args.receivedOn);
  if (!start) {
    const [next, actions] = initialTransition(machineFor(args.calendar), { receivedOn: args.receivedOn });
    const snapshot: WorkflowSnapshot = { version: 1, state: next.value as CaseState, context: next.context };
    start = { ok: true, snapshot, intents: intentsOf(actions), ...derive({ snapshot, calendar: args.calendar }) };
    if (byDate.size >= 400) byDate.clear();
    byDate.set(args.receivedOn, start);
  }
  // A copy: callers own what they are given.
  return structuredClone(start);
}

/** Whether this event, as this actor sends it, is a draft for the office head to sign (art. 17). */
export function isDraftedBy(event: Pick<WorkflowEvent, 'type' | 'actor'>): boolean {
  if (!(SIGNED_DECISIONS as readonly string[]).includes(event.type)) return false;
  return event.actor.kind === 'system' || (event.actor.kind === 'staff' && event.actor.role === 'clerk');
}

/**
 * Decides an event. A decision that needs the office head's sign-off (isDraftedBy) is checked as it
 * would be decided now, then kept as the case's pending draft: the case stays in its state, nothing
 * is issued, the office head is told. SIGN_OFF decides the draft as of the day of signing, by the
 * office head; RETURN_DRAFT drops it and tells the drafter why.
 */
export function decide(args: { snapshot: WorkflowSnapshot; event: WorkflowEvent; calendar: Calendar }): Decision {
  const { snapshot, event, calendar } = args;
  const { context } = snapshot;
  // Service changes no state and leaves a draft as it is: it records the day a period counted from
  // receipt starts (deadlines.ts).
  if (event.type === 'LETTER_SERVED') {
    const violation = violatedRule({ context, event, calendar });
    if (violation) return { ok: false, ...violation };
    return accepted({ ...snapshot, context: withService(context, event) }, [], calendar);
  }
  if (event.type === 'SECRECY_REVIEW') {
    const violation = violatedRule({ context, event, calendar });
    if (violation) return { ok: false, ...violation };
    const secrecyReview = { by: event.actor.kind === 'staff' ? event.actor.id : null, on: event.on, conclusion: event.conclusion };
    return accepted({ ...snapshot, context: { ...context, pendingDraft: { ...context.pendingDraft!, secrecyReview } } }, [], calendar);
  }
  if (event.type === 'SIGN_OFF' || event.type === 'RETURN_DRAFT') {
    const violation = violatedRule({ context, event, calendar });
    if (violation) return { ok: false, ...violation };
    const draft = context.pendingDraft!;
    const without = { ...snapshot, context: { ...context, pendingDraft: null } };
    // Where the agency asks for two signatures, the first is the review (审核); the second issues.
    if (event.type === 'SIGN_OFF' && event.policy?.secondSigner && !draft.reviewedBy && event.actor.kind === 'staff') {
      const reviewed = { ...draft, reviewedBy: event.actor.id };
      return {
        ...accepted(
          { ...snapshot, context: { ...context, pendingDraft: reviewed } },
          [{ type: 'notify', params: { template: 'draft_for_sign_off', to: 'supervisors' } }],
          calendar,
        ),
        reviewed,
      };
    }
    if (event.type === 'RETURN_DRAFT') return accepted(without, [{ type: 'notify', params: { template: 'draft_returned', to: 'assignee' } }], calendar);
    const signed = decideNow({ snapshot: without, event: { ...draft.event, on: event.on, actor: event.actor } as WorkflowEvent, calendar });
    return signed.ok ? { ...signed, signed: draft } : signed;
  }
  const decided = decideNow(args);
  if (!decided.ok) return decided;
  if (isDraftedBy(event)) {
    const { on: _on, actor, ...drafted } = event;
    const draft = { event: drafted, draftedBy: actor.kind === 'staff' ? actor.id : null, draftedOn: event.on } as Draft;
    const kept = { ...snapshot, context: { ...context, pendingDraft: draft } };
    return { ...accepted(kept, [{ type: 'notify', params: { template: 'draft_for_sign_off', to: 'supervisors' } }], calendar), drafted: draft };
  }
  // A decision made in the draft's place, or a case that ended otherwise, leaves no draft behind; nor
  // does a closure the timers proposed once the case has moved on (the correction or payment came in).
  const proposal = context.pendingDraft?.draftedBy === null && decided.snapshot.state !== snapshot.state;
  const supersedes = (SIGNED_DECISIONS as readonly string[]).includes(event.type) || !OPEN_STATES.includes(decided.snapshot.state) || proposal;
  return supersedes && decided.snapshot.context.pendingDraft
    ? { ...decided, snapshot: { ...decided.snapshot, context: { ...decided.snapshot.context, pendingDraft: null } } }
    : decided;
}

function accepted(snapshot: WorkflowSnapshot, intents: Intent[], calendar: Calendar): Accepted {
  return { ok: true, snapshot, intents, ...derive({ snapshot, calendar }) };
}

function decideNow(args: { snapshot: WorkflowSnapshot; event: WorkflowEvent; calendar: Calendar }): Decision {
  const { snapshot, event, calendar } = args;
  // Correcting a letter changes nothing of the case, in whatever state it is: a new letter only.
  if (event.type === 'CORRECT_LETTER') {
    const violation = violatedRule({ context: snapshot.context, event, calendar });
    if (violation) return { ok: false, ...violation };
    const kind = event.action === 'revoke' ? 'letter_revocation' : 'letter_correction';
    return accepted(
      snapshot,
      [
        { type: 'issueLetter', params: { kind } },
        { type: 'notify', params: { template: 'letter_correction', to: 'applicant' } },
      ],
      calendar,
    );
  }
  const machine = machineFor(calendar);
  const node = machine.states[snapshot.state];
  if (!node || !(event.type in node.on)) {
    return {
      ok: false,
      rule: 'workflow_state_does_not_allow',
      message: `申请当前状态为"${STATE_LABELS[snapshot.state]}"，不能进行"${EVENT_LABELS[event.type]}"`,
    };
  }
  const violation = violatedRule({ context: snapshot.context, event, calendar });
  if (violation) return { ok: false, ...violation };

  const current = machine.resolveState({ value: snapshot.state, context: snapshot.context });
  const [next, actions] = transition(machine, current, event);
  if (next === current || !isCaseState(next.value)) {
    return { ok: false, rule: 'workflow_state_does_not_allow', message: `不能进行"${EVENT_LABELS[event.type]}"` };
  }
  const nextSnapshot: WorkflowSnapshot = { version: 1, state: next.value, context: next.context };
  return { ok: true, snapshot: nextSnapshot, intents: intentsOf(actions), ...derive({ snapshot: nextSnapshot, calendar }) };
}

/** The client actions offered now: accepted in this state, and no rule on the case, date or actor broken. */
export function allowedEvents(args: { snapshot: WorkflowSnapshot; calendar: Calendar; on: IsoDate; actor: EventActor; policy?: SignOffPolicy }): string[] {
  const node = machineFor(args.calendar).states[args.snapshot.state];
  if (!node) return [];
  const { context } = args.snapshot;
  return CLIENT_EVENT_TYPES.filter((type) => {
    // Signing and correcting a letter are not the machine's: offered in any state the rules allow.
    const outside = type === 'SIGN_OFF' || type === 'RETURN_DRAFT' || type === 'SECRECY_REVIEW' || type === 'CORRECT_LETTER';
    if (!outside && !(type in node.on)) return false;
    const probe = { type, on: args.on, actor: args.actor, ...(type === 'SIGN_OFF' ? { policy: args.policy } : {}) } as WorkflowEvent;
    if (violatedRule({ context, event: probe, calendar: args.calendar, preOnly: true }) !== null) return false;
    // Signing is offered only while the drafted decision still holds (the case may have moved on).
    return type !== 'SIGN_OFF' || decide({ snapshot: args.snapshot, event: probe, calendar: args.calendar }).ok;
  });
}

/**
 * Context fields added after snapshots were first stored, with what their absence in an older
 * snapshot means. A field added to CaseContext later goes here as well as into the machine's initial
 * context; parseSnapshot fills it in, so the rest of the code never meets a snapshot without it.
 */
const ADDED_LATER = {
  extensionRequest: null,
  reasonsRequest: null,
  deferral: null,
  reopened: null,
  pendingDraft: null,
} satisfies Partial<CaseContext>;

/** A stored snapshot, brought up to the current shape (ADDED_LATER); an unknown shape is refused. */
export function parseSnapshot(value: unknown): WorkflowSnapshot {
  const s = value as Partial<WorkflowSnapshot> | null;
  if (!s || s.version !== 1 || !isCaseState(s.state) || typeof s.context !== 'object' || s.context === null) {
    throw new Error('stored workflow snapshot has an unknown shape');
  }
  return { version: 1, state: s.state, context: { ...ADDED_LATER, ...s.context } };
}
