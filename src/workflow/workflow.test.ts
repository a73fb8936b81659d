import t, { type Test } from 'tap';
import type { IsoDate } from '../calendar/dates.js';
import { OFFICIAL_SCHEDULES } from '../calendar/official-schedules.js';
import { buildCalendar, workingDaysBetween } from '../calendar/working-days.js';
import { NO_ANSWER_DETAILS, type AnswerDetails, type ClientEvent, type EventActor, type TimerEvent } from './types.js';
import { allowedEvents, decide, startCase, type Decision, type WorkflowSnapshot } from './workflow.js';

const calendar = buildCalendar(OFFICIAL_SCHEDULES);
const clerk: EventActor = { kind: 'staff', id: 7, role: 'clerk', ofCaseAgency: true };
const supervisor: EventActor = { kind: 'staff', id: 8, role: 'supervisor', ofCaseAgency: true };
const system: EventActor = { kind: 'system' };

// Received Monday 2026-03-02; the 20th working day after it is Monday 2026-03-30.
const RECEIVED = '2026-03-02';
const DUE = '2026-03-30';

type Ok = Extract<Decision, { ok: true }>;
const OFFICE_HEAD: EventActor = { kind: 'staff', id: 99, role: 'supervisor', ofCaseAgency: true };

/** An ANSWER event: what a client sends, with the details it leaves out empty. */
const answer = (disposition: string, text: string, details: Partial<AnswerDetails> = {}) =>
  ({ type: 'ANSWER', disposition, text, ...NO_ANSWER_DETAILS, ...details }) as ClientEvent;
const start = () => startCase({ receivedOn: RECEIVED, calendar });

function act(from: Ok | WorkflowSnapshot, on: IsoDate, event: ClientEvent | TimerEvent, actor: EventActor = clerk): Decision {
  const snapshot = 'snapshot' in from ? from.snapshot : from;
  const decided = decide({ snapshot, event: { ...event, on, actor } as never, calendar });
  // A draft (art. 17) is signed off by the office head the same day: these tests are about the decision.
  return decided.ok && decided.drafted ? decide({ snapshot: decided.snapshot, event: { type: 'SIGN_OFF', on, actor: OFFICE_HEAD } as never, calendar }) : decided;
}

/** The letter served on the day it was issued (docs/statute.md §6): its period runs from that day. */
const servedOnIssue = (d: Ok, letterKind: string, on: IsoDate) =>
  decide({ snapshot: d.snapshot, event: { type: 'LETTER_SERVED', letterKind, issuedOn: on, servedOn: on, method: 'in_person', on, actor: { kind: 'system' } }, calendar }) as Ok;

function ok(t: Test, d: Decision): Ok {
  if (!d.ok) t.fail(`refused by ${d.rule}: ${d.message}`);
  return d as Ok;
}

function refusedBy(t: Test, d: Decision, rule: string) {
  t.equal(d.ok ? 'accepted' : d.rule, rule, `refused by ${rule}`);
}

t.test('a new case is received, due on the 20th working day, with a receipt and an acknowledgment', async (t) => {
  const c = start();
  t.equal(c.snapshot.state, 'received');
  t.equal(c.deadlines.answerDueOn, DUE);
  t.equal(c.deadlines.provisional, false);
  t.same(c.intents, [
    { type: 'issueLetter', params: { kind: 'receipt' } },
    { type: 'notify', params: { template: 'acknowledgment', to: 'applicant' } },
  ]);
  t.same(
    c.timers,
    [
      { kind: 'answer_due', dueOn: DUE, fireAt: new Date('2026-03-30T16:00:00Z') },
      { kind: 'reminder_5', dueOn: DUE, fireAt: new Date('2026-03-23T00:00:00Z') },
      { kind: 'reminder_1', dueOn: DUE, fireAt: new Date('2026-03-27T00:00:00Z') },
    ],
    'the deadline at the end of its day, reminders at 08:00 five and one working days before',
  );
});

t.test('a count into an unloaded year is provisional', async (t) => {
  const c = startCase({ receivedOn: '2026-12-15', calendar });
  t.same([c.deadlines.answerDueOn, c.deadlines.provisional], ['2027-01-13', true], '元旦 2027 skipped though 2027 is not loaded');
});

t.test('ASSIGN: received → assigned; elsewhere the state stays', async (t) => {
  const assigned = ok(t, act(start(), RECEIVED, { type: 'ASSIGN', assignee: 7 }));
  t.equal(assigned.snapshot.state, 'assigned');
  t.equal(assigned.snapshot.context.assignee, 7);
  const reassigned = ok(t, act(assigned, RECEIVED, { type: 'ASSIGN', assignee: 9 }));
  t.same([reassigned.snapshot.state, reassigned.snapshot.context.assignee], ['assigned', 9]);
  const consulting = ok(t, act(start(), RECEIVED, { type: 'CONSULT_THIRD_PARTY', party: '某公司', partyKind: 'third_party', matter: '合同' }));
  const still = ok(t, act(consulting, RECEIVED, { type: 'ASSIGN', assignee: 7 }));
  t.equal(still.snapshot.state, 'consulting');
});

t.test('art. 30 correction: within 7 working days, once, and the 20 days restart from the corrected application', async (t) => {
  // 2026-03-11 is the 7th working day after receipt, 2026-03-12 the 8th.
  refusedBy(t, act(start(), '2026-03-12', { type: 'REQUEST_CORRECTION', items: ['写明文件名称'], dueInWorkingDays: 10 }), 'art30_correction_within_7_working_days');
  const onSeventh = ok(t, act(start(), '2026-03-11', { type: 'REQUEST_CORRECTION', items: ['写明文件名称'], dueInWorkingDays: 10 }));
  t.equal(onSeventh.snapshot.state, 'awaiting_correction');

  const asked = ok(t, act(start(), '2026-03-04', { type: 'REQUEST_CORRECTION', items: ['写明文件名称'], dueInWorkingDays: 10 }));
  t.equal(asked.deadlines.answerDueOn, null, 'no answer deadline while the correction is awaited');
  t.equal(asked.deadlines.correctionDueOn, '2026-03-18');
  t.same(
    asked.timers.map((x) => [x.kind, x.dueOn]),
    [['service_due', '2026-03-18']],
    'until its service is recorded, a reminder to record it',
  );
  t.same(
    servedOnIssue(asked, 'correction_notice', '2026-03-04').timers.map((x) => [x.kind, x.dueOn]),
    [['correction_due', '2026-03-18']],
  );
  t.same(
    asked.intents.map((i) => i.params),
    [{ kind: 'correction_notice' }, { template: 'correction_notice', to: 'applicant' }],
  );

  refusedBy(t, act(asked, '2026-03-16', { type: 'CORRECTION_RECEIVED', receivedOn: '2026-03-03', text: '' }), 'art30_corrected_application_date');
  refusedBy(t, act(asked, '2026-03-16', { type: 'CORRECTION_RECEIVED', receivedOn: '2026-03-17', text: '' }), 'art30_corrected_application_date');
  const corrected = ok(t, act(asked, '2026-03-16', { type: 'CORRECTION_RECEIVED', receivedOn: '2026-03-16', text: '' }));
  t.equal(corrected.snapshot.state, 'received', 'back to received: nobody assigned');
  // 20 working days from 2026-03-16 skip Qingming (04-04..04-06).
  t.equal(corrected.deadlines.answerDueOn, '2026-04-14', 'the 20 days run from the corrected application');
  t.equal(corrected.snapshot.context.clockStartOn, '2026-03-16');

  t.same(corrected.intents, [{ type: 'notify', params: { template: 'correction_received', to: 'applicant' } }], 'recorded by a clerk: the applicant is told the new period');
  const assigned = ok(t, act(asked, '2026-03-05', { type: 'ASSIGN', assignee: 7 }));
  t.equal(ok(t, act(assigned, '2026-03-16', { type: 'CORRECTION_RECEIVED', receivedOn: '2026-03-16', text: '' })).snapshot.state, 'assigned');

  // Art. 31: corrected online on Saturday 2026-03-14, received on Monday 2026-03-16.
  const online = { kind: 'applicant' } as const;
  refusedBy(t, act(asked, '2026-03-14', { type: 'CORRECTION_RECEIVED', receivedOn: '2026-03-17', text: '' }, online), 'art30_corrected_application_date');
  const onSaturday = ok(t, act(asked, '2026-03-14', { type: 'CORRECTION_RECEIVED', receivedOn: '2026-03-16', text: '' }, online));
  t.equal(onSaturday.deadlines.answerDueOn, '2026-04-14', 'counted from the working day it is received');
  t.same(
    onSaturday.intents,
    [
      { type: 'notify', params: { template: 'correction_received', to: 'applicant' } },
      { type: 'notify', params: { template: 'correction_submitted', to: 'assignee' } },
    ],
    'corrected online: the applicant is told the new period, whoever handles it that it is back',
  );
  const back = ok(t, act(assigned, '2026-03-16', { type: 'CORRECTION_RECEIVED', receivedOn: '2026-03-16', text: '' }, online));
  t.equal(back.snapshot.state, 'assigned', 'back to the clerk who has it');
  t.equal(back.intents.length, 2);

  refusedBy(t, act(corrected, '2026-03-17', { type: 'REQUEST_CORRECTION', items: ['再补'], dueInWorkingDays: 5 }), 'art30_correction_once');
});

t.test('art. 30 no correction in time: the case is no longer processed', async (t) => {
  const asked = servedOnIssue(ok(t, act(start(), '2026-03-04', { type: 'REQUEST_CORRECTION', items: ['写明文件名称'], dueInWorkingDays: 10 })), 'correction_notice', '2026-03-04');
  refusedBy(t, act(asked, '2026-03-19', { type: 'CORRECTION_PERIOD_ENDED', dueOn: '2026-03-17' }, system), 'timer_matches_current_deadline');
  const lapsed = ok(t, act(asked, '2026-03-19', { type: 'CORRECTION_PERIOD_ENDED', dueOn: '2026-03-18' }, system));
  t.equal(lapsed.snapshot.state, 'closed');
  t.match(lapsed.snapshot.context.outcome, { disposition: 'other_no_correction', concludedOn: '2026-03-19', reason: 'no_correction' });
  t.same(lapsed.timers, []);
});

t.test('art. 30 "unclear after correction" only after a correction', async (t) => {
  refusedBy(t, act(start(), '2026-03-05', answer('unavailable_unclear_after_correction', '补正后仍无法确定所需信息')), 'art30_unclear_only_after_correction');
  const asked = ok(t, act(start(), '2026-03-04', { type: 'REQUEST_CORRECTION', items: ['写明文件名称'], dueInWorkingDays: 10 }));
  const corrected = ok(t, act(asked, '2026-03-06', { type: 'CORRECTION_RECEIVED', receivedOn: '2026-03-06', text: '' }));
  const answered = ok(t, act(corrected, '2026-03-09', answer('unavailable_unclear_after_correction', '补正后仍无法确定所需信息')));
  t.equal(answered.snapshot.state, 'answered');
});

t.test('art. 32/33 consultation stops the clock; the remaining days resume afterwards', async (t) => {
  const consulting = ok(t, act(start(), '2026-03-09', { type: 'CONSULT_THIRD_PARTY', party: '某公司', partyKind: 'third_party', matter: '合同' }));
  t.equal(consulting.snapshot.state, 'consulting');
  t.equal(consulting.deadlines.clockStopped, true);
  t.equal(consulting.deadlines.consultationDueOn, '2026-03-30', '15 working days to reply');
  t.same(
    servedOnIssue(consulting, 'consultation_request', '2026-03-09').timers.map((x) => x.kind),
    ['consultation_due'],
  );
  t.same(
    consulting.intents.map((i) => i.params),
    [{ kind: 'consultation_request' }, { kind: 'consultation_notice' }, { template: 'consultation_notice', to: 'applicant' }],
  );

  // Stopped from 03-09 to 03-17: 6 working days (10, 11, 12, 13, 16, 17).
  refusedBy(t, act(consulting, '2026-03-17', { type: 'THIRD_PARTY_REPLIED', opinion: 'object', reasons: '', repliedOn: '2026-03-17' }), 'art32_objection_with_reasons');
  refusedBy(t, act(consulting, '2026-03-17', { type: 'THIRD_PARTY_REPLIED', opinion: 'agree', reasons: '', repliedOn: '2026-03-06' }), 'art32_reply_date');
  const replied = ok(t, act(consulting, '2026-03-17', { type: 'THIRD_PARTY_REPLIED', opinion: 'agree', reasons: '', repliedOn: '2026-03-17' }));
  t.equal(replied.snapshot.state, 'received');
  t.equal(replied.deadlines.clockStopped, false);
  t.equal(replied.deadlines.answerDueOn, '2026-04-08');
  t.equal(workingDaysBetween({ from: DUE, to: replied.deadlines.answerDueOn!, calendar }).days, 6, 'moved by exactly 6 working days');
  t.same(replied.deadlines.stoppedPeriods, [{ reason: 'consultation', from: '2026-03-09', to: '2026-03-17', workingDays: 6 }]);
});

t.test('art. 32 silence: the reply period ends and the clock resumes', async (t) => {
  const consulting = servedOnIssue(
    ok(t, act(start(), '2026-03-09', { type: 'CONSULT_THIRD_PARTY', party: '区财政局', partyKind: 'agency', matter: '联合发文' })),
    'consultation_request',
    '2026-03-09',
  );
  const silent = ok(t, act(consulting, '2026-03-31', { type: 'CONSULTATION_PERIOD_ENDED', dueOn: '2026-03-30' }, system));
  t.equal(silent.snapshot.state, 'received');
  t.match(silent.snapshot.context.consultations[0], { opinion: 'no_reply', repliedOn: '2026-03-30' });
  t.equal(silent.deadlines.stoppedPeriods[0]?.workingDays, 15);
});

t.test('art. 33: the office head refuses a requested extension with a reason; the period stands', async (t) => {
  const requested = ok(t, act(start(), '2026-03-20', { type: 'REQUEST_EXTENSION', workingDays: 10, reason: '需要调取档案' }, clerk));
  refusedBy(t, act(requested, '2026-03-20', { type: 'REFUSE_EXTENSION', reason: '无需延期' }, clerk), 'art33_extension_refused_by_office_head');
  refusedBy(t, act(requested, '2026-03-20', { type: 'REFUSE_EXTENSION', reason: ' ' }, supervisor), 'art33_refusal_with_reason');
  refusedBy(t, act(start(), '2026-03-20', { type: 'REFUSE_EXTENSION', reason: '无需延期' }, supervisor), 'art33_extension_request_awaited');
  const refused = ok(t, act(requested, '2026-03-21', { type: 'REFUSE_EXTENSION', reason: '无需延期' }, supervisor));
  t.equal(refused.snapshot.context.extensionRequest, null);
  t.equal(refused.deadlines.answerDueOn, DUE, 'the period stands');
  t.same(refused.intents, [{ type: 'notify', params: { template: 'extension_refused', to: 'assignee' } }], 'the clerk is told; no letter');
});

t.test('art. 33 extension: by the office head, once, at most 20 working days, within the period', async (t) => {
  const extend = (workingDays: number) => ({ type: 'EXTEND' as const, workingDays, reason: '需要调取档案' });
  refusedBy(t, act(start(), '2026-03-20', extend(10), clerk), 'art33_extension_approved_by_office_head');
  refusedBy(t, act(start(), '2026-03-20', extend(21), supervisor), 'art33_extension_at_most_20_working_days');
  refusedBy(t, act(start(), '2026-03-20', extend(0), supervisor), 'art33_extension_at_most_20_working_days');
  refusedBy(t, act(start(), '2026-03-31', extend(10), supervisor), 'art33_within_answer_period');
  const extended = ok(t, act(start(), '2026-03-20', extend(20), supervisor));
  t.equal(extended.snapshot.state, 'received');
  t.equal(extended.deadlines.answerDueOn, '2026-04-28');
  t.same(
    extended.intents.map((i) => i.params),
    [{ kind: 'extension_notice' }, { template: 'extension_notice', to: 'applicant' }],
  );
  refusedBy(t, act(extended, '2026-03-23', extend(5), supervisor), 'art33_extension_once');
  t.equal(ok(t, act(start(), DUE, extend(1), supervisor)).deadlines.answerDueOn, '2026-03-31', 'on the last day');
});

t.test('art. 33 extension requested by the handler, decided by the office head', async (t) => {
  refusedBy(t, act(start(), '2026-03-20', { type: 'REQUEST_EXTENSION', workingDays: 10, reason: '档案在外地' }, supervisor), 'art33_extension_requested_by_handler');
  refusedBy(t, act(start(), '2026-03-20', { type: 'REQUEST_EXTENSION', workingDays: 25, reason: '档案在外地' }), 'art33_extension_at_most_20_working_days');
  const requested = ok(t, act(start(), '2026-03-20', { type: 'REQUEST_EXTENSION', workingDays: 10, reason: '档案在外地' }));
  t.equal(requested.snapshot.state, 'received');
  t.equal(requested.deadlines.answerDueOn, DUE, 'a request alone moves nothing');
  t.match(requested.snapshot.context.extensionRequest, { workingDays: 10, reason: '档案在外地', requestedBy: 7 });
  t.same(requested.intents, [{ type: 'notify', params: { template: 'extension_request', to: 'supervisors' } }]);
  refusedBy(t, act(requested, '2026-03-23', { type: 'REQUEST_EXTENSION', workingDays: 5, reason: '再申请' }), 'art33_extension_request_pending');
  const granted = ok(t, act(requested, '2026-03-23', { type: 'EXTEND', workingDays: 10, reason: '档案在外地' }, supervisor));
  t.equal(granted.snapshot.context.extensionRequest, null);
  refusedBy(t, act(granted, '2026-03-24', { type: 'REQUEST_EXTENSION', workingDays: 5, reason: '再申请' }), 'art33_extension_once');
});

t.test('art. 35 reasons: asked once within the period, a reply date in working days, the answer period unchanged', async (t) => {
  const asked = ok(t, act(start(), '2026-03-03', { type: 'REQUEST_REASONS', matter: '本月已申请120件', replyWithinWorkingDays: 10 }));
  t.equal(asked.snapshot.state, 'received');
  t.same(asked.snapshot.context.reasonsRequest, { matter: '本月已申请120件', requestedOn: '2026-03-03', replyBy: '2026-03-17' });
  t.equal(asked.deadlines.answerDueOn, DUE, 'the answer period runs on');
  t.same(asked.intents, [
    { type: 'issueLetter', params: { kind: 'reasons_request' } },
    { type: 'notify', params: { template: 'reasons_request', to: 'applicant' } },
  ]);
  refusedBy(t, act(asked, '2026-03-04', { type: 'REQUEST_REASONS', matter: '再次', replyWithinWorkingDays: 5 }), 'art35_reasons_asked_once');
  refusedBy(t, act(start(), '2026-03-31', { type: 'REQUEST_REASONS', matter: '逾期', replyWithinWorkingDays: 5 }), 'art33_within_answer_period');
});

t.test('art. 35 reasons given: only when asked, once; online on a day off received the next working day; the answer period unchanged', async (t) => {
  const online = { kind: 'applicant' } as const;
  refusedBy(t, act(start(), '2026-03-05', { type: 'REASONS_GIVEN', receivedOn: '2026-03-05' }, online), 'art35_reasons_requested');
  const asked = ok(t, act(start(), '2026-03-03', { type: 'REQUEST_REASONS', matter: '本月已申请120件', replyWithinWorkingDays: 10 }));
  refusedBy(t, act(asked, '2026-03-05', { type: 'REASONS_GIVEN', receivedOn: '2026-03-02' }), 'art35_reasons_received_date');
  refusedBy(t, act(asked, '2026-03-07', { type: 'REASONS_GIVEN', receivedOn: '2026-03-10' }, online), 'art35_reasons_received_date');
  const given = ok(t, act(asked, '2026-03-07', { type: 'REASONS_GIVEN', receivedOn: '2026-03-09' }, online));
  t.equal(given.snapshot.state, 'received');
  t.same(given.snapshot.context.reasonsRequest, { matter: '本月已申请120件', requestedOn: '2026-03-03', replyBy: '2026-03-17', repliedOn: '2026-03-09' });
  t.equal(given.deadlines.answerDueOn, DUE, 'the answer period runs on');
  t.same(
    given.intents,
    [
      { type: 'notify', params: { template: 'reasons_received', to: 'applicant' } },
      { type: 'notify', params: { template: 'reasons_given', to: 'assignee' } },
    ],
    'explained online: the applicant is told they are in, and whoever handles it is told',
  );
  refusedBy(t, act(given, '2026-03-10', { type: 'REASONS_GIVEN', receivedOn: '2026-03-10' }), 'art35_reasons_requested');
  const onPaper = ok(t, act(asked, '2026-03-10', { type: 'REASONS_GIVEN', receivedOn: '2026-03-09' }));
  t.same(onPaper.intents, [{ type: 'notify', params: { template: 'reasons_received', to: 'applicant' } }], 'recorded by a clerk: the applicant is told');
  t.ok(ok(t, act(onPaper, '2026-03-10', { type: 'DEFER_ANSWER', dueOn: '2026-05-29', reason: '理由合理，需逐件检索' }, supervisor)), 'the office head may then defer');
});

t.test('art. 35 deferral: after asking for reasons, by the office head, once, to a later date that then governs', async (t) => {
  const reason = { type: 'DEFER_ANSWER', dueOn: '2026-05-29', reason: '需逐件检索120件申请所涉信息' } as const;
  refusedBy(t, act(start(), '2026-03-10', reason, supervisor), 'art35_deferral_after_reasons_given');
  const requested = ok(t, act(start(), '2026-03-03', { type: 'REQUEST_REASONS', matter: '本月已申请120件', replyWithinWorkingDays: 10 }));
  refusedBy(t, act(requested, '2026-03-10', reason, supervisor), 'art35_deferral_after_reasons_given');
  const asked = ok(t, act(requested, '2026-03-09', { type: 'REASONS_GIVEN', receivedOn: '2026-03-09' }));
  refusedBy(t, act(asked, '2026-03-10', reason, clerk), 'art35_deferral_by_office_head');
  refusedBy(t, act(asked, '2026-03-10', { ...reason, dueOn: DUE }, supervisor), 'art35_deferral_after_current_due_date');
  const deferred = ok(t, act(asked, '2026-03-10', reason, supervisor));
  t.equal(deferred.snapshot.state, 'received');
  t.equal(deferred.deadlines.answerDueOn, '2026-05-29');
  t.same(deferred.timers.find((x) => x.kind === 'answer_due')?.dueOn, '2026-05-29', 'the deadline timer follows');
  t.same(deferred.intents, [
    { type: 'issueLetter', params: { kind: 'deferral_notice' } },
    { type: 'notify', params: { template: 'deferral_notice', to: 'applicant' } },
  ]);
  refusedBy(t, act(deferred, '2026-03-11', { ...reason, dueOn: '2026-06-30' }, supervisor), 'art35_deferral_once');
});

t.test('fees: one notice within the period, beyond the free allowance; unpaid time is not counted', async (t) => {
  refusedBy(t, act(start(), '2026-03-10', { type: 'ISSUE_FEE_NOTICE', method: 'per_page', quantity: 30, itemsEarlierInMonth: 0 }), 'fees_beyond_free_allowance');
  refusedBy(t, act(start(), '2026-03-31', { type: 'ISSUE_FEE_NOTICE', method: 'per_page', quantity: 100, itemsEarlierInMonth: 0 }), 'fees_notice_within_answer_period');
  const notice = ok(t, act(start(), '2026-03-10', { type: 'ISSUE_FEE_NOTICE', method: 'per_page', quantity: 100, itemsEarlierInMonth: 0 }));
  t.equal(notice.snapshot.state, 'awaiting_payment');
  t.equal(notice.snapshot.context.fee?.amountYuan, 700);
  t.equal(notice.deadlines.paymentDueOn, '2026-04-08');
  t.same(
    servedOnIssue(notice, 'fee_notice', '2026-03-10').timers.map((x) => [x.kind, x.dueOn]),
    [['payment_due', '2026-04-08']],
  );

  refusedBy(t, act(notice, '2026-03-13', { type: 'FEE_PAID', paidOn: '2026-03-14' }), 'fees_payment_date');
  const paid = ok(t, act(notice, '2026-03-13', { type: 'FEE_PAID', paidOn: '2026-03-13' }));
  t.equal(paid.snapshot.state, 'received');
  t.equal(paid.deadlines.answerDueOn, '2026-04-02', 'three working days unpaid are added');
  refusedBy(t, act(paid, '2026-03-16', { type: 'ISSUE_FEE_NOTICE', method: 'per_item', quantity: 20, itemsEarlierInMonth: 0 }), 'fees_one_notice_per_application');

  const lapsed = ok(t, act(servedOnIssue(notice, 'fee_notice', '2026-03-10'), '2026-04-09', { type: 'PAYMENT_PERIOD_ENDED', dueOn: '2026-04-08' }, system));
  t.equal(lapsed.snapshot.state, 'closed');
  t.match(lapsed.snapshot.context.outcome, { disposition: 'other_fee_unpaid', reason: 'fee_unpaid' });
});

t.test('deadline passing: overdue, still answerable, stale timers ignored', async (t) => {
  refusedBy(t, act(start(), '2026-03-31', { type: 'DEADLINE_PASSED', dueOn: '2026-03-27' }, system), 'timer_matches_current_deadline');
  const overdue = ok(t, act(start(), '2026-03-31', { type: 'DEADLINE_PASSED', dueOn: DUE }, system));
  t.equal(overdue.snapshot.state, 'overdue');
  t.same(overdue.intents, [{ type: 'notify', params: { template: 'overdue_alert', to: 'supervisors' } }]);
  t.same(overdue.timers, []);
  refusedBy(t, act(overdue, '2026-03-31', { type: 'EXTEND', workingDays: 5, reason: 'x' }, supervisor), 'workflow_state_does_not_allow');
  t.equal(ok(t, act(overdue, '2026-03-31', { type: 'ASSIGN', assignee: 7 })).snapshot.state, 'overdue');
  const answered = ok(t, act(overdue, '2026-04-01', answer('disclosed', '现向您提供该政府信息全文')));
  t.equal(answered.snapshot.state, 'answered');
  t.match(answered.snapshot.context.outcome, { disposition: 'disclosed', concludedOn: '2026-04-01' });
});

t.test('answers need a code a clerk may choose', async (t) => {
  refusedBy(t, act(start(), '2026-03-05', answer('other_no_correction', '申请人逾期未补正的情形')), 'art36_answer_disposition');
  refusedBy(t, act(start(), '2026-03-05', answer('made_up', '一个不存在的答复类型')), 'art36_answer_disposition');
  const answered = ok(t, act(start(), '2026-03-05', answer('withheld_state_secret', '所申请信息经定密属于国家秘密', { withheldReasons: '经定密属于秘密级国家秘密' })));
  t.same(
    answered.intents.map((i) => i.params),
    [{ kind: 'answer' }, { template: 'answer', to: 'applicant' }],
  );
  refusedBy(t, act(answered, '2026-03-06', { type: 'WITHDRAW', reason: '' }), 'workflow_state_does_not_allow');
  refusedBy(t, act(answered, '2026-03-06', answer('disclosed', '现向您提供该政府信息全文')), 'workflow_state_does_not_allow');
});

t.test('transfer and withdrawal close the case from every open state', async (t) => {
  const transferred = ok(t, act(start(), '2026-03-05', { type: 'TRANSFER', agency: 'czj', agencyName: '区财政局', reason: '由区财政局制作' }));
  t.equal(transferred.snapshot.state, 'closed');
  t.match(transferred.snapshot.context.outcome, { disposition: 'unavailable_not_held', reason: 'transferred', transferredTo: 'czj' });

  const states: Record<string, Ok> = {
    received: start(),
    assigned: ok(t, act(start(), RECEIVED, { type: 'ASSIGN', assignee: 7 })),
    awaiting_correction: ok(t, act(start(), '2026-03-04', { type: 'REQUEST_CORRECTION', items: ['x'], dueInWorkingDays: 5 })),
    consulting: ok(t, act(start(), '2026-03-04', { type: 'CONSULT_THIRD_PARTY', party: 'p', partyKind: 'third_party', matter: 'm' })),
    awaiting_payment: ok(t, act(start(), '2026-03-04', { type: 'ISSUE_FEE_NOTICE', method: 'per_item', quantity: 12, itemsEarlierInMonth: 0 })),
    overdue: ok(t, act(start(), '2026-03-31', { type: 'DEADLINE_PASSED', dueOn: DUE }, system)),
  };
  for (const [name, c] of Object.entries(states)) {
    t.equal(c.snapshot.state, name);
    const withdrawn = ok(t, act(c, '2026-04-01', { type: 'WITHDRAW', reason: '不再需要' }));
    t.equal(withdrawn.snapshot.state, 'closed', `${name} → closed on withdrawal`);
    t.match(withdrawn.snapshot.context.outcome, { disposition: 'other', reason: 'withdrawn' });
    t.equal(withdrawn.deadlines.clockStopped, false);
    t.same(withdrawn.intents, [{ type: 'notify', params: { template: 'withdrawal_notice', to: 'applicant' } }], `${name}: the applicant is told`);
    const online = ok(t, act(c, '2026-04-01', { type: 'WITHDRAW', reason: '' }, { kind: 'applicant' }));
    t.equal(online.snapshot.state, 'closed');
    t.same(
      online.intents,
      [
        { type: 'notify', params: { template: 'withdrawal_notice', to: 'applicant' } },
        { type: 'notify', params: { template: 'withdrawn_by_applicant', to: 'assignee' } },
      ],
      `${name}: withdrawn by the applicant, whoever handles it is told too`,
    );
  }
  refusedBy(t, act(states.consulting!, '2026-03-05', { type: 'TRANSFER', agency: 'czj', agencyName: '区财政局', reason: '由区财政局制作' }), 'workflow_state_does_not_allow');
  t.equal(ok(t, act(states.overdue!, '2026-04-01', { type: 'TRANSFER', agency: 'czj', agencyName: '区财政局', reason: '由区财政局制作' })).snapshot.state, 'closed');
});

t.test('events a state does not accept are refused by name', async (t) => {
  const c = start();
  refusedBy(t, act(c, RECEIVED, { type: 'FEE_PAID', paidOn: RECEIVED }), 'workflow_state_does_not_allow');
  refusedBy(t, act(c, RECEIVED, { type: 'CORRECTION_RECEIVED', receivedOn: RECEIVED, text: '' }), 'workflow_state_does_not_allow');
  refusedBy(t, act(c, RECEIVED, { type: 'THIRD_PARTY_REPLIED', opinion: 'agree', reasons: '', repliedOn: RECEIVED }), 'workflow_state_does_not_allow');
  refusedBy(t, act(c, RECEIVED, { type: 'CONSULTATION_PERIOD_ENDED', dueOn: RECEIVED }, system), 'workflow_state_does_not_allow');
  refusedBy(t, act(c, RECEIVED, { type: 'PAYMENT_PERIOD_ENDED', dueOn: RECEIVED }, system), 'workflow_state_does_not_allow');
  refusedBy(t, act(c, RECEIVED, { type: 'CORRECTION_PERIOD_ENDED', dueOn: RECEIVED }, system), 'workflow_state_does_not_allow');
});

t.test('the actions offered follow the state, the date and the role', async (t) => {
  const c = start().snapshot;
  t.same(allowedEvents({ snapshot: c, calendar, on: RECEIVED, actor: clerk }), [
    'ASSIGN',
    'REQUEST_CORRECTION',
    'CONSULT_THIRD_PARTY',
    'REQUEST_REASONS',
    'REQUEST_EXTENSION',
    'ISSUE_FEE_NOTICE',
    'TRANSFER',
    'ANSWER',
    'WITHDRAW',
    'CORRECT_LETTER',
  ]);
  t.ok(allowedEvents({ snapshot: c, calendar, on: RECEIVED, actor: supervisor }).includes('EXTEND'));
  t.notOk(allowedEvents({ snapshot: c, calendar, on: '2026-03-12', actor: clerk }).includes('REQUEST_CORRECTION'), 'not after the 7th working day');
  t.same(allowedEvents({ snapshot: c, calendar, on: '2026-03-31', actor: supervisor }), ['ASSIGN', 'TRANSFER', 'ANSWER', 'WITHDRAW', 'CORRECT_LETTER'], 'after the due date');
});
