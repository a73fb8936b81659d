// What a client may send as a workflow event (http-contract.md "Workflow vocabulary"). Shape and
// form are checked here (400); the statute's conditions are the workflow's rules (409).
import { z } from 'zod';
import { isoDateField } from '../calendar/dates.js';
import { DISPOSITION_CODES } from '../workflow/dispositions.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const lines = z
  .union([z.array(text(500)), z.string()])
  .transform((v) =>
    typeof v === 'string'
      ? v
          .split(/\r?\n/)
          .map((s) => s.trim())
          .filter(Boolean)
      : v,
  )
  .pipe(z.array(z.string()).min(1, '请列出需要补正的事项').max(20));
const whole = z.coerce.number().int('请填写整数');
const optionalText = (max: number) => z.string().trim().max(max).default('');
/** Art. 35: the applicant's reasons, recorded by a clerk or given online. */
export const reasonsText = z.string({ error: '请填写申请理由' }).trim().min(1, '请填写申请理由').max(5000, '申请理由不超过5000字');

export const clientEventSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('ASSIGN'), assignee: z.union([z.coerce.number().int().positive(), z.string().trim().min(3)]) }),
    z.object({ type: z.literal('REQUEST_CORRECTION'), items: lines, dueInWorkingDays: whole.min(1).max(30) }),
    // Art. 30: the corrected application, in words when it came so (quoted by the answer).
    z.object({ type: z.literal('CORRECTION_RECEIVED'), receivedOn: isoDateField.optional(), text: optionalText(5000) }),
    z.object({
      type: z.literal('CONSULT_THIRD_PARTY'),
      party: text(200),
      partyKind: z.enum(['third_party', 'agency']).default('third_party'),
      matter: z.string().trim().max(1000).default(''),
    }),
    z.object({
      type: z.literal('THIRD_PARTY_REPLIED'),
      opinion: z.enum(['agree', 'object', 'no_reply']),
      reasons: z.string().trim().max(2000).default(''),
      repliedOn: isoDateField.optional(),
    }),
    z.object({ type: z.literal('REQUEST_REASONS'), matter: text(1000), replyWithinWorkingDays: whole.min(1).max(30) }),
    z.object({ type: z.literal('DEFER_ANSWER'), dueOn: isoDateField, reason: text(1000) }),
    z.object({ type: z.literal('REASONS_GIVEN'), text: reasonsText, receivedOn: isoDateField.optional() }),
    z.object({ type: z.literal('REQUEST_EXTENSION'), workingDays: whole, reason: text(500) }),
    z.object({ type: z.literal('EXTEND'), workingDays: whole, reason: text(500) }),
    z.object({ type: z.literal('REFUSE_EXTENSION'), reason: text(500) }),
    z.object({ type: z.literal('ISSUE_FEE_NOTICE'), method: z.enum(['per_item', 'per_page']), quantity: whole.min(1).max(100_000) }),
    z.object({ type: z.literal('FEE_PAID'), paidOn: isoDateField.optional() }),
    // Art. 36(5): why the information is not this agency's to disclose (else: the responsible agency's duty, stated from the choice).
    z.object({ type: z.literal('TRANSFER'), agency: text(64), reason: optionalText(1000) }),
    // What each disposition requires beside the text is a rule of the workflow (rules.ts, 409).
    z.object({
      type: z.literal('ANSWER'),
      disposition: z.enum(DISPOSITION_CODES, { error: '请选择答复类型（条例第三十六条）' }),
      text: text(20_000),
      /** Art. 36(3): the law relied on; for 其他, its own basis. */
      legalBasis: optionalText(1000),
      /** Partial disclosure and withholding: why the rest is withheld (arts. 36(3), 37). */
      withheldReasons: optionalText(5000),
      /** Art. 36(1): already published — where to find it. */
      alreadyPublicAt: optionalText(1000),
      /** Not this agency's (art. 36(5)): the agency responsible, its contact, and why. */
      responsibleAgency: optionalText(500),
      responsibleAgencyContact: optionalText(500),
      notResponsibleReason: optionalText(1000),
      /** Art. 39(2): how to obtain the publication; art. 38: how else to obtain it. */
      howToObtain: optionalText(1000),
      /** Art. 39(1): where a complaint or report belongs instead. */
      otherChannel: optionalText(1000),
      /** Art. 32: why the public interest outweighs the third party's objection. */
      publicInterest: optionalText(5000),
      /** A repeat: the earlier case answered (art. 36(6)). */
      earlierCase: z.string().trim().max(40).default(''),
      /** Documents already on the case to release with the answer: working copies and redacted copies (art. 37). */
      release: z
        .union([z.string(), z.array(z.string())])
        .transform((v) => (Array.isArray(v) ? v : [v]))
        .pipe(z.array(z.uuid('不是本案的文件')).max(50, '一次最多提供50个文件'))
        .default([]),
    }),
    z.object({ type: z.literal('WITHDRAW'), reason: optionalText(1000) }),
    // Art. 30: the office head takes up a request closed for no correction, for a good reason shown.
    z.object({ type: z.literal('REOPEN'), reason: text(1000), receivedOn: isoDateField.optional(), text: optionalText(5000) }),
    // A mistaken letter to the applicant, corrected or revoked by a new numbered letter that cites it.
    z.object({
      type: z.literal('CORRECT_LETTER'),
      letter: z.coerce.number({ error: '请选择要更正或撤销的文书' }).int().positive(),
      action: z.enum(['correct', 'revoke'], { error: '请选择更正或撤销' }),
      reason: text(1000),
      correction: text(5000),
    }),
    // Art. 17: the office head signs the pending draft (issued as drafted) or returns it with a comment.
    z.object({ type: z.literal('SIGN_OFF') }),
    z.object({ type: z.literal('SECRECY_REVIEW'), conclusion: text(2000) }),
    z.object({ type: z.literal('RETURN_DRAFT'), comment: text(2000) }),
  ],
  { error: '不认识的操作类型' },
);

export type ClientEventInput = z.output<typeof clientEventSchema>;

export const expectedVersionSchema = z.object({ expectedVersion: z.coerce.number().int().positive().optional() });
