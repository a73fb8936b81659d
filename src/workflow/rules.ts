// The statute's conditions on each workflow event, each named after its article. The machine's
// guards are built from this table, and a refused event is answered with the name of the first rule
// it breaks, so the two can never disagree.
import { workingDayOnOrAfter, workingDaysBetween, type Calendar } from '../calendar/working-days.js';
import { CORRECTION_WINDOW, deadlinesOf, MAX_EXTENSION } from './deadlines.js';
import { ANSWER_DISPOSITIONS, withholdsSomething } from './dispositions.js';
import { processingFee } from './fees.js';
import { CLIENT_EVENT_TYPES, type CaseContext, type EventOf, type EventType, type Stamp, type WorkflowEvent } from './types.js';

type RuleArgs<E> = { context: CaseContext; event: E; calendar: Calendar };
export type Rule<E> = { name: string; message: string; holds: (args: RuleArgs<E>) => boolean };

/**
 * `pre` rules read only the case, the date and who acts: they decide whether an action is offered
 * at all. `payload` rules also read what the action says (how many days, which code…).
 */
type EventRules<T extends EventType> = { pre?: Rule<Stamp>[]; payload?: Rule<EventOf<T>>[] };

const withinAnswerPeriod: Rule<Stamp> = {
  name: 'art33_within_answer_period',
  message: '答复期限已过，不能再作此处理（条例第三十三条）',
  holds: ({ context, event, calendar }) => {
    const due = deadlinesOf({ context, calendar }).answerDueOn;
    return due !== null && event.on <= due;
  },
};

/** Art. 33: asked for (by a clerk) or granted (by the office head), an extension is 1 to 20 working days. */
const extensionAtMost20: Rule<{ workingDays: number }> = {
  name: 'art33_extension_at_most_20_working_days',
  message: `延长的期限最长不得超过${MAX_EXTENSION}个工作日（条例第三十三条）`,
  holds: ({ event }) => Number.isInteger(event.workingDays) && event.workingDays >= 1 && event.workingDays <= MAX_EXTENSION,
};

const timerIsCurrent = (key: 'answerDueOn' | 'correctionDueOn' | 'consultationDueOn' | 'paymentDueOn'): Rule<Stamp & { dueOn: string }> => ({
  name: 'timer_matches_current_deadline',
  message: '该期限已经变更，此次到期提醒不再适用',
  holds: ({ context, event, calendar }) => deadlinesOf({ context, calendar })[key] === event.dueOn,
});

/**
 * Who may decide an extension (art. 33), a deferral (art. 35) or a reopening (art. 30): the head of
 * the agency's OGI office (role `supervisor`), not a clerk. Only the case's own agency acts on it
 * (caseAgencyActs below), so this is the office head *of that agency*.
 */
const byOfficeHead = ({ event }: RuleArgs<Stamp>) => event.actor.kind === 'staff' && event.actor.role === 'supervisor';

/**
 * Every client event: a member of staff acts on a case only as staff of its agency. An installation
 * administrator manages accounts, agencies, guides and the calendar but decides no case; another
 * agency's office head no more than its clerks (条例 arts. 4, 33: the agency that received the
 * application answers it). Applicants and the system are not staff and are not concerned.
 */
const caseAgencyActs: Rule<Stamp> = {
  name: 'decisions_by_case_agency_staff',
  message: '只有受理该申请的机关的工作人员可以办理；系统管理员和其他机关的工作人员不能对本申请作出处理',
  holds: ({ event }) => event.actor.kind !== 'staff' || (event.actor.ofCaseAgency && event.actor.role !== 'admin'),
};

/**
 * Art. 17 (review before disclosure): a decision waits for the office head's sign-off as a draft, one
 * at a time; the office head may decide in its place, and the applicant may still withdraw.
 */
const oneDraftAtATime: Rule<Stamp> = {
  name: 'art17_one_draft_awaiting_sign_off',
  message: '已有一份决定等待负责人审签，审签或退回后方可另拟',
  holds: ({ context, event }) => !context.pendingDraft || event.actor.kind === 'applicant' || (event.actor.kind === 'staff' && event.actor.role === 'supervisor'),
};

/**
 * docs/statute.md §6: a period counted from receipt draws its consequence (deemed abandonment, the
 * consultee's silence) only once the letter's service is recorded; until then staff are reminded.
 */
const periodRunsFromService: Rule<Stamp> = {
  name: 'period_runs_from_service',
  message: '文书送达日期尚未登记，期限暂按发出日期计算，不能据此作出处理；请先登记送达',
  holds: ({ context, calendar }) => deadlinesOf({ context, calendar }).awaitingService === null,
};

/** A draft that would release information (予以公开, 部分公开): what a 保密审查 is for. */
const disclosesInformation = (draft: CaseContext['pendingDraft']) =>
  draft?.event.type === 'ANSWER' && (draft.event.disposition === 'disclosed' || draft.event.disposition === 'partially_disclosed');

const draftPending: Rule<Stamp> = {
  name: 'art17_draft_awaiting_sign_off',
  message: '本申请没有等待审签的决定',
  holds: ({ context }) => context.pendingDraft !== null,
};

const signedByOfficeHead: Rule<Stamp> = {
  name: 'art17_signed_off_by_office_head',
  message: '决定由政府信息公开工作机构负责人审签，办理人员不能自行签发（条例第十七条）',
  holds: byOfficeHead,
};

/** Art. 35: an art. 33 extension after the office head set a later date for the answer would state a date it does not give. */
const noExtensionAfterDeferral: Rule<Stamp> = {
  name: 'art35_no_extension_after_deferral',
  message: '已依照条例第三十五条确定延迟答复的期限，不能再延长答复期限',
  holds: ({ context }) => !context.deferral,
};

const filled = (text: string | undefined) => (text ?? '').trim().length > 0;

/** Art. 35: the applicant's reasons are in, or the day by which they were asked for has passed without them. */
const reasonsInOrLate = (context: CaseContext, on: string) => {
  const asked = context.reasonsRequest;
  return Boolean(asked && (asked.repliedOn || on > asked.replyBy));
};

/** What an answer's text must at least say (a sentence, not a placeholder). */
export const MIN_ANSWER_TEXT = 10;

const dateInRange = (earliest: string, date: string, latest: string) => earliest <= date && date <= latest;

/**
 * What the applicant sent reached the agency on `receivedOn`: not before the agency asked for it,
 * not after today, except that what arrives online or by fax on a day off is received on the next
 * working day (art. 31).
 */
const receivedSince = (askedOn: string, args: { receivedOn: string; on: string; calendar: Calendar }) =>
  dateInRange(askedOn, args.receivedOn, workingDayOnOrAfter({ date: args.on, calendar: args.calendar }).date);

/** The rules of each event, in the order they are checked; an event with none beside the common ones may be left out. */
export const RULES: { [T in EventType]?: EventRules<T> } = {
  ASSIGN: {},
  REQUEST_CORRECTION: {
    pre: [
      {
        name: 'art30_correction_once',
        message: '补正告知只能一次性作出，本申请已经要求过补正（条例第三十条）',
        holds: ({ context }) => context.correction === null,
      },
      {
        name: 'art30_correction_within_7_working_days',
        message: '补正告知须自收到申请之日起7个工作日内作出（条例第三十条）',
        holds: ({ context, event, calendar }) => workingDaysBetween({ from: context.receivedOn, to: event.on, calendar }).days <= CORRECTION_WINDOW,
      },
    ],
  },
  CORRECTION_RECEIVED: {
    payload: [
      {
        name: 'art30_corrected_application_date',
        message: '补正材料的收到日期须在补正告知之后、且不晚于今天（非工作日收到的，为下一个工作日）',
        holds: ({ context, event, calendar }) => context.correction !== null && receivedSince(context.correction.requestedOn, { ...event, calendar }),
      },
    ],
  },
  CONSULT_THIRD_PARTY: { pre: [withinAnswerPeriod] },
  THIRD_PARTY_REPLIED: {
    payload: [
      {
        name: 'art32_reply_date',
        message: '意见的收到日期须在征求意见之后、且不晚于今天',
        holds: ({ context, event }) => {
          const open = context.consultations.find((c) => c.repliedOn === null);
          return open !== undefined && dateInRange(open.startedOn, event.repliedOn, event.on);
        },
      },
      {
        name: 'art32_objection_with_reasons',
        message: '第三方不同意公开的，须记录其理由（条例第三十二条）',
        holds: ({ event }) => event.opinion !== 'object' || event.reasons.trim().length > 0,
      },
      // Arts. 32, 34: silence counts only once the 15 working days have run (the timer records it then).
      {
        name: 'art32_silence_after_15_working_days',
        message: '征求意见的15个工作日尚未届满，不能登记为“逾期未提出意见”（条例第三十二条、第三十四条）',
        holds: ({ context, event, calendar }) => {
          if (event.opinion !== 'no_reply') return true;
          const due = deadlinesOf({ context, calendar }).consultationDueOn;
          return due !== null && event.on > due;
        },
      },
    ],
  },
  REQUEST_EXTENSION: {
    pre: [
      {
        name: 'art33_extension_requested_by_handler',
        message: '政府信息公开工作机构负责人可以直接决定延长答复期限',
        holds: ({ event }) => event.actor.kind === 'staff' && event.actor.role === 'clerk',
      },
      {
        name: 'art33_extension_once',
        message: '答复期限只能延长一次（条例第三十三条）',
        holds: ({ context }) => context.extension === null,
      },
      {
        name: 'art33_extension_request_pending',
        message: '已有延期申请等待负责人审批',
        holds: ({ context }) => !context.extensionRequest,
      },
      noExtensionAfterDeferral,
      withinAnswerPeriod,
    ],
    payload: [extensionAtMost20],
  },
  REQUEST_REASONS: {
    pre: [
      {
        name: 'art35_reasons_asked_once',
        message: '已经要求申请人说明理由，不能重复要求（条例第三十五条）',
        holds: ({ context }) => !context.reasonsRequest,
      },
      withinAnswerPeriod,
    ],
  },
  // Art. 35: the applicant's explanation, online or on paper, once; the agency then decides.
  REASONS_GIVEN: {
    pre: [
      {
        name: 'art35_reasons_requested',
        message: '本机关没有要求申请人说明理由，或者申请人已经说明（条例第三十五条）',
        holds: ({ context }) => Boolean(context.reasonsRequest) && !context.reasonsRequest!.repliedOn,
      },
    ],
    payload: [
      {
        name: 'art35_reasons_received_date',
        message: '说明理由的收到日期须在说明理由告知之后、且不晚于今天（非工作日收到的，为下一个工作日）',
        holds: ({ context, event, calendar }) => Boolean(context.reasonsRequest) && receivedSince(context.reasonsRequest!.requestedOn, { ...event, calendar }),
      },
    ],
  },
  DEFER_ANSWER: {
    pre: [
      // Art. 35: the agency finds the reasons reasonable — so they must have been given.
      {
        name: 'art35_deferral_after_reasons_given',
        message: '须先要求申请人说明理由，并在收到理由、认为理由合理后，方可确定延迟答复的期限（条例第三十五条）',
        holds: ({ context }) => Boolean(context.reasonsRequest?.repliedOn),
      },
      // Art. 35 leaves the decision to the agency; as for an art. 33 extension, its office head takes it.
      {
        name: 'art35_deferral_by_office_head',
        message: '延迟答复的合理期限由政府信息公开工作机构负责人确定，办理人员不能自行确定',
        holds: byOfficeHead,
      },
      {
        name: 'art35_deferral_once',
        message: '延迟答复的期限已经确定，不能再次变更（条例第三十五条）',
        holds: ({ context }) => !context.deferral,
      },
      withinAnswerPeriod,
    ],
    payload: [
      {
        name: 'art35_deferral_after_current_due_date',
        message: '延迟答复的日期须晚于现在的答复期限',
        holds: ({ context, event, calendar }) => {
          const due = deadlinesOf({ context, calendar }).answerDueOn;
          return due !== null && event.dueOn > due;
        },
      },
    ],
  },
  EXTEND: {
    pre: [
      {
        name: 'art33_extension_approved_by_office_head',
        message: '延长答复期限须经政府信息公开工作机构负责人同意（条例第三十三条），办理人员不能自行延期',
        holds: byOfficeHead,
      },
      {
        name: 'art33_extension_once',
        message: '答复期限只能延长一次（条例第三十三条）',
        holds: ({ context }) => context.extension === null,
      },
      noExtensionAfterDeferral,
      withinAnswerPeriod,
    ],
    payload: [extensionAtMost20],
  },
  // Art. 33: the office head may also refuse a clerk's request for an extension, saying why.
  REFUSE_EXTENSION: {
    pre: [
      {
        name: 'art33_extension_refused_by_office_head',
        message: '是否同意延长答复期限，由政府信息公开工作机构负责人决定（条例第三十三条）',
        holds: byOfficeHead,
      },
      {
        name: 'art33_extension_request_awaited',
        message: '没有等待审批的延期申请',
        holds: ({ context }) => Boolean(context.extensionRequest),
      },
    ],
    payload: [{ name: 'art33_refusal_with_reason', message: '不同意延期须写明理由', holds: ({ event }) => filled(event.reason) }],
  },
  ISSUE_FEE_NOTICE: {
    pre: [
      {
        name: 'fees_one_notice_per_application',
        message: '同一申请只能发出一次收费通知，且只能采用一种计费方式（国办函〔2020〕109号）',
        holds: ({ context }) => context.fee === null,
      },
      { ...withinAnswerPeriod, name: 'fees_notice_within_answer_period', message: '收费通知须在答复期限内发出（国办函〔2020〕109号）' },
    ],
    payload: [
      {
        name: 'fees_beyond_free_allowance',
        message: '申请数量未超过免费额度，不收取信息处理费（条例第四十二条；国办函〔2020〕109号）',
        holds: ({ event }) => processingFee(event) > 0,
      },
    ],
  },
  FEE_PAID: {
    payload: [
      {
        name: 'fees_payment_date',
        message: '缴费日期须在收费通知之后、且不晚于今天',
        holds: ({ context, event }) => context.fee !== null && dateInRange(context.fee.noticeOn, event.paidOn, event.on),
      },
    ],
  },
  TRANSFER: { pre: [oneDraftAtATime] },
  ANSWER: {
    pre: [oneDraftAtATime],
    payload: [
      {
        name: 'art36_answer_disposition',
        message: '答复须选择条例第三十六条规定的处理方式；“逾期不补正”“逾期未缴费”由系统在期限届满后自动处理',
        holds: ({ event }) => (ANSWER_DISPOSITIONS as string[]).includes(event.disposition),
      },
      {
        name: 'answer_text_at_least_10_characters',
        message: `答复正文至少${MIN_ANSWER_TEXT}个字，写明答复的具体内容`,
        holds: ({ event }) => [...event.text.trim()].length >= MIN_ANSWER_TEXT,
      },
      {
        name: 'art30_unclear_only_after_correction',
        message: '只有要求补正且收到补正材料后，才能以“补正后申请内容仍不明确”答复（条例第三十条）',
        holds: ({ context, event }) => event.disposition !== 'unavailable_unclear_after_correction' || Boolean(context.correction?.receivedOn),
      },
      {
        name: 'art37_withheld_reasons_given',
        message: '不予公开或者部分公开的，须说明不予公开的理由（条例第三十六条第三项、第三十七条）',
        holds: ({ event }) => !withholdsSomething(event.disposition) || filled(event.withheldReasons),
      },
      {
        name: 'art36_3_law_named',
        message: '以“其他法律行政法规禁止公开”不予公开的，须写明所依据的法律、行政法规及其条款（条例第十四条、第三十六条第三项）',
        holds: ({ event }) => event.disposition !== 'withheld_prohibited_by_law' || filled(event.legalBasis),
      },
      {
        name: 'art32_disclosure_over_objection_reasoned',
        message: '第三方不同意公开，本机关认为不公开会对公共利益造成重大影响而决定公开的，须写明理由，并书面告知第三方（条例第三十二条）',
        holds: ({ context, event }) =>
          !(event.disposition === 'disclosed' || event.disposition === 'partially_disclosed') ||
          !context.consultations.some((c) => c.partyKind === 'third_party' && c.opinion === 'object') ||
          filled(event.publicInterest),
      },
      {
        name: 'art36_5_responsible_agency_contact_and_reason',
        message: '告知负责公开的行政机关的，须写明该机关的名称、联系方式和不属于本机关负责公开的理由（条例第三十六条第五项）',
        holds: ({ event }) =>
          event.disposition !== 'unavailable_not_held' || !filled(event.responsibleAgency) || (filled(event.responsibleAgencyContact) && filled(event.notResponsibleReason)),
      },
      {
        name: 'art36_6_duplicate_names_earlier_answer',
        message: '以“重复申请”不予处理的，须写明同一申请人向本机关提出、本机关已经答复的申请编号（条例第三十六条第六项）',
        holds: ({ event }) => {
          if (event.disposition !== 'rejected_duplicate') return true;
          const earlier = event.earlierCase;
          return Boolean(earlier && earlier.sameApplicant && earlier.sameAgency && earlier.answeredOn !== null);
        },
      },
      {
        name: 'art39_2_how_to_obtain_publication',
        message: '要求提供公开出版物的，须告知获取该出版物的途径（条例第三十九条第二款）',
        holds: ({ event }) => event.disposition !== 'rejected_publication' || filled(event.howToObtain),
      },
      {
        name: 'art35_excessive_after_reasons_request',
        message: '以“无正当理由大量反复申请”不予处理前，须先要求申请人说明理由（条例第三十五条）',
        holds: ({ context, event }) => event.disposition !== 'rejected_excessive' || Boolean(context.reasonsRequest),
      },
      {
        name: 'art35_excessive_after_reasons_or_reply_date',
        message: '须在收到申请人说明的理由、或者说明理由的期限届满后，才能认定理由不合理（条例第三十五条）',
        holds: ({ context, event }) => event.disposition !== 'rejected_excessive' || !context.reasonsRequest || reasonsInOrLate(context, event.on),
      },
      {
        name: 'art35_excessive_not_after_deferral',
        message: '已认定申请理由合理并确定延迟答复的期限，不能再以“无正当理由大量反复申请”不予处理（条例第三十五条）',
        holds: ({ context, event }) => event.disposition !== 'rejected_excessive' || !context.deferral,
      },
      {
        name: 'other_states_its_basis',
        message: '以“其他处理”答复的，须写明所依据的法律、法规或者条例条款',
        holds: ({ event }) => event.disposition !== 'other' || filled(event.legalBasis),
      },
    ],
  },
  WITHDRAW: { pre: [oneDraftAtATime] },
  // Art. 30: a request deemed abandoned for no correction "无正当理由" may be taken up again when the
  // applicant shows a good reason; the office head decides, and the answer period runs from the
  // corrected application's receipt.
  REOPEN: {
    pre: [
      {
        name: 'art30_reopen_after_no_correction_closure',
        message: '只有因逾期未补正而不再处理的申请，可以在申请人说明正当理由后恢复办理（条例第三十条）',
        holds: ({ context }) => context.outcome?.reason === 'no_correction',
      },
      {
        name: 'art30_reopen_by_office_head',
        message: '恢复办理由政府信息公开工作机构负责人决定，办理人员不能自行决定',
        holds: byOfficeHead,
      },
    ],
    payload: [
      {
        name: 'art30_reopen_correction_date',
        message: '补正后申请的收到日期须在补正告知之后、且不晚于今天（非工作日收到的，为下一个工作日）',
        holds: ({ context, event, calendar }) => context.correction !== null && receivedSince(context.correction.requestedOn, { ...event, calendar }),
      },
    ],
  },
  // A mistaken letter is corrected or revoked by a new numbered letter that cites it and says why and
  // what now holds; the original stays on file. Through the same sign-off as any decision (art. 17).
  CORRECT_LETTER: {
    pre: [oneDraftAtATime],
    payload: [
      {
        name: 'letter_correction_states_reason_and_content',
        message: '更正或撤销文书须写明原文书的错误和更正（撤销）后的内容',
        holds: ({ event }) => filled(event.reason) && filled(event.correction),
      },
    ],
  },
  // Art. 17: the office head reads the drafted letter and signs it (it is then issued as drafted, dated
  // the day of signing), or returns it to the drafter with a comment.
  SIGN_OFF: {
    pre: [draftPending, signedByOfficeHead],
    payload: [
      {
        name: 'art17_secrecy_review_before_sign_off',
        message: '本机关规定：公开政府信息前须经保密审查，请先登记保密审查意见（条例第十七条）',
        holds: ({ context, event }) => !event.policy?.secrecyReview || !disclosesInformation(context.pendingDraft) || Boolean(context.pendingDraft?.secrecyReview),
      },
      {
        name: 'art17_second_signer_differs',
        message: '本机关规定：决定须经两人审签，审核人和签发人不能是同一人',
        holds: ({ context, event }) => !event.policy?.secondSigner || event.actor.kind !== 'staff' || context.pendingDraft?.reviewedBy !== event.actor.id,
      },
    ],
  },
  // Art. 17: the 保密审查 of a disclosure, where the agency asks for it, recorded before the sign-off.
  SECRECY_REVIEW: {
    pre: [
      draftPending,
      signedByOfficeHead,
      {
        name: 'art17_secrecy_review_of_disclosures',
        message: '只有公开或部分公开政府信息的决定需要保密审查，且只登记一次',
        holds: ({ context }) => disclosesInformation(context.pendingDraft) && !context.pendingDraft?.secrecyReview,
      },
    ],
    payload: [{ name: 'art17_secrecy_review_conclusion', message: '请填写保密审查意见', holds: ({ event }) => filled(event.conclusion) }],
  },
  RETURN_DRAFT: {
    pre: [draftPending, signedByOfficeHead],
    payload: [
      {
        name: 'art17_return_with_comment',
        message: '退回拟稿须写明意见',
        holds: ({ event }) => filled(event.comment),
      },
    ],
  },
  DEADLINE_PASSED: { payload: [timerIsCurrent('answerDueOn')] },
  CORRECTION_PERIOD_ENDED: { pre: [oneDraftAtATime, periodRunsFromService], payload: [timerIsCurrent('correctionDueOn')] },
  CONSULTATION_PERIOD_ENDED: { pre: [periodRunsFromService], payload: [timerIsCurrent('consultationDueOn')] },
  PAYMENT_PERIOD_ENDED: { pre: [oneDraftAtATime, periodRunsFromService], payload: [timerIsCurrent('paymentDueOn')] },
  // docs/statute.md §6: service is recorded for the case's own letters, on a day they could have been served.
  LETTER_SERVED: {
    pre: [
      {
        name: 'service_recorded_by_case_agency',
        message: '只有受理该申请的机关的工作人员可以登记送达',
        holds: ({ event }) => event.actor.kind !== 'staff' || event.actor.ofCaseAgency,
      },
    ],
    payload: [
      {
        name: 'service_not_before_issue',
        message: '送达日期不能早于文书的发出日期',
        holds: ({ event }) => event.servedOn >= event.issuedOn,
      },
      {
        name: 'service_not_in_future',
        message: '送达日期不能晚于今天',
        holds: ({ event }) => event.servedOn <= event.on,
      },
    ],
  },
};

export type Violation = { rule: string; message: string };

const CLIENT_TYPES = new Set<EventType>(CLIENT_EVENT_TYPES);

/** The first rule the event breaks, or null. `preOnly` skips rules that read the event's payload. */
export function violatedRule(args: { context: CaseContext; event: WorkflowEvent; calendar: Calendar; preOnly?: boolean }): Violation | null {
  const rules = (RULES[args.event.type] ?? {}) as EventRules<EventType>;
  const common = CLIENT_TYPES.has(args.event.type) ? [caseAgencyActs] : [];
  const all = [...common, ...(rules.pre ?? []), ...(args.preOnly ? [] : (rules.payload ?? []))] as Rule<WorkflowEvent>[];
  const broken = all.find((rule) => !rule.holds({ context: args.context, event: args.event, calendar: args.calendar }));
  return broken ? { rule: broken.name, message: broken.message } : null;
}

/**
 * The names of the rules that may refuse an event of this type (409 `rule`), in the order they are
 * checked, beside `workflow_state_does_not_allow` (the state does not take it): for the API's
 * description of each event (docs/api.md) and docs/workflow.md.
 */
export function ruleNamesFor(type: EventType): string[] {
  const rules = (RULES[type] ?? {}) as EventRules<EventType>;
  return [...(CLIENT_TYPES.has(type) ? [caseAgencyActs] : []), ...(rules.pre ?? []), ...(rules.payload ?? [])].map((rule) => rule.name);
}
