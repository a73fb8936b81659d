// Art. 17 (review before disclosure): a clerk's decision is a draft until the office head of the case's
// agency signs it; the timers propose closures rather than issuing them. Through the pure workflow.
import t, { type Test } from 'tap';
import type { IsoDate } from '../calendar/dates.js';
import { OFFICIAL_SCHEDULES } from '../calendar/official-schedules.js';
import { buildCalendar } from '../calendar/working-days.js';
import { NO_ANSWER_DETAILS, type ClientEvent, type EventActor, type TimerEvent } from './types.js';
import { allowedEvents, decide, startCase, type Decision } from './workflow.js';

const calendar = buildCalendar(OFFICIAL_SCHEDULES);
const clerk: EventActor = { kind: 'staff', id: 7, role: 'clerk', ofCaseAgency: true };
const officeHead: EventActor = { kind: 'staff', id: 8, role: 'supervisor', ofCaseAgency: true };
const system: EventActor = { kind: 'system' };
const applicant: EventActor = { kind: 'applicant' };
const RECEIVED = '2026-03-02'; // a Monday; the answer is due 2026-03-30

type Ok = Extract<Decision, { ok: true }>;
const answer = { type: 'ANSWER', disposition: 'disclosed', text: '经审查，您申请的信息予以公开，见附件。', ...NO_ANSWER_DETAILS } as ClientEvent;

function act(from: Ok, on: IsoDate, event: ClientEvent | TimerEvent, actor: EventActor): Decision {
  return decide({ snapshot: from.snapshot, event: { ...event, on, actor } as never, calendar });
}

/** The letter served on the day it was issued (docs/statute.md §6): its period runs from that day. */
const servedOnIssue = (d: Ok, letterKind: string, on: IsoDate) =>
  decide({ snapshot: d.snapshot, event: { type: 'LETTER_SERVED', letterKind, issuedOn: on, servedOn: on, method: 'in_person', on, actor: { kind: 'system' } }, calendar }) as Ok;

function ok(t: Test, d: Decision): Ok {
  if (!d.ok) t.fail(`refused by ${d.rule}: ${d.message}`);
  return d as Ok;
}

const refusedBy = (t: Test, d: Decision, rule: string) => t.equal(d.ok ? 'accepted' : d.rule, rule, `refused by ${rule}`);

const assigned = () => ok(t, act(startCase({ receivedOn: RECEIVED, calendar }), RECEIVED, { type: 'ASSIGN', assignee: 7 }, officeHead));

t.test("art. 17: a clerk's answer is a draft; the office head signs it and it is issued that day", async (t) => {
  const drafted = ok(t, act(assigned(), '2026-03-10', answer, clerk));
  t.ok(drafted.drafted, 'kept as a draft');
  t.equal(drafted.snapshot.state, 'assigned', 'the case stays in its state');
  t.same(
    drafted.intents.filter((i) => i.type === 'issueLetter'),
    [],
    'no letter is issued',
  );
  t.same(drafted.intents, [{ type: 'notify', params: { template: 'draft_for_sign_off', to: 'supervisors' } }], 'the office head is told');
  t.equal(drafted.snapshot.context.pendingDraft?.draftedBy, 7);
  t.equal(drafted.deadlines.answerDueOn, '2026-03-30', 'the answer clock runs meanwhile');

  refusedBy(t, act(drafted, '2026-03-11', { type: 'SIGN_OFF' }, clerk), 'art17_signed_off_by_office_head');
  refusedBy(t, act(drafted, '2026-03-11', answer, clerk), 'art17_one_draft_awaiting_sign_off');
  t.same(allowedEvents({ snapshot: drafted.snapshot, calendar, on: '2026-03-11', actor: officeHead }).slice(-2), ['SIGN_OFF', 'RETURN_DRAFT']);
  t.notOk(allowedEvents({ snapshot: drafted.snapshot, calendar, on: '2026-03-11', actor: clerk }).includes('ANSWER'), 'no second draft offered');

  const signed = ok(t, act(drafted, '2026-03-12', { type: 'SIGN_OFF' }, officeHead));
  t.equal(signed.snapshot.state, 'answered');
  t.equal(signed.snapshot.context.outcome?.concludedOn, '2026-03-12', 'the answer date is the sign-off date');
  t.equal(signed.snapshot.context.pendingDraft, null);
  t.ok(signed.signed, 'names the draft it signed');
  t.ok(
    signed.intents.some((i) => i.type === 'issueLetter' && i.params.kind === 'answer'),
    'the answer letter is issued',
  );
});

t.test('art. 17: a draft returned with a comment goes back to the drafter; the case can be redrafted', async (t) => {
  const drafted = ok(t, act(assigned(), '2026-03-10', answer, clerk));
  refusedBy(t, act(drafted, '2026-03-11', { type: 'RETURN_DRAFT', comment: ' ' }, officeHead), 'art17_return_with_comment');
  const returned = ok(t, act(drafted, '2026-03-11', { type: 'RETURN_DRAFT', comment: '请写明公开的文件名称' }, officeHead));
  t.equal(returned.snapshot.context.pendingDraft, null);
  t.equal(returned.snapshot.state, 'assigned');
  t.same(returned.intents, [{ type: 'notify', params: { template: 'draft_returned', to: 'assignee' } }]);
  refusedBy(t, act(returned, '2026-03-11', { type: 'SIGN_OFF' }, officeHead), 'art17_draft_awaiting_sign_off');
  const redrafted = ok(t, act(returned, '2026-03-12', answer, clerk));
  t.ok(redrafted.drafted);
});

t.test("the office head's own decision is signed as made; a transfer and a withdrawal by a clerk are drafts", async (t) => {
  const own = ok(t, act(assigned(), '2026-03-10', answer, officeHead));
  t.notOk(own.drafted);
  t.equal(own.snapshot.state, 'answered');
  const transfer = ok(t, act(assigned(), '2026-03-10', { type: 'TRANSFER', agency: 'b', agencyName: '乙局', reason: '职责分工' }, clerk));
  t.equal(transfer.snapshot.state, 'assigned');
  t.equal(transfer.snapshot.context.pendingDraft?.event.type, 'TRANSFER');
  const withdrawal = ok(t, act(assigned(), '2026-03-10', { type: 'WITHDRAW', reason: '申请人书面撤回' }, clerk));
  t.equal(withdrawal.snapshot.context.pendingDraft?.event.type, 'WITHDRAW');
});

t.test('the answer period runs out while a draft waits: overdue, and the draft can still be signed', async (t) => {
  const drafted = ok(t, act(assigned(), '2026-03-27', answer, clerk));
  const overdue = ok(t, act(drafted, '2026-03-31', { type: 'DEADLINE_PASSED', dueOn: '2026-03-30' }, system));
  t.equal(overdue.snapshot.state, 'overdue');
  t.ok(overdue.snapshot.context.pendingDraft, 'the draft is still there');
  t.equal(ok(t, act(overdue, '2026-03-31', { type: 'SIGN_OFF' }, officeHead)).snapshot.state, 'answered');
});

t.test('art. 30: a correction period that ran out is proposed to the office head, not closed unseen', async (t) => {
  const asked = servedOnIssue(
    ok(t, act(assigned(), '2026-03-03', { type: 'REQUEST_CORRECTION', items: ['请写明文件名称'], dueInWorkingDays: 10 }, clerk)),
    'correction_notice',
    '2026-03-03',
  );
  const dueOn = asked.deadlines.correctionDueOn!;
  t.ok(
    asked.timers.some((x) => x.kind === 'correction_due'),
    'the correction timer is set',
  );
  const proposed = ok(t, act(asked, '2026-03-18', { type: 'CORRECTION_PERIOD_ENDED', dueOn }, system));
  t.equal(proposed.snapshot.state, 'awaiting_correction', 'not closed yet');
  t.equal(proposed.snapshot.context.pendingDraft?.draftedBy, null, 'proposed by the timers');
  t.notOk(
    proposed.timers.some((x) => x.kind === 'correction_due'),
    'the timer does not fire again while the proposal waits',
  );
  t.same(
    proposed.intents.filter((i) => i.type === 'issueLetter'),
    [],
  );
  const closed = ok(t, act(proposed, '2026-03-19', { type: 'SIGN_OFF' }, officeHead));
  t.equal(closed.snapshot.state, 'closed');
  t.equal(closed.snapshot.context.outcome?.reason, 'no_correction');
  t.ok(closed.intents.some((i) => i.type === 'issueLetter' && i.params.kind === 'closure_notice'));
});

t.test('the applicant may still withdraw while a draft waits; nothing of the draft remains', async (t) => {
  const drafted = ok(t, act(assigned(), '2026-03-10', answer, clerk));
  const withdrawn = ok(t, act(drafted, '2026-03-11', { type: 'WITHDRAW', reason: '' }, applicant));
  t.equal(withdrawn.snapshot.state, 'closed');
  t.equal(withdrawn.snapshot.context.pendingDraft, null);
});

t.test('a closure the timers proposed lapses when the correction comes in before it is signed (art. 30)', async (t) => {
  const asked = servedOnIssue(
    ok(t, act(assigned(), '2026-03-03', { type: 'REQUEST_CORRECTION', items: ['请写明文件名称'], dueInWorkingDays: 10 }, clerk)),
    'correction_notice',
    '2026-03-03',
  );
  const proposed = ok(t, act(asked, '2026-03-18', { type: 'CORRECTION_PERIOD_ENDED', dueOn: asked.deadlines.correctionDueOn! }, system));
  const corrected = ok(t, act(proposed, '2026-03-18', { type: 'CORRECTION_RECEIVED', receivedOn: '2026-03-18', text: '所需为2025年的清单' }, clerk));
  t.equal(corrected.snapshot.state, 'assigned');
  t.equal(corrected.snapshot.context.pendingDraft, null, 'the proposal is gone');
  t.notOk(allowedEvents({ snapshot: corrected.snapshot, calendar, on: '2026-03-18', actor: officeHead }).includes('SIGN_OFF'));
});
