// What a client may send as a workflow event (http-contract.md "Workflow vocabulary"). Shape and
// form are checked here (400); the statute's conditions are the workflow's rules (409).
import { z } from 'zod';
import { isoDateField } from '../calendar/dates.js';
import { DISPOSITION_CODES } from '../workflow/dispositions.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const lines = z
  .union([z.array(text(500)), z.string()])
  .transform((v) => (typeof v === 'string' ? v.split(/\r?\n/).map((s) => s.trim()).filter(Boolean) : v))
  .pipe(z.array(z.string()).min(1, '请列出需要补正的事项').max(20));
const whole = z.coerce.number().int('请填写整数');
/** Art. 35: the applicant's reasons, recorded by a clerk or given online. */
export const reasonsText = z.string({ error: '请填写申请理由' }).trim().min(1, '请填写申请理由').max(5000, '申请理由不超过5000字');

export const clientEventSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('ASSIGN'), assignee: z.union([z.coerce.number().int().positive(), z.string().trim().min(3)]) }),
    z.object({ type: z.literal('REQUEST_CORRECTION'), items: lines, dueInWorkingDays: whole.min(1).max(30) }),
    z.object({ type: z.literal('CORRECTION_RECEIVED'), receivedOn: isoDateField.optional() }),
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
    z.object({ type: z.literal('ISSUE_FEE_NOTICE'), method: z.enum(['per_item', 'per_page']), quantity: whole.min(1).max(100_000) }),
    z.object({ type: z.literal('FEE_PAID'), paidOn: isoDateField.optional() }),
    z.object({ type: z.literal('TRANSFER'), agency: text(64) }),
    z.object({
      type: z.literal('ANSWER'),
      disposition: z.enum(DISPOSITION_CODES, { error: '请选择答复类型（条例第三十六条）' }),
      text: text(20_000),
      legalBasis: z.string().trim().max(1000).default(''),
      /** Partial disclosure and withholding: why the rest is withheld (art. 37). */
      withheldReasons: z.string().trim().max(5000).default(''),
      /** Not held here: the agency responsible, if known (art. 36(5)). */
      responsibleAgency: z.string().trim().max(500).default(''),
      /** A repeat: the earlier case answered (art. 36(6)). */
      earlierCase: z.string().trim().max(40).default(''),
    }),
    z.object({ type: z.literal('WITHDRAW'), reason: z.string().trim().max(1000).default('') }),
  ],
  { error: '不认识的操作类型' },
);

export type ClientEventInput = z.output<typeof clientEventSchema>;

export const expectedVersionSchema = z.object({ expectedVersion: z.coerce.number().int().positive().optional() });
