// What each letter of ogi-rules.md §6 says, as a view model for its template. Pure: everything it
// needs comes in as arguments.
import type { IsoDate } from '../calendar/dates.js';
import type { ApplicantRecord } from '../db/schema.js';
import type { Deadlines } from '../workflow/deadlines.js';
import { DISPOSITIONS, isDisposition, type Disposition } from '../workflow/dispositions.js';
import type { LetterKind } from '../workflow/request.machine.js';
import type { CaseContext } from '../workflow/types.js';
import { chineseDate } from './dates.js';

/** The remedy every decision states (条例第五十一条; 行政复议法 第二十条, 行政诉讼法 第四十六条), word for word. */
export const REMEDY_SENTENCE = '如对本答复不服，可以自收到本答复之日起60日内依法申请行政复议，或者在6个月内依法向人民法院提起行政诉讼。';

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
  transfer_notice: '政府信息公开申请告知书',
  closure_notice: '政府信息公开申请终止处理告知书',
};

export type LetterAgency = {
  name: string;
  officeName: string;
  address: string;
  postcode: string;
  phone: string;
  email: string;
  reviewBody: string;
  court: string;
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
  /** What the event that caused the letter said (answer text, transfer target, …). */
  payload: Record<string, unknown>;
  /** Files released with an answer. */
  releasedFiles: { filename: string }[];
  /** The agency a request was transferred to, with its contacts. */
  transferredTo: LetterAgency | null;
};

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function answerModel(payload: Record<string, unknown>, context: CaseContext) {
  const code = str(payload.disposition);
  const disposition: Disposition = isDisposition(code) ? code : 'other';
  const info = DISPOSITIONS[disposition];
  const group = disposition === 'disclosed' ? 'disclosed' : disposition === 'partially_disclosed' ? 'partial' : disposition.split('_')[0]!;
  return {
    disposition,
    dispositionLabel: info.label,
    group,
    isDisclosed: group === 'disclosed',
    isPartial: group === 'partial',
    isWithheld: group === 'withheld',
    isUnavailable: group === 'unavailable',
    isRejected: group === 'rejected',
    isOther: group === 'other',
    isNotHeld: disposition === 'unavailable_not_held',
    isDuplicate: disposition === 'rejected_duplicate',
    article: `《中华人民共和国政府信息公开条例》${info.article}`,
    text: str(payload.text),
    legalBasis: str(payload.legalBasis),
    withheldReasons: str(payload.withheldReasons),
    responsibleAgency: str(payload.responsibleAgency),
    earlierCase: str(payload.earlierCase),
    consultedThirdParty: context.consultations.some((c) => c.partyKind === 'third_party' && c.opinion === 'object'),
  };
}

function feeModel(context: CaseContext, payload: Record<string, unknown>) {
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
        ? `您本月此前已向本机关累计申请${earlier}件，本申请计为本月第${fee.quantity === 1 ? earlier + 1 : `${earlier + 1}至${earlier + fee.quantity}`}件`
        : null,
    amountYuan: fee.amountYuan,
    tiers: perItem
      ? '同一申请人一个自然月内累计申请10件以下（含10件）的，不收费；11—30件的部分，每件100元；31件以上的部分，以10件为一档，每增加一档，收费标准提高100元/件。'
      : '同一申请一次提供30页以下（含30页）的，不收费；31—100页的部分，每页10元；101—200页的部分，每页20元；201页以上的部分，每页40元。',
  };
}

export function letterModel(input: LetterInput) {
  const { kind, context, deadlines, payload } = input;
  const base = {
    title: LETTER_TITLES[kind],
    documentNumber: input.documentNumber,
    issuedOnText: chineseDate(input.issuedOn),
    receivedOnText: chineseDate(input.receivedOn),
    trackingNumber: input.trackingNumber,
    applicantName: input.applicant.name,
    description: input.description,
    agency: input.agency,
    remedy: REMEDY_SENTENCE,
    answerDueText: chineseDate(deadlines.answerDueOn),
  };
  switch (kind) {
    case 'receipt':
      return {
        ...base,
        article: '《中华人民共和国政府信息公开条例》第二十九条、第三十一条、第三十三条',
        suggestsPublication: input.suggestsPublication,
        // Art. 31: arriving online (sent by the applicant or transferred by another agency) on a day that
        // is no working day, it counts as received on the next one; the receipt, issued the day it
        // arrived, says so rather than "received" on a day still to come.
        sentOnText: input.issuedOn < input.receivedOn ? chineseDate(input.issuedOn) : null,
      };
    case 'correction_notice':
      return {
        ...base,
        article: '《中华人民共和国政府信息公开条例》第三十条',
        items: context.correction?.items ?? [],
        correctionDueText: chineseDate(deadlines.correctionDueOn),
        correctionDays: context.correction?.dueInWorkingDays,
      };
    case 'reasons_request':
      return {
        ...base,
        article: '《中华人民共和国政府信息公开条例》第三十五条',
        matter: context.reasonsRequest?.matter ?? '',
        replyByText: chineseDate(context.reasonsRequest?.replyBy ?? null),
      };
    case 'deferral_notice':
      return {
        ...base,
        article: '《中华人民共和国政府信息公开条例》第三十五条',
        reasonsRequestedOnText: chineseDate(context.reasonsRequest?.requestedOn ?? null),
        reason: context.deferral?.reason ?? '',
      };
    case 'extension_notice':
      return {
        ...base,
        article: '《中华人民共和国政府信息公开条例》第三十三条第二款',
        workingDays: context.extension?.workingDays,
        reason: context.extension?.reason,
      };
    case 'consultation_request':
    case 'consultation_notice': {
      const c = context.consultations.at(-1)!;
      const agency = c.partyKind === 'agency';
      return {
        ...base,
        article: agency ? '《中华人民共和国政府信息公开条例》第三十四条' : '《中华人民共和国政府信息公开条例》第三十二条',
        party: c.party,
        matter: c.matter,
        isAgency: agency,
        replyDueText: chineseDate(deadlines.consultationDueOn),
        startedOnText: chineseDate(c.startedOn),
      };
    }
    case 'fee_notice':
      return {
        ...base,
        article: '《中华人民共和国政府信息公开条例》第四十二条，《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）',
        fee: feeModel(context, payload),
        paymentDueText: chineseDate(deadlines.paymentDueOn),
      };
    case 'answer':
      return { ...base, answer: answerModel(payload, context), releasedFiles: input.releasedFiles };
    case 'transfer_notice':
      return {
        ...base,
        article: '《中华人民共和国政府信息公开条例》第三十六条第五项',
        to: input.transferredTo,
        newTrackingNumber: str(payload.to),
      };
    case 'closure_notice': {
      const feeUnpaid = context.outcome?.reason === 'fee_unpaid';
      return {
        ...base,
        feeUnpaid,
        article: feeUnpaid
          ? '《中华人民共和国政府信息公开条例》第四十二条，《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）'
          : '《中华人民共和国政府信息公开条例》第三十条',
        correctionDueText: chineseDate(deadlines.correctionDueOn),
        paymentDueText: chineseDate(deadlines.paymentDueOn),
      };
    }
  }
}

export function recipientOf(kind: LetterKind): 'applicant' | 'third_party' {
  return kind === 'consultation_request' ? 'third_party' : 'applicant';
}
