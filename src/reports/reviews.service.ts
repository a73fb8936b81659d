// 行政复议 and 行政诉讼 against an answer, recorded by staff for table 四 of the annual report.
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { isoDateField } from '../calendar/dates.js';
import { today } from '../calendar/clock.js';
import type { AppContext } from '../context.js';
import { reviews } from '../db/schema.js';
import { notFound, ruleViolation, validationFailed } from '../http/errors.js';
import { parseInput } from '../http/validation.js';
import { findVisibleCase } from '../cases/cases.service.js';
import type { Principal } from '../staff/principal.js';
import { REVIEW_KINDS, REVIEW_OUTCOMES } from './tables.js';

export const REVIEW_KIND_LABELS = { review: '行政复议', lawsuit_direct: '行政诉讼（未经复议直接起诉）', lawsuit_after_review: '行政诉讼（复议后起诉）' } as const;
export const REVIEW_OUTCOME_LABELS = { upheld: '结果维持', corrected: '结果纠正', other: '其他结果', pending: '尚未审结' } as const;

const reviewSchema = z.object({
  kind: z.enum(REVIEW_KINDS),
  filedOn: isoDateField,
  outcome: z.enum(REVIEW_OUTCOMES).default('pending'),
  decidedOn: isoDateField.optional(),
  note: z.string().trim().max(1000).default(''),
});
const outcomeSchema = z.object({ outcome: z.enum(REVIEW_OUTCOMES), decidedOn: isoDateField.optional(), note: z.string().trim().max(1000).optional() });

function checkDates(on: string, filedOn: string | undefined, outcome: string, decidedOn: string | undefined) {
  if (filedOn && filedOn > on) throw validationFailed({ filedOn: '日期不能晚于今天' });
  if (decidedOn && (decidedOn > on || (filedOn && decidedOn < filedOn))) throw validationFailed({ decidedOn: '审结日期须在立案之后、且不晚于今天' });
  if (outcome !== 'pending' && !decidedOn) throw validationFailed({ decidedOn: '请填写审结日期' });
}

export async function recordReview(ctx: AppContext, principal: Principal, trackingNumber: string, input: unknown) {
  const row = await findVisibleCase(ctx, principal, trackingNumber);
  if (row.state !== 'answered' && row.state !== 'closed') throw ruleViolation('review_after_answer', '只能对已经答复或终止处理的申请登记复议、诉讼');
  const data = parseInput(reviewSchema, input);
  checkDates(today(ctx.clock), data.filedOn, data.outcome, data.decidedOn);
  const [created] = await ctx.db
    .insert(reviews)
    .values({ caseId: row.id, kind: data.kind, filedOn: data.filedOn, outcome: data.outcome, decidedOn: data.decidedOn ?? null, note: data.note, createdBy: principal.id })
    .returning();
  return created!;
}

export async function updateReviewOutcome(ctx: AppContext, principal: Principal, trackingNumber: string, id: string, input: unknown) {
  const row = await findVisibleCase(ctx, principal, trackingNumber);
  const data = parseInput(outcomeSchema, input);
  const [review] = /^\d{1,9}$/.test(id) ? await ctx.db.select().from(reviews).where(and(eq(reviews.id, Number(id)), eq(reviews.caseId, row.id))) : [];
  if (!review) throw notFound('reviews.not_found', '没有找到该复议或诉讼记录');
  checkDates(today(ctx.clock), review.filedOn, data.outcome, data.decidedOn);
  const [updated] = await ctx.db
    .update(reviews)
    .set({ outcome: data.outcome, decidedOn: data.decidedOn ?? null, ...(data.note === undefined ? {} : { note: data.note }) })
    .where(eq(reviews.id, review.id))
    .returning();
  return updated!;
}
