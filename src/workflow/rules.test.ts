// One test per statutory rule added on 2026-12-07 (issue 27), through the pure workflow: the rule
// refuses the event by name, and the event passes once what the rule asks for is there.
import t, { type Test } from 'tap';
import type { IsoDate } from '../calendar/dates.js';
import { OFFICIAL_SCHEDULES } from '../calendar/official-schedules.js';
import { buildCalendar } from '../calendar/working-days.js';
import { NO_ANSWER_DETAILS, type AnswerDetails, type ClientEvent, type EarlierCase, type EventActor, type TimerEvent } from './types.js';
import { allowedEvents, decide, startCase, type Decision } from './workflow.js';

const calendar = buildCalendar(OFFICIAL_SCHEDULES);
const clerk: EventActor = { kind: 'staff', id: 7, role: 'clerk', ofCaseAgency: true };
const officeHead: EventActor = { kind: 'staff', id: 8, role: 'supervisor', ofCaseAgency: true };
const otherOfficeHead: EventActor = { kind: 'staff', id: 9, role: 'supervisor', ofCaseAgency: false };
const administrator: EventActor = { kind: 'staff', id: 1, role: 'admin', ofCaseAgency: false };
const system: EventActor = { kind: 'system' };
const applicant: EventActor = { kind: 'applicant' };

type Ok = Extract<Decision, { ok: true }>;
const OFFICE_HEAD: EventActor = { kind: 'staff', id: 99, role: 'supervisor', ofCaseAgency: true };
const RECEIVED = '2026-03-02'; // a Monday; due 2026-03-30
const start = () => startCase({ receivedOn: RECEIVED, calendar });

function act(from: Ok, on: IsoDate, event: ClientEvent | TimerEvent, actor: EventActor = clerk): Decision {
  const decided = decide({ snapshot: from.snapshot, event: { ...event, on, actor } as never, calendar });
  // A draft (art. 17) is signed off by the office head the same day: these tests are about the decision.
  return decided.ok && decided.drafted ? decide({ snapshot: decided.snapshot, event: { type: 'SIGN_OFF', on, actor: OFFICE_HEAD } as never, calendar }) : decided;
}
/** The letter served on the day it was issued (docs/statute.md §6): its period runs from that day. */
const servedOnIssue = (d: Ok, letterKind: string, on: IsoDate) =>
  decide({ snapshot: d.snapshot, event: { type: 'LETTER_SERVED', letterKind, issuedOn: on, servedOn: on, method: 'in_person', on, actor: { kind: 'system' } }, calendar }) as Ok;

function ok(t: Test, d: Decision, why = 'accepted'): Ok {
  if (!d.ok) t.fail(`refused by ${d.rule}: ${d.message}`);
  else t.pass(why);
  return d as Ok;
}
const refusedBy = (t: Test, d: Decision, rule: string) => t.equal(d.ok ? 'accepted' : d.rule, rule, `refused by ${rule}`);

const TEXT = '经审查，现就您的申请答复如下。';
const answer = (disposition: string, details: Partial<AnswerDetails> = {}, text = TEXT) => ({ type: 'ANSWER', disposition, text, ...NO_ANSWER_DETAILS, ...details }) as ClientEvent;

t.test("decisions_by_case_agency_staff: only staff of the case's agency act on it", async (t) => {
  for (const event of [answer('disclosed'), { type: 'ASSIGN', assignee: 7 } as ClientEvent, { type: 'WITHDRAW', reason: '' } as ClientEvent]) {
    refusedBy(t, act(start(), RECEIVED, event, administrator), 'decisions_by_case_agency_staff');
    refusedBy(t, act(start(), RECEIVED, event, otherOfficeHead), 'decisions_by_case_agency_staff');
    ok(t, act(start(), RECEIVED, event, officeHead));
  }
  t.same(allowedEvents({ snapshot: start().snapshot, calendar, on: RECEIVED, actor: administrator }), [], 'an administrator is offered nothing');
  t.ok(ok(t, act(start(), RECEIVED, { type: 'WITHDRAW', reason: '' }, applicant)), 'the applicant is no staff: withdrawing online is not concerned');
  const extend = { type: 'EXTEND', workingDays: 5, reason: '档案在外地' } as ClientEvent;
  refusedBy(t, act(start(), RECEIVED, extend, administrator), 'decisions_by_case_agency_staff');
  refusedBy(t, act(start(), RECEIVED, extend, otherOfficeHead), 'decisions_by_case_agency_staff');
});

t.test('art32_silence_after_15_working_days: a clerk records silence only once the period has run', async (t) => {
  const consulting = ok(t, act(start(), '2026-03-09', { type: 'CONSULT_THIRD_PARTY', party: '某公司', partyKind: 'third_party', matter: '合同' }));
  // 15 working days from 2026-03-09: 2026-03-30.
  const silent = (on: IsoDate) => act(consulting, on, { type: 'THIRD_PARTY_REPLIED', opinion: 'no_reply', reasons: '', repliedOn: on });
  refusedBy(t, silent('2026-03-20'), 'art32_silence_after_15_working_days');
  refusedBy(t, silent('2026-03-30'), 'art32_silence_after_15_working_days');
  t.match(ok(t, silent('2026-03-31')).snapshot.context.consultations[0], { opinion: 'no_reply' });
  t.ok(ok(t, act(consulting, '2026-03-20', { type: 'THIRD_PARTY_REPLIED', opinion: 'agree', reasons: '', repliedOn: '2026-03-20' })), 'an actual reply any day');
});

t.test('art35_deferral_after_reasons_given: the office head defers only once the reasons are in', async (t) => {
  const defer = { type: 'DEFER_ANSWER', dueOn: '2026-05-29', reason: '需逐件检索' } as ClientEvent;
  const asked = ok(t, act(start(), '2026-03-03', { type: 'REQUEST_REASONS', matter: '本月已申请120件', replyWithinWorkingDays: 10 }));
  refusedBy(t, act(asked, '2026-03-05', defer, officeHead), 'art35_deferral_after_reasons_given');
  const given = ok(t, act(asked, '2026-03-05', { type: 'REASONS_GIVEN', receivedOn: '2026-03-05' }, applicant));
  t.equal(ok(t, act(given, '2026-03-06', defer, officeHead)).deadlines.answerDueOn, '2026-05-29');
});

t.test('art35_no_extension_after_deferral: the deferral replaced the period', async (t) => {
  const asked = ok(t, act(start(), '2026-03-03', { type: 'REQUEST_REASONS', matter: '本月已申请120件', replyWithinWorkingDays: 10 }));
  const given = ok(t, act(asked, '2026-03-05', { type: 'REASONS_GIVEN', receivedOn: '2026-03-05' }));
  const deferred = ok(t, act(given, '2026-03-06', { type: 'DEFER_ANSWER', dueOn: '2026-05-29', reason: '需逐件检索' }, officeHead));
  refusedBy(t, act(deferred, '2026-03-09', { type: 'EXTEND', workingDays: 20, reason: '仍需时间' }, officeHead), 'art35_no_extension_after_deferral');
  refusedBy(t, act(deferred, '2026-03-09', { type: 'REQUEST_EXTENSION', workingDays: 20, reason: '仍需时间' }), 'art35_no_extension_after_deferral');
});

t.test('answer_text_at_least_10_characters', async (t) => {
  refusedBy(t, act(start(), RECEIVED, answer('disclosed', {}, '予以公开')), 'answer_text_at_least_10_characters');
  ok(t, act(start(), RECEIVED, answer('disclosed', {}, '现提供该文件的全文。')));
});

t.test('art37_withheld_reasons_given: every withholding code and partial disclosure', async (t) => {
  for (const code of ['partially_disclosed', 'withheld_state_secret', 'withheld_third_party_rights', 'withheld_process_info', 'withheld_administrative_query']) {
    refusedBy(t, act(start(), RECEIVED, answer(code)), 'art37_withheld_reasons_given');
    ok(t, act(start(), RECEIVED, answer(code, { withheldReasons: '涉及第三方商业秘密', legalBasis: '' })));
  }
});

t.test('art36_3_law_named: 其他法律行政法规禁止公开 names the law', async (t) => {
  refusedBy(t, act(start(), RECEIVED, answer('withheld_prohibited_by_law', { withheldReasons: '法律禁止公开' })), 'art36_3_law_named');
  ok(t, act(start(), RECEIVED, answer('withheld_prohibited_by_law', { withheldReasons: '法律禁止公开', legalBasis: '《中华人民共和国统计法》第三十九条' })));
});

t.test('art32_disclosure_over_objection_reasoned: disclosed over an objection, with a notice to the third party', async (t) => {
  const consulting = ok(t, act(start(), '2026-03-03', { type: 'CONSULT_THIRD_PARTY', party: '示例某公司', partyKind: 'third_party', matter: '合同' }));
  const objected = ok(t, act(consulting, '2026-03-10', { type: 'THIRD_PARTY_REPLIED', opinion: 'object', reasons: '涉及商业秘密', repliedOn: '2026-03-10' }));
  refusedBy(t, act(objected, '2026-03-12', answer('disclosed')), 'art32_disclosure_over_objection_reasoned');
  const disclosed = ok(t, act(objected, '2026-03-12', answer('disclosed', { publicInterest: '涉及公共资金使用' })));
  t.same(
    disclosed.intents.map((i) => i.params),
    [{ kind: 'answer' }, { kind: 'third_party_notice' }, { template: 'answer', to: 'applicant' }],
  );
  const withheld = ok(t, act(objected, '2026-03-12', answer('withheld_third_party_rights', { withheldReasons: '第三方理由成立' })));
  t.same(
    withheld.intents.map((i) => i.params),
    [{ kind: 'answer' }, { template: 'answer', to: 'applicant' }],
    'withheld: no notice to the third party',
  );
  const agreed = ok(t, act(consulting, '2026-03-10', { type: 'THIRD_PARTY_REPLIED', opinion: 'agree', reasons: '', repliedOn: '2026-03-10' }));
  t.same(ok(t, act(agreed, '2026-03-12', answer('disclosed'))).intents.length, 2, 'no objection: no reasons needed, no notice');
});

t.test('art36_5_responsible_agency_contact_and_reason: naming the agency responsible', async (t) => {
  ok(t, act(start(), RECEIVED, answer('unavailable_not_held')), 'art. 36(4): no agency named, the information does not exist');
  refusedBy(t, act(start(), RECEIVED, answer('unavailable_not_held', { responsibleAgency: '市自然资源和规划局' })), 'art36_5_responsible_agency_contact_and_reason');
  refusedBy(
    t,
    act(start(), RECEIVED, answer('unavailable_not_held', { responsibleAgency: '市自然资源和规划局', responsibleAgencyContact: '0731-55555555' })),
    'art36_5_responsible_agency_contact_and_reason',
  );
  ok(
    t,
    act(
      start(),
      RECEIVED,
      answer('unavailable_not_held', { responsibleAgency: '市自然资源和规划局', responsibleAgencyContact: '0731-55555555', notResponsibleReason: '该信息由其制作' }),
    ),
  );
});

t.test("art36_6_duplicate_names_earlier_answer: the same applicant's answered request at this agency", async (t) => {
  const earlier = (over: Partial<EarlierCase>): EarlierCase => ({ trackingNumber: 'FGJ-2026-00001', sameApplicant: true, sameAgency: true, answeredOn: '2026-02-02', ...over });
  refusedBy(t, act(start(), RECEIVED, answer('rejected_duplicate')), 'art36_6_duplicate_names_earlier_answer');
  refusedBy(t, act(start(), RECEIVED, answer('rejected_duplicate', { earlierCase: earlier({ sameApplicant: false }) })), 'art36_6_duplicate_names_earlier_answer');
  refusedBy(t, act(start(), RECEIVED, answer('rejected_duplicate', { earlierCase: earlier({ sameAgency: false }) })), 'art36_6_duplicate_names_earlier_answer');
  refusedBy(t, act(start(), RECEIVED, answer('rejected_duplicate', { earlierCase: earlier({ answeredOn: null }) })), 'art36_6_duplicate_names_earlier_answer');
  ok(t, act(start(), RECEIVED, answer('rejected_duplicate', { earlierCase: earlier({}) })));
});

t.test('art39_2_how_to_obtain_publication', async (t) => {
  refusedBy(t, act(start(), RECEIVED, answer('rejected_publication')), 'art39_2_how_to_obtain_publication');
  ok(t, act(start(), RECEIVED, answer('rejected_publication', { howToObtain: '可在区图书馆查阅' })));
});

t.test('other_states_its_basis', async (t) => {
  refusedBy(t, act(start(), RECEIVED, answer('other')), 'other_states_its_basis');
  ok(t, act(start(), RECEIVED, answer('other', { legalBasis: '《不动产登记暂行条例》第二十七条' })));
});

t.test('art. 35 rejected_excessive: after asking, after the reasons or their date, never after a deferral', async (t) => {
  refusedBy(t, act(start(), '2026-03-05', answer('rejected_excessive')), 'art35_excessive_after_reasons_request');
  // Asked on 2026-03-03 with 5 working days: reply by 2026-03-10.
  const asked = ok(t, act(start(), '2026-03-03', { type: 'REQUEST_REASONS', matter: '本月已申请120件', replyWithinWorkingDays: 5 }));
  refusedBy(t, act(asked, '2026-03-10', answer('rejected_excessive')), 'art35_excessive_after_reasons_or_reply_date');
  ok(t, act(asked, '2026-03-11', answer('rejected_excessive')), 'no reasons by the reply date');
  const given = ok(t, act(asked, '2026-03-06', { type: 'REASONS_GIVEN', receivedOn: '2026-03-06' }, applicant));
  ok(t, act(given, '2026-03-06', answer('rejected_excessive')), 'the reasons are in and found unreasonable');
  const deferred = ok(t, act(given, '2026-03-06', { type: 'DEFER_ANSWER', dueOn: '2026-05-29', reason: '需逐件检索' }, officeHead));
  refusedBy(t, act(deferred, '2026-03-20', answer('rejected_excessive')), 'art35_excessive_not_after_deferral');
});

t.test('art. 30 REOPEN: a closure for no correction, reopened by the office head from the corrected application', async (t) => {
  const asked = servedOnIssue(ok(t, act(start(), '2026-03-04', { type: 'REQUEST_CORRECTION', items: ['写明文件名称'], dueInWorkingDays: 5 })), 'correction_notice', '2026-03-04');
  // Due 2026-03-11; the sweeper closes it on 2026-03-12.
  const closed = ok(t, act(asked, '2026-03-12', { type: 'CORRECTION_PERIOD_ENDED', dueOn: '2026-03-11' }, system));
  const reopen = (receivedOn: IsoDate) => ({ type: 'REOPEN', reason: '申请人住院，有医院证明', receivedOn, text: '所需为2025年区发改局的立项批复' }) as ClientEvent;
  refusedBy(t, act(closed, '2026-03-16', reopen('2026-03-16'), clerk), 'art30_reopen_by_office_head');
  refusedBy(t, act(closed, '2026-03-16', reopen('2026-03-16'), administrator), 'decisions_by_case_agency_staff');
  refusedBy(t, act(closed, '2026-03-16', reopen('2026-03-17'), officeHead), 'art30_reopen_correction_date');
  refusedBy(t, act(closed, '2026-03-16', reopen('2026-03-03'), officeHead), 'art30_reopen_correction_date');
  const reopened = ok(t, act(closed, '2026-03-16', reopen('2026-03-16'), officeHead));
  t.equal(reopened.snapshot.state, 'received');
  t.equal(reopened.snapshot.context.outcome, null);
  t.match(reopened.snapshot.context.reopened, { on: '2026-03-16', reason: '申请人住院，有医院证明', by: 8, closedOn: '2026-03-12' });
  t.equal(reopened.deadlines.answerDueOn, '2026-04-14', '20 working days from the corrected application (Qingming skipped)');
  t.same(
    reopened.intents.map((i) => i.params),
    [{ kind: 'reopen_notice' }, { template: 'reopen_notice', to: 'applicant' }],
  );
  t.same(
    reopened.timers.map((x) => x.kind),
    ['answer_due', 'reminder_5', 'reminder_1'],
  );
  t.same(allowedEvents({ snapshot: closed.snapshot, calendar, on: '2026-03-16', actor: officeHead }), ['REOPEN', 'CORRECT_LETTER']);
  t.same(allowedEvents({ snapshot: closed.snapshot, calendar, on: '2026-03-16', actor: clerk }), ['CORRECT_LETTER'], 'a letter can still be corrected');

  const withdrawn = ok(t, act(start(), '2026-03-04', { type: 'WITHDRAW', reason: '' }));
  refusedBy(t, act(withdrawn, '2026-03-16', reopen('2026-03-16'), officeHead), 'art30_reopen_after_no_correction_closure');
  const answered = ok(t, act(start(), '2026-03-04', answer('disclosed')));
  refusedBy(t, act(answered, '2026-03-16', reopen('2026-03-16'), officeHead), 'workflow_state_does_not_allow');
});
