// The life of a request for disclosure (条例 2019, docs/statute.md §3), as a pure xstate machine. Its
// actions are intents (notify someone, issue a letter) that the service turns into rows; it does no
// I/O and keeps no timers: statutory deadlines are derived (deadlines.ts) and swept from the database.
import { and, assertEvent, assign, setup } from 'xstate';
import { addWorkingDays, type Calendar } from '../calendar/working-days.js';
import { processingFee } from './fees.js';
import { violatedRule } from './rules.js';
import type { CaseContext, CaseInput, MailTemplate, WorkflowEvent } from './types.js';

export type Recipient = 'applicant' | 'assignee' | 'supervisors' | 'third_party';
export type NotifyIntent = { type: 'notify'; params: { template: MailTemplate; to: Recipient } };
export type LetterKind =
  | 'receipt'
  | 'correction_notice'
  | 'reasons_request'
  | 'deferral_notice'
  | 'extension_notice'
  | 'consultation_request'
  | 'consultation_notice'
  | 'fee_notice'
  | 'answer'
  | 'third_party_notice'
  | 'transfer_notice'
  | 'closure_notice'
  | 'reopen_notice'
  | 'letter_correction'
  | 'letter_revocation';
export type LetterIntent = { type: 'issueLetter'; params: { kind: LetterKind } };
export type Intent = NotifyIntent | LetterIntent;

const notify = (template: MailTemplate, to: Recipient = 'applicant') => ({ type: 'notify' as const, params: { template, to } });
const letter = (kind: LetterKind) => ({ type: 'issueLetter' as const, params: { kind } });

export function createRequestMachine(calendar: Calendar) {
  const allowed = ({ context, event }: { context: CaseContext; event: WorkflowEvent }) => violatedRule({ context, event, calendar }) === null;

  const m = setup({
    types: { context: {} as CaseContext, events: {} as WorkflowEvent, input: {} as CaseInput },
    guards: {
      allowed,
      allowedAndAssigned: (args) => allowed(args) && args.context.assignee !== null,
      byApplicant: ({ event }) => event.actor.kind === 'applicant',
      // Art. 32: disclosed although the third party objected, because the public interest weighs more.
      overThirdPartyObjection: ({ context, event }) =>
        event.type === 'ANSWER' &&
        (event.disposition === 'disclosed' || event.disposition === 'partially_disclosed') &&
        context.consultations.some((c) => c.partyKind === 'third_party' && c.opinion === 'object'),
    },
    actions: {
      notify: (_, _params: NotifyIntent['params']) => {},
      issueLetter: (_, _params: LetterIntent['params']) => {},
      recordAssignee: assign(({ event }) => {
        assertEvent(event, 'ASSIGN');
        return { assignee: event.assignee };
      }),
      recordCorrectionRequest: assign(({ event }) => {
        assertEvent(event, 'REQUEST_CORRECTION');
        return { correction: { requestedOn: event.on, items: event.items, dueInWorkingDays: event.dueInWorkingDays, receivedOn: null } };
      }),
      // Art. 30: the answer period runs from the day the corrected application arrives.
      restartClock: assign(({ context, event }) => {
        assertEvent(event, 'CORRECTION_RECEIVED');
        return { clockStartOn: event.receivedOn, correction: { ...context.correction!, receivedOn: event.receivedOn, text: event.text || null } };
      }),
      // Art. 30: reopened for a good reason shown, with the corrected application: the answer period
      // runs from its receipt, as for a correction made in time.
      reopen: assign(({ context, event }) => {
        assertEvent(event, 'REOPEN');
        const by = event.actor.kind === 'staff' ? event.actor.id : null;
        return {
          clockStartOn: event.receivedOn,
          correction: { ...context.correction!, receivedOn: event.receivedOn, text: event.text || null },
          outcome: null,
          reopened: { on: event.on, reason: event.reason, by, closedOn: context.outcome!.concludedOn },
        };
      }),
      recordConsultation: assign(({ context, event }) => {
        assertEvent(event, 'CONSULT_THIRD_PARTY');
        const consultation = { party: event.party, partyKind: event.partyKind, matter: event.matter, startedOn: event.on, opinion: null, reasons: null, repliedOn: null };
        return { consultations: [...context.consultations, consultation] };
      }),
      recordReply: assign(({ context, event }) => {
        assertEvent(event, ['THIRD_PARTY_REPLIED', 'CONSULTATION_PERIOD_ENDED']);
        // Art. 32: silence within 15 working days leaves the decision to the agency.
        const reply =
          event.type === 'THIRD_PARTY_REPLIED'
            ? { opinion: event.opinion, reasons: event.reasons, repliedOn: event.repliedOn }
            : { opinion: 'no_reply' as const, reasons: null, repliedOn: event.dueOn };
        return { consultations: context.consultations.map((c) => (c.repliedOn === null ? { ...c, ...reply } : c)) };
      }),
      // Art. 35 sets no period for the reply and does not stop the answer period: the agency names a date.
      recordReasonsRequest: assign(({ event }) => {
        assertEvent(event, 'REQUEST_REASONS');
        const replyBy = addWorkingDays({ from: event.on, days: event.replyWithinWorkingDays, calendar }).due;
        return { reasonsRequest: { matter: event.matter, requestedOn: event.on, replyBy } };
      }),
      recordReasonsGiven: assign(({ context, event }) => {
        assertEvent(event, 'REASONS_GIVEN');
        return { reasonsRequest: { ...context.reasonsRequest!, repliedOn: event.receivedOn } };
      }),
      recordDeferral: assign(({ event }) => {
        assertEvent(event, 'DEFER_ANSWER');
        const decidedBy = event.actor.kind === 'staff' ? event.actor.id : null;
        return { deferral: { dueOn: event.dueOn, reason: event.reason, decidedOn: event.on, decidedBy } };
      }),
      recordExtensionRequest: assign(({ event }) => {
        assertEvent(event, 'REQUEST_EXTENSION');
        const requestedBy = event.actor.kind === 'staff' ? event.actor.id : null;
        return { extensionRequest: { workingDays: event.workingDays, reason: event.reason, requestedOn: event.on, requestedBy } };
      }),
      recordExtension: assign(({ event }) => {
        assertEvent(event, 'EXTEND');
        const grantedBy = event.actor.kind === 'staff' ? event.actor.id : null;
        return { extension: { workingDays: event.workingDays, reason: event.reason, grantedOn: event.on, grantedBy }, extensionRequest: null };
      }),
      refuseExtension: assign(() => ({ extensionRequest: null })),
      recordFeeNotice: assign(({ event }) => {
        assertEvent(event, 'ISSUE_FEE_NOTICE');
        return { fee: { method: event.method, quantity: event.quantity, amountYuan: processingFee(event), noticeOn: event.on, paidOn: null } };
      }),
      recordPayment: assign(({ context, event }) => {
        assertEvent(event, 'FEE_PAID');
        return { fee: { ...context.fee!, paidOn: event.paidOn } };
      }),
      concludeAnswered: assign(({ event }) => {
        assertEvent(event, 'ANSWER');
        return { outcome: { disposition: event.disposition, concludedOn: event.on, reason: 'answered' as const, transferredTo: null } };
      }),
      // Art. 36(5): the agency does not hold the information and names the one that does.
      concludeTransferred: assign(({ event }) => {
        assertEvent(event, 'TRANSFER');
        return { outcome: { disposition: 'unavailable_not_held' as const, concludedOn: event.on, reason: 'transferred' as const, transferredTo: event.agency } };
      }),
      concludeWithdrawn: assign(({ event }) => ({
        outcome: { disposition: 'other' as const, concludedOn: event.on, reason: 'withdrawn' as const, transferredTo: null },
      })),
      // Art. 30: no correction in time — deemed abandoned, no longer processed.
      concludeNoCorrection: assign(({ event }) => ({
        outcome: { disposition: 'other_no_correction' as const, concludedOn: event.on, reason: 'no_correction' as const, transferredTo: null },
      })),
      // 国办函〔2020〕109号: fee not paid in time — deemed abandoned, no longer processed.
      concludeFeeUnpaid: assign(({ event }) => ({
        outcome: { disposition: 'other_fee_unpaid' as const, concludedOn: event.on, reason: 'fee_unpaid' as const, transferredTo: null },
      })),
    },
  });

  // Back to work once the clock runs again: to the assignee if there is one.
  const backToWork = <A extends string>(action: A) =>
    [
      { target: 'assigned', guard: 'allowedAndAssigned', actions: [action] },
      { target: 'received', guard: 'allowed', actions: [action] },
    ] as const;
  const handling = {
    REQUEST_CORRECTION: {
      target: 'awaiting_correction',
      guard: 'allowed',
      actions: ['recordCorrectionRequest', letter('correction_notice'), notify('correction_notice')],
    },
    CONSULT_THIRD_PARTY: {
      target: 'consulting',
      guard: 'allowed',
      actions: ['recordConsultation', letter('consultation_request'), letter('consultation_notice'), notify('consultation_notice')],
    },
    REQUEST_REASONS: { guard: 'allowed', actions: ['recordReasonsRequest', letter('reasons_request'), notify('reasons_request')] },
    DEFER_ANSWER: { guard: 'allowed', actions: ['recordDeferral', letter('deferral_notice'), notify('deferral_notice')] },
    REQUEST_EXTENSION: { guard: 'allowed', actions: ['recordExtensionRequest', notify('extension_request', 'supervisors')] },
    EXTEND: { guard: 'allowed', actions: ['recordExtension', letter('extension_notice'), notify('extension_notice')] },
    // Art. 33: the office head does not agree; the clerk who asked is told why, the period stands.
    REFUSE_EXTENSION: { guard: 'allowed', actions: ['refuseExtension', notify('extension_refused', 'assignee')] },
    ISSUE_FEE_NOTICE: {
      target: 'awaiting_payment',
      guard: 'allowed',
      actions: ['recordFeeNotice', letter('fee_notice'), notify('fee_notice')],
    },
    DEADLINE_PASSED: { target: 'overdue', guard: 'allowed', actions: [notify('overdue_alert', 'supervisors')] },
  } as const;
  const concluding = {
    TRANSFER: { target: 'closed', guard: 'allowed', actions: ['concludeTransferred', letter('transfer_notice'), notify('transfer_notice')] },
    ANSWER: [
      {
        target: 'answered',
        guard: and(['allowed', 'overThirdPartyObjection']),
        actions: ['concludeAnswered', letter('answer'), letter('third_party_notice'), notify('answer')],
      },
      { target: 'answered', guard: 'allowed', actions: ['concludeAnswered', letter('answer'), notify('answer')] },
    ],
  } as const;
  const anytime = {
    ASSIGN: { guard: 'allowed', actions: ['recordAssignee'] },
    // The applicant is told the reasons are in and what the agency may then decide; explained
    // online, whoever handles the case is told too. The answer period runs on (art. 35).
    REASONS_GIVEN: [
      { guard: and(['allowed', 'byApplicant']), actions: ['recordReasonsGiven', notify('reasons_received'), notify('reasons_given', 'assignee')] },
      { guard: 'allowed', actions: ['recordReasonsGiven', notify('reasons_received')] },
    ],
    // The applicant is told in writing that the request is no longer processed; withdrawn online,
    // whoever handles it is told too.
    WITHDRAW: [
      { target: 'closed', guard: and(['allowed', 'byApplicant']), actions: ['concludeWithdrawn', notify('withdrawal_notice'), notify('withdrawn_by_applicant', 'assignee')] },
      { target: 'closed', guard: 'allowed', actions: ['concludeWithdrawn', notify('withdrawal_notice')] },
    ],
  } as const;

  return m.createMachine({
    id: 'request',
    context: ({ input }) => ({
      receivedOn: input.receivedOn,
      clockStartOn: input.receivedOn,
      assignee: null,
      correction: null,
      extension: null,
      extensionRequest: null,
      consultations: [],
      reasonsRequest: null,
      deferral: null,
      fee: null,
      outcome: null,
      reopened: null,
      pendingDraft: null,
    }),
    initial: 'received',
    entry: [letter('receipt'), notify('acknowledgment')],
    states: {
      received: {
        on: { ...handling, ...concluding, ...anytime, ASSIGN: { target: 'assigned', guard: 'allowed', actions: ['recordAssignee'] } },
      },
      assigned: {
        on: { ...handling, ...concluding, ...anytime },
      },
      awaiting_correction: {
        on: {
          ...anytime,
          // The applicant is told the answer period runs again, and until when (art. 30); corrected
          // online, whoever handles the case is told it is back.
          CORRECTION_RECEIVED: [
            {
              target: 'assigned',
              guard: and(['allowedAndAssigned', 'byApplicant']),
              actions: ['restartClock', notify('correction_received'), notify('correction_submitted', 'assignee')],
            },
            { target: 'received', guard: and(['allowed', 'byApplicant']), actions: ['restartClock', notify('correction_received'), notify('correction_submitted', 'assignee')] },
            { target: 'assigned', guard: 'allowedAndAssigned', actions: ['restartClock', notify('correction_received')] },
            { target: 'received', guard: 'allowed', actions: ['restartClock', notify('correction_received')] },
          ],
          CORRECTION_PERIOD_ENDED: { target: 'closed', guard: 'allowed', actions: ['concludeNoCorrection', letter('closure_notice'), notify('closure_notice')] },
        },
      },
      consulting: {
        on: {
          ...anytime,
          THIRD_PARTY_REPLIED: backToWork('recordReply'),
          CONSULTATION_PERIOD_ENDED: backToWork('recordReply'),
        },
      },
      awaiting_payment: {
        on: {
          ...anytime,
          FEE_PAID: backToWork('recordPayment'),
          PAYMENT_PERIOD_ENDED: { target: 'closed', guard: 'allowed', actions: ['concludeFeeUnpaid', letter('closure_notice'), notify('closure_notice')] },
        },
      },
      // Art. 33 is breached, but the applicant is still owed an answer.
      overdue: {
        on: { ...concluding, ...anytime },
      },
      answered: { type: 'final' },
      // Not final: a request closed for no correction may be reopened (art. 30); the rules allow
      // nothing else here.
      closed: {
        on: {
          REOPEN: [
            { target: 'assigned', guard: 'allowedAndAssigned', actions: ['reopen', letter('reopen_notice'), notify('reopen_notice')] },
            { target: 'received', guard: 'allowed', actions: ['reopen', letter('reopen_notice'), notify('reopen_notice')] },
          ],
        },
      },
    },
  });
}

export type RequestMachine = ReturnType<typeof createRequestMachine>;
