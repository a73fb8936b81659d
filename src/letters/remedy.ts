// The remedy a letter states, by what it decides (docs/statute.md §6). Pure.
//   - 行政复议法 (2023) art. 23(1)(4) and 23(2): against a refusal to disclose (不予公开) the applicant
//     must first apply for 行政复议, and the agency must say so; a suit lies only against the review
//     decision. Art. 20: 60 days from the day the decision is known.
//   - 行政诉讼法 art. 46: otherwise a suit may be filed directly, within 6 months.
//   - 法释〔2011〕17号 art. 2: courts do not hear a refusal to provide a publication or to create,
//     collect or compile information (2(2), 2(3)), nor a request to correct (2(1)): such letters offer
//     no suit; interim letters (receipt, 补正, 延期, 征求意见, 说明理由, 延迟答复, 恢复办理) offer nothing,
//     as they are not answers.
import type { Disposition } from '../workflow/dispositions.js';
import { isWithholding } from '../workflow/dispositions.js';
import type { LetterKind } from '../workflow/request.machine.js';

export type Remedy =
  /** An interim letter: no "如对本答复不服" clause. */
  | 'none'
  /** Review or a suit, as the applicant chooses. */
  | 'review_or_suit'
  /** A withholding decision: review first, a suit only against the review decision. */
  | 'review_first'
  /** Partial disclosure: review first for the withheld part, review or suit for the rest. */
  | 'partial'
  /** A refusal courts do not hear: review only; the letter says how else to obtain what was asked. */
  | 'review_only'
  /** The art. 32 notice to a third party that its information will be disclosed over its objection. */
  | 'third_party';

const BY_KIND: Record<LetterKind, Remedy | 'by_disposition' | 'by_original'> = {
  receipt: 'none',
  correction_notice: 'none',
  reasons_request: 'none',
  deferral_notice: 'none',
  extension_notice: 'none',
  consultation_request: 'none',
  consultation_notice: 'none',
  reopen_notice: 'none',
  fee_notice: 'review_or_suit',
  transfer_notice: 'review_or_suit',
  closure_notice: 'review_or_suit',
  third_party_notice: 'third_party',
  answer: 'by_disposition',
  // A corrected or revoked letter's remedy is the original's: the correction decides what it decided.
  letter_correction: 'by_original',
  letter_revocation: 'by_original',
};

/** 法释〔2011〕17号 art. 2(2), 2(3): refusals the courts do not hear. */
const NOT_HEARD_BY_COURTS: readonly Disposition[] = ['rejected_publication', 'unavailable_needs_creation'];

export function remedyOf(args: { kind: LetterKind; disposition?: Disposition | null; original?: LetterKind | null }): Remedy {
  const remedy = BY_KIND[args.kind];
  if (remedy === 'by_original') return args.original && BY_KIND[args.original] !== 'by_original' ? remedyOf({ kind: args.original, disposition: args.disposition }) : 'none';
  if (remedy !== 'by_disposition') return remedy;
  const d = args.disposition ?? 'other';
  if (isWithholding(d)) return 'review_first';
  if (d === 'partially_disclosed') return 'partial';
  if (NOT_HEARD_BY_COURTS.includes(d)) return 'review_only';
  return 'review_or_suit';
}

/** 行政复议法 art. 20 and 行政诉讼法 art. 46: review or a suit, word for word as docs/statute.md §6 gives it. */
export const reviewOrSuit = (reviewBody: string, court: string) =>
  `如对本答复不服，可以自收到本答复之日起60日内依法向${reviewBody}申请行政复议，或者在6个月内依法向${court}提起行政诉讼。`;

/** 行政复议法 art. 23(1)(4), 23(2): review first. */
export const reviewFirst = (reviewBody: string) =>
  `如对本答复不服，可以自收到本答复之日起60日内向${reviewBody}申请行政复议；对行政复议决定不服的，可以依法向人民法院提起行政诉讼。`;

/**
 * The remedy clause's sentences for a letter, with the agency's review body and court (data per
 * agency). `reviewOnline`: the review body's online channel, named where the letter is served
 * electronically (行政复议法 art. 22(2)): every letter to the applicant can be, on the portal.
 */
export function remedySentences(args: { remedy: Remedy; reviewBody: string; court: string; reviewOnline?: string }): string[] {
  const sentences = clauses(args);
  const online = args.reviewOnline?.trim();
  return sentences.length && online && args.remedy !== 'third_party'
    ? [...sentences, `行政复议申请书可以通过${args.reviewBody}指定的互联网渠道（${online}）在线提交。`]
    : sentences;
}

function clauses(args: { remedy: Remedy; reviewBody: string; court: string }): string[] {
  const { reviewBody, court } = args;
  switch (args.remedy) {
    case 'none':
      return [];
    case 'review_or_suit':
      return [reviewOrSuit(reviewBody, court)];
    case 'review_first':
      return [reviewFirst(reviewBody)];
    case 'partial':
      return [
        `如对本答复中不予公开的部分不服，可以自收到本答复之日起60日内向${reviewBody}申请行政复议；对行政复议决定不服的，可以依法向人民法院提起行政诉讼。`,
        `如对本答复的其他内容不服，可以自收到本答复之日起60日内依法向${reviewBody}申请行政复议，或者在6个月内依法向${court}提起行政诉讼。`,
      ];
    case 'review_only':
      return [`如对本答复不服，可以自收到本答复之日起60日内依法向${reviewBody}申请行政复议。`];
    case 'third_party':
      return [`如对本决定不服，可以自收到本告知书之日起60日内依法向${reviewBody}申请行政复议，或者在6个月内依法向${court}提起行政诉讼。`];
  }
}
