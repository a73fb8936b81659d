// The vocabulary of the request workflow (http-contract.md "Workflow vocabulary").
import type { IsoDate } from '../calendar/dates.js';
import type { Disposition } from './dispositions.js';
import type { FeeMethod } from './fees.js';

export const CASE_STATES = ['received', 'assigned', 'awaiting_correction', 'consulting', 'awaiting_payment', 'overdue', 'answered', 'closed'] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** States in which the agency still has to act: the case counts as open. */
export const OPEN_STATES: readonly CaseState[] = CASE_STATES.filter((s) => s !== 'answered' && s !== 'closed');

/** `overseer`: a jurisdiction's OGI office (政务公开办), which sees its agencies' cases and decides none. */
export type StaffRole = 'admin' | 'supervisor' | 'clerk' | 'overseer';

/**
 * Who causes an event. A member of staff is of the case's agency or not (`ofCaseAgency`): decisions
 * on a case are its agency's alone (rules.ts), whoever else may read it.
 */
export type StaffActor = { kind: 'staff'; id: number; role: StaffRole; ofCaseAgency: boolean };
export type EventActor = StaffActor | { kind: 'system' } | { kind: 'applicant' };

/** Every event carries the Asia/Shanghai date it happened on and who caused it. */
export type Stamp = { on: IsoDate; actor: EventActor };

export type ConsultedParty = 'third_party' | 'agency';
export type Opinion = 'agree' | 'object' | 'no_reply';

export type ClientEvent =
  | { type: 'ASSIGN'; assignee: number }
  | { type: 'REQUEST_CORRECTION'; items: string[]; dueInWorkingDays: number }
  | { type: 'CORRECTION_RECEIVED'; receivedOn: IsoDate; text: string }
  | { type: 'CONSULT_THIRD_PARTY'; party: string; partyKind: ConsultedParty; matter: string }
  | { type: 'THIRD_PARTY_REPLIED'; opinion: Opinion; reasons: string; repliedOn: IsoDate }
  | { type: 'REQUEST_REASONS'; matter: string; replyWithinWorkingDays: number }
  | { type: 'DEFER_ANSWER'; dueOn: IsoDate; reason: string }
  | { type: 'REASONS_GIVEN'; receivedOn: IsoDate }
  | { type: 'REQUEST_EXTENSION'; workingDays: number; reason: string }
  | { type: 'EXTEND'; workingDays: number; reason: string }
  | { type: 'REFUSE_EXTENSION'; reason: string }
  | { type: 'ISSUE_FEE_NOTICE'; method: FeeMethod; quantity: number; itemsEarlierInMonth: number }
  | { type: 'FEE_PAID'; paidOn: IsoDate }
  | { type: 'TRANSFER'; agency: string; agencyName: string; reason: string }
  | ({ type: 'ANSWER'; disposition: Disposition; text: string } & AnswerDetails)
  | { type: 'WITHDRAW'; reason: string }
  | { type: 'REOPEN'; reason: string; receivedOn: IsoDate; text: string }
  | { type: 'CORRECT_LETTER'; letterId: number; action: 'correct' | 'revoke'; reason: string; correction: string; original: CorrectedLetter }
  | { type: 'SIGN_OFF'; policy?: SignOffPolicy }
  | { type: 'SECRECY_REVIEW'; conclusion: string }
  | { type: 'RETURN_DRAFT'; comment: string };

/** An issued letter a 更正/撤销告知书 cites: what the new letter must say of it. */
export type CorrectedLetter = { kind: string; title: string; documentNumber: string; issuedOn: IsoDate };

/** An earlier request an answer names as the one this repeats (art. 36(6)), with what the rule must know of it. */
export type EarlierCase = { trackingNumber: string; sameApplicant: boolean; sameAgency: boolean; answeredOn: IsoDate | null };

/**
 * What an answer states beside its code and text, as each article requires (empty: not given).
 * Rules (rules.ts) say which are required for which code; the letter (letters/answer.ts) says them.
 */
export type AnswerDetails = {
  /** Art. 36(3): the law or regulation relied on (required for 其他法律行政法规禁止公开); for 其他, its own basis. */
  legalBasis: string;
  /** Arts. 36(3), 37: why what is withheld is withheld. */
  withheldReasons: string;
  /** Art. 36(1): already published proactively — where and how to obtain it. */
  alreadyPublicAt: string;
  /** Art. 36(5): the agency responsible for disclosing the information, its contact and why it is not this one. */
  responsibleAgency: string;
  responsibleAgencyContact: string;
  notResponsibleReason: string;
  /** Art. 39(2): how to obtain the publication; art. 38: how else to obtain what was asked. */
  howToObtain: string;
  /** Art. 39(1): the channel through which the complaint or report may be made instead. */
  otherChannel: string;
  /** Art. 32: why the public interest outweighs a third party's objection, told to the third party in writing. */
  publicInterest: string;
  /** Art. 36(6): the earlier request this one repeats. */
  earlierCase: EarlierCase | null;
};

/** An answer stating nothing beside its code and text. */
export const NO_ANSWER_DETAILS: AnswerDetails = {
  legalBasis: '',
  withheldReasons: '',
  alreadyPublicAt: '',
  responsibleAgency: '',
  responsibleAgencyContact: '',
  notResponsibleReason: '',
  howToObtain: '',
  otherChannel: '',
  publicInterest: '',
  earlierCase: null,
};

/** Sent by the timer sweeper when a statutory period has run out; `dueOn` is the day it ran out. */
export type TimerEvent =
  | { type: 'DEADLINE_PASSED'; dueOn: IsoDate }
  | { type: 'CORRECTION_PERIOD_ENDED'; dueOn: IsoDate }
  | { type: 'CONSULTATION_PERIOD_ENDED'; dueOn: IsoDate }
  | { type: 'PAYMENT_PERIOD_ENDED'; dueOn: IsoDate };

/**
 * Service (送达) of an issued letter was recorded: by staff (post, in person) or by itself (an e-mail
 * accepted by the recipient's server, an SMS delivered, the letter first opened on the portal). A
 * letter that starts a period counted from receipt (PERIOD_STARTED_BY) starts it on `servedOn`
 * (docs/statute.md §6). Not a client action: POST /api/cases/:tn/letters/:id/service and the
 * delivery channels send it.
 */
export type ServiceEvent = { type: 'LETTER_SERVED'; letterKind: string; issuedOn: IsoDate; servedOn: IsoDate; method: ServiceMethod };

/** How a letter was served: 邮寄, 直接送达, or 电子送达 by e-mail, SMS link or the portal. */
export const SERVICE_METHODS = ['post', 'in_person', 'email', 'sms', 'portal'] as const;
export type ServiceMethod = (typeof SERVICE_METHODS)[number];

export type WorkflowEvent = (ClientEvent | TimerEvent | ServiceEvent) & Stamp;
export type EventType = WorkflowEvent['type'];
export type EventOf<T extends EventType> = Extract<WorkflowEvent, { type: T }>;

/** What a case's timeline records: its workflow events, and the steps around them that change no state. */
export type TimelineType =
  | EventType
  | 'SUBMITTED'
  | 'REGISTERED'
  | 'TRANSFERRED_IN'
  | 'CALENDAR_CHANGED'
  | 'REMINDER'
  | 'ID_REVEALED'
  | 'ACCESS_CODE_REISSUED'
  | 'ACCESS_CODE_RECOVERY'
  | 'PUBLISHED'
  | 'PUBLICATION_WITHDRAWN'
  | 'NOTE'
  | 'DRAFTED'
  | 'REVIEWED';

/**
 * The mails the system sends (templates/mail; a notice that only carries its letters uses
 * letter_notice.hbs). A new one is added here; the compiler then asks for its subject.
 */
export type MailTemplate =
  | 'acknowledgment'
  | 'access_code'
  | 'access_code_recovery'
  | 'correction_notice'
  | 'deferral_notice'
  | 'reasons_request'
  | 'consultation_notice'
  | 'extension_notice'
  | 'fee_notice'
  | 'answer'
  | 'transfer_notice'
  | 'closure_notice'
  | 'reopen_notice'
  | 'correction_received'
  | 'withdrawal_notice'
  | 'reasons_received'
  | 'reminder'
  | 'extension_request'
  | 'overdue_alert'
  | 'reasons_given'
  | 'correction_submitted'
  | 'withdrawn_by_applicant'
  | 'letter_correction'
  | 'draft_for_sign_off'
  | 'draft_returned'
  | 'service_reminder'
  | 'extension_refused';

export const CLIENT_EVENT_TYPES = [
  'ASSIGN',
  'REQUEST_CORRECTION',
  'CORRECTION_RECEIVED',
  'CONSULT_THIRD_PARTY',
  'THIRD_PARTY_REPLIED',
  'REQUEST_REASONS',
  'DEFER_ANSWER',
  'REASONS_GIVEN',
  'REQUEST_EXTENSION',
  'EXTEND',
  'REFUSE_EXTENSION',
  'ISSUE_FEE_NOTICE',
  'FEE_PAID',
  'TRANSFER',
  'ANSWER',
  'WITHDRAW',
  'REOPEN',
  'CORRECT_LETTER',
  'SECRECY_REVIEW',
  'SIGN_OFF',
  'RETURN_DRAFT',
] as const satisfies readonly ClientEvent['type'][];

export type Consultation = {
  party: string;
  partyKind: ConsultedParty;
  matter: string;
  startedOn: IsoDate;
  opinion: Opinion | null;
  reasons: string | null;
  repliedOn: IsoDate | null;
  /** The day the 征求意见书 was served on the party (absent in older snapshots: not recorded). */
  servedOn?: IsoDate | null;
};

export type Outcome = {
  disposition: Disposition;
  concludedOn: IsoDate;
  reason: 'answered' | 'withdrawn' | 'transferred' | 'no_correction' | 'fee_unpaid';
  transferredTo: string | null;
};

/** What the workflow remembers about a case. Deadlines are derived from it (deadlines.ts), never stored here. */
export type CaseContext = {
  receivedOn: IsoDate;
  /** The day from which the 20 working days run: receipt, or the corrected application's arrival (art. 30). */
  clockStartOn: IsoDate;
  assignee: number | null;
  /** Art. 30; `text`: what the corrected application said, when it was given in words (absent in older snapshots). */
  correction: {
    requestedOn: IsoDate;
    items: string[];
    dueInWorkingDays: number;
    receivedOn: IsoDate | null;
    text?: string | null;
    /** The day the 补正告知书 was served (absent: not recorded); the period runs from it. */
    servedOn?: IsoDate | null;
  } | null;
  extension: { workingDays: number; reason: string; grantedOn: IsoDate; grantedBy: number | null } | null;
  /** A clerk's request for an extension, waiting for the office head (art. 33). */
  extensionRequest: { workingDays: number; reason: string; requestedOn: IsoDate; requestedBy: number | null } | null;
  consultations: Consultation[];
  /** Art. 35: the applicant was asked to explain requests of a number or frequency clearly beyond reason. */
  reasonsRequest: { matter: string; requestedOn: IsoDate; replyBy: IsoDate; repliedOn?: IsoDate | null } | null;
  /** Art. 35: the reasons hold, but the answer cannot be given in the art. 33 period: a later date, decided by the office head. */
  deferral: { dueOn: IsoDate; reason: string; decidedOn: IsoDate; decidedBy: number | null } | null;
  /** `servedOn`: the day the fee notice was served (absent: not recorded); the payment period runs from it. */
  fee: { method: FeeMethod; quantity: number; amountYuan: number; noticeOn: IsoDate; paidOn: IsoDate | null; servedOn?: IsoDate | null } | null;
  outcome: Outcome | null;
  /** Art. 30: closed for no correction, then reopened by the office head for a good reason shown. */
  reopened: { on: IsoDate; reason: string; by: number | null; closedOn: IsoDate } | null;
  /** A decision drafted and not yet signed off (SIGNED_DECISIONS); the case stays in its state meanwhile. */
  pendingDraft: Draft | null;
};

/**
 * Decisions that reach the applicant only when the office head of the case's agency has signed them
 * (条例 art. 17: the agency reviews before it discloses; practice: 拟稿 → 审核 → 签发). A clerk's, or
 * the timers' (a period that ran out), becomes a draft; the office head's own is signed as made.
 */
export const SIGNED_DECISIONS = ['ANSWER', 'TRANSFER', 'WITHDRAW', 'CORRECT_LETTER', 'CORRECTION_PERIOD_ENDED', 'PAYMENT_PERIOD_ENDED'] as const satisfies readonly EventType[];
export type SignedDecision = (typeof SIGNED_DECISIONS)[number];

/** A decision waiting for the office head's sign-off: the event as drafted (the timeline's DRAFTED entry records the rest). */
export type Draft = {
  event: Extract<ClientEvent | TimerEvent, { type: SignedDecision }>;
  /** Staff id; null when the timers proposed it. */
  draftedBy: number | null;
  draftedOn: IsoDate;
  /** Where the agency asks for a second signer: the first signature (审核), awaiting the second (签发). */
  reviewedBy?: number | null;
  /** Where the agency asks for it: the 保密审查 of a disclosure, before it is signed. */
  secrecyReview?: { by: number | null; on: IsoDate; conclusion: string } | null;
};

/** An agency's sign-off steps (agencies.secrecy_review, agencies.second_signer), given with SIGN_OFF by the service. */
export type SignOffPolicy = { secrecyReview: boolean; secondSigner: boolean };

export type CaseInput = { receivedOn: IsoDate };
