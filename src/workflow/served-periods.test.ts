// Periods the law counts from receipt run from the recorded service of the letter that starts them
// (docs/statute.md §6; art. 30, arts. 32 and 34, 国办函〔2020〕109号). Through the pure workflow.
import t, { type Test } from 'tap';
import type { IsoDate } from '../calendar/dates.js';
import { OFFICIAL_SCHEDULES } from '../calendar/official-schedules.js';
import { buildCalendar } from '../calendar/working-days.js';
import { NO_ANSWER_DETAILS, type ClientEvent, type EventActor, type ServiceEvent, type TimerEvent } from './types.js';
import { decide, startCase, type Decision } from './workflow.js';

const calendar = buildCalendar(OFFICIAL_SCHEDULES);
const officeHead: EventActor = { kind: 'staff', id: 8, role: 'supervisor', ofCaseAgency: true };
const otherAgency: EventActor = { kind: 'staff', id: 9, role: 'supervisor', ofCaseAgency: false };
const system: EventActor = { kind: 'system' };
const RECEIVED = '2026-03-02'; // a Monday

type Ok = Extract<Decision, { ok: true }>;

function act(from: Ok, on: IsoDate, event: ClientEvent | TimerEvent | ServiceEvent, actor: EventActor): Decision {
  return decide({ snapshot: from.snapshot, event: { ...event, on, actor } as never, calendar });
}

function ok(t: Test, d: Decision): Ok {
  if (!d.ok) t.fail(`refused by ${d.rule}: ${d.message}`);
  return d as Ok;
}

const refusedBy = (t: Test, d: Decision, rule: string) => t.equal(d.ok ? 'accepted' : d.rule, rule, `refused by ${rule}`);
const letterServed = (letterKind: string, issuedOn: IsoDate, servedOn: IsoDate, method: ServiceEvent['method'] = 'post'): ServiceEvent => ({
  type: 'LETTER_SERVED',
  letterKind,
  issuedOn,
  servedOn,
  method,
});

const asked = () =>
  ok(t, act(startCase({ receivedOn: RECEIVED, calendar }), '2026-03-04', { type: 'REQUEST_CORRECTION', items: ['请写明文件名称'], dueInWorkingDays: 10 }, officeHead));

t.test('art. 30: a correction notice not yet served is provisional from issue and closes nothing', async (t) => {
  const a = asked();
  t.equal(a.deadlines.correctionDueOn, '2026-03-18', 'provisionally 10 working days from the day of issue');
  t.equal(a.deadlines.awaitingService, 'correction');
  t.same(
    a.timers.map((x) => [x.kind, x.dueOn]),
    [['service_due', '2026-03-18']],
    'a reminder to record service, not a closure',
  );
  refusedBy(t, act(a, '2026-03-19', { type: 'CORRECTION_PERIOD_ENDED', dueOn: '2026-03-18' }, system), 'period_runs_from_service');
});

t.test('art. 30: served by post on a later day, the period runs from that day and then may close the case', async (t) => {
  const a = ok(t, act(asked(), '2026-03-09', letterServed('correction_notice', '2026-03-04', '2026-03-06'), officeHead));
  t.equal(a.snapshot.state, 'awaiting_correction', 'service changes no state');
  t.equal(a.snapshot.context.correction?.servedOn, '2026-03-06');
  t.equal(a.deadlines.correctionDueOn, '2026-03-20', '10 working days from 6 March');
  t.equal(a.deadlines.awaitingService, null);
  t.same(
    a.timers.map((x) => [x.kind, x.dueOn]),
    [['correction_due', '2026-03-20']],
  );
  refusedBy(t, act(a, '2026-03-19', { type: 'CORRECTION_PERIOD_ENDED', dueOn: '2026-03-18' }, system), 'timer_matches_current_deadline');
  const proposed = ok(t, act(a, '2026-03-21', { type: 'CORRECTION_PERIOD_ENDED', dueOn: '2026-03-20' }, system));
  t.equal(proposed.snapshot.context.pendingDraft?.event.type, 'CORRECTION_PERIOD_ENDED', 'the closure is proposed to the office head');

  // Service happens once: a later record (the applicant opened it online afterwards) moves nothing.
  const later = ok(t, act(a, '2026-03-10', letterServed('correction_notice', '2026-03-04', '2026-03-10', 'portal'), system));
  t.equal(later.snapshot.context.correction?.servedOn, '2026-03-06', 'the earlier service stands');
});

t.test('service is recorded on a day the letter could have been served, by the case agency', async (t) => {
  const a = asked();
  refusedBy(t, act(a, '2026-03-09', letterServed('correction_notice', '2026-03-04', '2026-03-03'), officeHead), 'service_not_before_issue');
  refusedBy(t, act(a, '2026-03-09', letterServed('correction_notice', '2026-03-04', '2026-03-10'), officeHead), 'service_not_in_future');
  refusedBy(t, act(a, '2026-03-09', letterServed('correction_notice', '2026-03-04', '2026-03-05'), otherAgency), 'service_recorded_by_case_agency');
  const receipt = ok(t, act(a, '2026-03-09', letterServed('receipt', '2026-03-02', '2026-03-02', 'email'), system));
  t.same(receipt.snapshot.context, a.snapshot.context, 'a letter that starts no period changes nothing of the case');
});

t.test("arts. 32, 34: the consultee's 15 working days run from service of the 征求意见书", async (t) => {
  const assigned = ok(t, act(startCase({ receivedOn: RECEIVED, calendar }), RECEIVED, { type: 'ASSIGN', assignee: 8 }, officeHead));
  const consulting = ok(t, act(assigned, '2026-03-03', { type: 'CONSULT_THIRD_PARTY', party: '某公司', partyKind: 'third_party', matter: '商业秘密' }, officeHead));
  t.equal(consulting.deadlines.awaitingService, 'consultation');
  refusedBy(t, act(consulting, '2026-03-25', { type: 'CONSULTATION_PERIOD_ENDED', dueOn: consulting.deadlines.consultationDueOn! }, system), 'period_runs_from_service');
  const s = ok(t, act(consulting, '2026-03-09', letterServed('consultation_request', '2026-03-03', '2026-03-09'), officeHead));
  t.equal(s.deadlines.consultationDueOn, '2026-03-30', '15 working days from 9 March');
  const silent = ok(t, act(s, '2026-03-31', { type: 'CONSULTATION_PERIOD_ENDED', dueOn: '2026-03-30' }, system));
  t.equal(silent.snapshot.context.consultations[0]?.opinion, 'no_reply', 'silence only after the period counted from service');
});

t.test('国办函〔2020〕109号: the 20 working days to pay run from service of the fee notice', async (t) => {
  const assigned = ok(t, act(startCase({ receivedOn: RECEIVED, calendar }), RECEIVED, { type: 'ASSIGN', assignee: 8 }, officeHead));
  const notice = ok(t, act(assigned, '2026-03-05', { type: 'ISSUE_FEE_NOTICE', method: 'per_item', quantity: 20, itemsEarlierInMonth: 0 }, officeHead));
  t.equal(notice.deadlines.awaitingService, 'payment');
  t.same(
    notice.timers.map((x) => x.kind),
    ['service_due'],
  );
  const s = ok(t, act(notice, '2026-03-12', letterServed('fee_notice', '2026-03-05', '2026-03-10', 'in_person'), officeHead));
  t.equal(s.deadlines.paymentDueOn, '2026-04-08', '20 working days from 10 March');
  t.same(
    s.timers.map((x) => [x.kind, x.dueOn]),
    [['payment_due', '2026-04-08']],
  );
});

t.test('a service recorded while a correction of an answered letter awaits sign-off leaves the draft as it is', async (t) => {
  const clerk: EventActor = { kind: 'staff', id: 7, role: 'clerk', ofCaseAgency: true };
  const start = startCase({ receivedOn: RECEIVED, calendar });
  const answered = ok(t, act(start, '2026-03-05', { type: 'ANSWER', disposition: 'disclosed', text: '现向您提供该政府信息。', ...NO_ANSWER_DETAILS } as ClientEvent, officeHead));
  const original = { kind: 'answer', title: '政府信息公开申请答复书', documentNumber: '雨发改依申〔2026〕2号', issuedOn: '2026-03-05' };
  const event = { type: 'CORRECT_LETTER', letterId: 2, action: 'correct', reason: '日期写错', correction: '应为2026年3月5日', original } as ClientEvent;
  const drafted = ok(t, act(answered, '2026-03-06', event, clerk));
  t.ok(drafted.snapshot.context.pendingDraft, 'the correction waits for the office head');
  const served = ok(t, act(drafted, '2026-03-09', letterServed('answer', '2026-03-05', '2026-03-07'), officeHead));
  t.same(served.snapshot.context.pendingDraft, drafted.snapshot.context.pendingDraft, 'still waiting');
});
