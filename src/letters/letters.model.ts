// What each letter of docs/statute.md §6 says, as a view model for its template. Pure: everything it
// needs comes in as arguments.
import type { IsoDate } from '../calendar/dates.js';
import { isProvisionalDate, PROVISIONAL_NOTE, type Calendar } from '../calendar/working-days.js';
import type { ApplicantRecord } from '../db/schema.js';
import type { Deadlines } from '../workflow/deadlines.js';
import { isDisposition, type Disposition } from '../workflow/dispositions.js';
import type { LetterKind } from '../workflow/request.machine.js';
import type { CaseContext } from '../workflow/types.js';
import { answerArticle, answerDecision, outcomeLabel, TIAOLI, type AnswerFacts } from './answer.js';
import { chineseDate } from './chinese-dates.js';
import { remedyOf, remedySentences } from './remedy.js';

export const LETTER_TITLES: Record<LetterKind, string> = {
  receipt: '政府信息公开申请接收回执',
  correction_notice: '政府信息公开申请补正告知书',
  reasons_request: '政府信息公开申请说明理由告知书',
  deferral_notice: '政府信息公开申请延迟答复告知书',
  extension_notice: '政府信息公开申请延期答复告知书',
  consultation_request: '政府信息公开征求意见书',
  consultation_notice: '政府信息公开申请征求意见告知书',
  fee_notice: '政府信息公开信息处理费收费通知书',
  answer: '政府信息公开申请答复书',
  third_party_notice: '政府信息公开告知书（致第三方）',
  transfer_notice: '政府信息公开申请告知书',
  closure_notice: '政府信息公开申请终止处理告知书',
  reopen_notice: '政府信息公开申请恢复办理告知书',
  letter_correction: '政府信息公开文书更正告知书',
  letter_revocation: '政府信息公开文书撤销告知书',
};

/** Letters addressed to a third party (arts. 32, 34), not to the applicant, who does not see them. */
const TO_THIRD_PARTY: readonly LetterKind[] = ['consultation_request', 'third_party_notice'];

export function recipientOf(kind: LetterKind): 'applicant' | 'third_party' {
  return TO_THIRD_PARTY.includes(kind) ? 'third_party' : 'applicant';
}

export type LetterAgency = {
  name: string;
  /** How to pay a processing fee (the agency's guide): fee notices state it. */
  paymentInstructions?: string;
  officeName: string;
  address: string;
  postcode: string;
  phone: string;
  email: string;
  reviewBody: string;
  court: string;
  /** 行政复议法 art. 22(2): where the review body takes applications online (empty: none named). */
  reviewOnline?: string;
};

export type LetterInput = {
  kind: LetterKind;
  documentNumber: string;
  issuedOn: IsoDate;
  agency: LetterAgency;
  trackingNumber: string;
  receivedOn: IsoDate;
  applicant: ApplicantRecord;
  description: string;
  /** Art. 44: the applicant suggested proactive publication; the receipt says it will be reviewed. */
  suggestsPublication: boolean;
  context: CaseContext;
  deadlines: Deadlines;
  /** Which years' holiday notices are loaded: a date resting on one that is not is stated as provisional. */
  calendar: Calendar;
  /** What the event that caused the letter said (answer text, transfer target, …). */
  payload: Record<string, unknown>;
  /** Files released with an answer; a redacted copy with what was withheld from it and why (art. 37). */
  releasedFiles: { filename: string; withheld?: string | null }[];
  /** The agency a request was transferred to, with its contacts. */
  transferredTo: LetterAgency | null;
};

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** The day an application arrived: a registration gives it when it differs from the receipt; online, the day of the receipt letter. */
const arrivedOn = (input: LetterInput): IsoDate => str(input.payload.arrivedOn) || input.issuedOn;

function answerFacts(payload: Record<string, unknown>): AnswerFacts {
  const code = str(payload.disposition);
  return {
    disposition: isDisposition(code) ? code : 'other',
    legalBasis: str(payload.legalBasis),
    withheldReasons: str(payload.withheldReasons),
    alreadyPublicAt: str(payload.alreadyPublicAt),
    responsibleAgency: str(payload.responsibleAgency),
    responsibleAgencyContact: str(payload.responsibleAgencyContact),
    notResponsibleReason: str(payload.notResponsibleReason),
    howToObtain: str(payload.howToObtain),
    otherChannel: str(payload.otherChannel),
    publicInterest: str(payload.publicInterest),
    earlierCase: str(payload.earlierCase),
    earlierAnsweredOn: str(payload.earlierAnsweredOn),
  };
}

function feeModel(context: CaseContext, payload: Record<string, unknown>, you: string) {
  const fee = context.fee!;
  const perItem = fee.method === 'per_item';
  const earlier = typeof payload.itemsEarlierInMonth === 'number' ? payload.itemsEarlierInMonth : null;
  return {
    methodLabel: perItem ? '按件计收' : '按量计收',
    quantity: fee.quantity,
    unit: perItem ? '件' : '页',
    // Per item: where this application's items fall in the applicant's count for the month.
    runningCount:
      perItem && earlier !== null
        ? `${you}本月此前已向本机关累计申请${earlier}件，本申请计为本月第${fee.quantity === 1 ? earlier + 1 : `${earlier + 1}至${earlier + fee.quantity}`}件`
        : null,
    amountYuan: fee.amountYuan,
    tiers: perItem
      ? '同一申请人一个自然月内累计申请10件以下（含10件）的，不收费；11—30件的部分，每件100元；31件以上的部分，以10件为一档，每增加一档，收费标准提高100元/件。'
      : '同一申请一次提供30页以下（含30页）的，不收费；31—100页的部分，每页10元；101—200页的部分，每页20元；201页以上的部分，每页40元。',
  };
}

/** The disposition an answer letter decides (or the answer a correction corrects), for the remedy; other letters decide none. */
function dispositionOf(kind: LetterKind, payload: Record<string, unknown>, context: CaseContext): Disposition | null {
  if (kind === 'answer') return answerFacts(payload).disposition;
  return originalOf(payload)?.kind === 'answer' ? (context.outcome?.disposition ?? null) : null;
}

/** The letter a 更正/撤销告知书 cites (the event's `original`). */
function originalOf(payload: Record<string, unknown>): { kind: LetterKind; title: string; documentNumber: string; issuedOn: string } | null {
  const o = payload.original as { kind?: string } | undefined;
  return o && typeof o.kind === 'string' && o.kind in LETTER_TITLES ? (o as { kind: LetterKind; title: string; documentNumber: string; issuedOn: string }) : null;
}

export function letterModel(input: LetterInput) {
  const { kind, context, deadlines, payload, agency } = input;
  // Organisations are addressed as 贵单位, people as 您.
  const you = input.applicant.kind === 'organization' ? '贵单位' : '您';
  /** A date the letter states; one resting on a year whose holidays are not yet known says so (docs/statute.md §6a). */
  const dated = (date: IsoDate | null | undefined) =>
    date ? `${chineseDate(date)}${isProvisionalDate({ date, since: input.issuedOn, calendar: input.calendar }) ? PROVISIONAL_NOTE : ''}` : '';
  const correction = context.correction;
  const base = {
    title: LETTER_TITLES[kind],
    documentNumber: input.documentNumber,
    issuedOnText: chineseDate(input.issuedOn),
    receivedOnText: chineseDate(input.receivedOn),
    trackingNumber: input.trackingNumber,
    applicantName: input.applicant.name,
    you,
    description: input.description,
    agency,
    remedy: remedySentences({
      remedy: remedyOf({ kind, disposition: dispositionOf(kind, payload, context), original: originalOf(payload)?.kind ?? null }),
      reviewBody: agency.reviewBody,
      court: agency.court,
      reviewOnline: agency.reviewOnline,
    }),
    answerDueText: dated(deadlines.answerDueOn),
    // Art. 30: once corrected, letters quote the corrected application and the day it was received.
    corrected: correction?.receivedOn ? { receivedOnText: chineseDate(correction.receivedOn), text: correction.text ?? null } : null,
  };
  switch (kind) {
    case 'receipt':
      return {
        ...base,
        article: `${TIAOLI}第二十九条、第三十一条、第三十三条`,
        suggestsPublication: input.suggestsPublication,
        // Art. 31: arriving online, by fax or e-mail (sent by the applicant or transferred by another
        // agency) on a day that is no working day, it counts as received on the next one; the receipt
        // says so rather than "received" on a day it had not arrived or was still to come.
        sentOnText: arrivedOn(input) < input.receivedOn ? chineseDate(arrivedOn(input)) : null,
      };
    case 'correction_notice':
      return {
        ...base,
        article: `${TIAOLI}第三十条`,
        items: correction?.items ?? [],
        correctionDueText: dated(deadlines.correctionDueOn),
        correctionDays: correction?.dueInWorkingDays,
      };
    case 'reasons_request':
      return {
        ...base,
        article: `${TIAOLI}第三十五条`,
        matter: context.reasonsRequest?.matter ?? '',
        replyByText: dated(context.reasonsRequest?.replyBy),
      };
    case 'deferral_notice':
      return {
        ...base,
        article: `${TIAOLI}第三十五条`,
        reasonsRequestedOnText: chineseDate(context.reasonsRequest?.requestedOn),
        reasonsGivenOnText: chineseDate(context.reasonsRequest?.repliedOn),
        reason: context.deferral?.reason ?? '',
      };
    case 'extension_notice':
      return {
        ...base,
        article: `${TIAOLI}第三十三条第二款`,
        workingDays: context.extension?.workingDays,
        reason: context.extension?.reason,
      };
    case 'consultation_request':
    case 'consultation_notice': {
      const c = context.consultations.at(-1)!;
      const isAgency = c.partyKind === 'agency';
      return {
        ...base,
        article: isAgency ? `${TIAOLI}第三十四条` : `${TIAOLI}第三十二条`,
        party: c.party,
        matter: c.matter,
        isAgency,
        replyDueText: dated(deadlines.consultationDueOn),
        startedOnText: chineseDate(c.startedOn),
      };
    }
    case 'fee_notice':
      return {
        ...base,
        article: `${TIAOLI}第四十二条，《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）`,
        fee: feeModel(context, payload, you),
        paymentDueText: dated(deadlines.paymentDueOn),
      };
    case 'answer': {
      const facts = answerFacts(payload);
      const objection = context.consultations.find((c) => c.partyKind === 'third_party' && c.opinion === 'object');
      return {
        ...base,
        outcome: outcomeLabel(facts.disposition),
        decision: answerDecision({
          facts,
          you,
          case: {
            correction: correction ? { requestedOn: correction.requestedOn, receivedOn: correction.receivedOn } : null,
            reasonsRequest: context.reasonsRequest ?? null,
            objection: objection ? { party: objection.party, reasons: objection.reasons ?? '' } : null,
          },
        }),
        text: str(payload.text),
        releasedFiles: input.releasedFiles,
      };
    }
    case 'third_party_notice': {
      const facts = answerFacts(payload);
      const objection = context.consultations.filter((c) => c.partyKind === 'third_party' && c.opinion === 'object').at(-1)!;
      return {
        ...base,
        article: `${TIAOLI}第三十二条`,
        party: objection.party,
        startedOnText: chineseDate(objection.startedOn),
        repliedOnText: chineseDate(objection.repliedOn),
        objectionReasons: objection.reasons ?? '',
        publicInterest: facts.publicInterest,
        partial: facts.disposition === 'partially_disclosed',
        releasedFiles: input.releasedFiles,
        answerArticle: answerArticle(facts),
      };
    }
    case 'transfer_notice':
      return {
        ...base,
        article: `${TIAOLI}第三十六条第五项`,
        to: input.transferredTo,
        reason: str(payload.reason),
        newTrackingNumber: str(payload.to),
      };
    case 'closure_notice': {
      const feeUnpaid = context.outcome?.reason === 'fee_unpaid';
      return {
        ...base,
        feeUnpaid,
        article: feeUnpaid ? `${TIAOLI}第四十二条，《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）` : `${TIAOLI}第三十条`,
        correctionDueText: chineseDate(deadlines.correctionDueOn),
        paymentDueText: chineseDate(deadlines.paymentDueOn),
      };
    }
    case 'letter_correction':
    case 'letter_revocation': {
      const original = originalOf(payload);
      return {
        ...base,
        original: original ? { ...original, issuedOnText: chineseDate(original.issuedOn) } : null,
        reason: str(payload.reason),
        correction: str(payload.correction),
      };
    }
    case 'reopen_notice': {
      const reopened = context.reopened!;
      return {
        ...base,
        article: `${TIAOLI}第三十条`,
        correctionRequestedOnText: chineseDate(correction?.requestedOn),
        closedOnText: chineseDate(reopened.closedOn),
        reason: reopened.reason,
      };
    }
  }
}
