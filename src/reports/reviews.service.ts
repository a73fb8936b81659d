// 行政复议 and 行政诉讼 against an answer, recorded by staff for table 四 of the annual report.
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { isoDateField } from '../calendar/dates.js';
import { today } from '../calendar/clock.js';
import type { AppContext } from '../context.js';
import { reviews } from '../db/schema.js';
import { notFound, ruleViolation, validationFailed } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { findVisibleCase } from '../desk/desk.service.js';
import type { Principal } from '../staff/principal.js';
import { REVIEW_KINDS, REVIEW_OUTCOMES } from './tables.js';

/** What a review or suit is against: an answer (or other decision), or the failure to answer in time. */
export const REVIEW_TARGETS = ['decision', 'failure_to_answer'] as const;

export const reviewInput = z.object({
  kind: z.enum(REVIEW_KINDS),
  against: z.enum(REVIEW_TARGETS).optional(),
  filedOn: isoDateField,
  outcome: z.enum(REVIEW_OUTCOMES).default('pending'),
  decidedOn: isoDateField.optional(),
  note: z.string().trim().max(1000).default(''),
});
export const reviewOutcomeInput = z.object({ outcome: z.enum(REVIEW_OUTCOMES), decidedOn: isoDateField.optional(), note: z.string().trim().max(1000).optional() });

function checkDates(on: string, filedOn: string | undefined, outcome: string, decidedOn: string | undefined) {
  if (filedOn && filedOn > on) throw validationFailed({ filedOn: '日期不能晚于今天' });
  if (decidedOn && (decidedOn > on || (filedOn && decidedOn < filedOn))) throw validationFailed({ decidedOn: '审结日期须在立案之后、且不晚于今天' });
  if (outcome !== 'pending' && !decidedOn) throw validationFailed({ decidedOn: '请填写审结日期' });
}

/**
 * A review or suit for table 四. Against a decision once the case is concluded; against the failure
 * to answer (行政复议法 arts. 11(14), 23(1)(3): an overdue request) when it was filed after the answer
 * deadline and before any answer. `against` defaults to what the case allows.
 */
export async function recordReview(ctx: AppContext, principal: Principal, trackingNumber: string, input: unknown) {
  const row = await findVisibleCase(ctx, principal, trackingNumber);
  const data = parseInput(reviewInput, input);
  const concluded = row.state === 'answered' || row.state === 'closed';
  const against = data.against ?? (concluded ? 'decision' : 'failure_to_answer');
  if (against === 'decision' && !concluded) throw ruleViolation('review_after_answer', '只能对已经答复或终止处理的申请登记复议、诉讼；对逾期未答复的，请选择“不履行答复职责”');
  checkDates(today(ctx.clock), data.filedOn, data.outcome, data.decidedOn);
  if (against === 'failure_to_answer' && !(row.dueOn !== null && data.filedOn > row.dueOn && (row.concludedOn === null || data.filedOn <= row.concludedOn))) {
    throw ruleViolation('review_of_failure_after_due_date', '对逾期未答复申请复议、起诉的，立案日期须在答复期限届满之后、作出答复之前（行政复议法第十一条第十四项）');
  }
  const [created] = await ctx.db
    .insert(reviews)
    .values({ caseId: row.id, kind: data.kind, against, filedOn: data.filedOn, outcome: data.outcome, decidedOn: data.decidedOn ?? null, note: data.note, createdBy: principal.id })
    .returning();
  return created!;
}

export async function updateReviewOutcome(ctx: AppContext, principal: Principal, trackingNumber: string, id: string, input: unknown) {
  const row = await findVisibleCase(ctx, principal, trackingNumber);
  const data = parseInput(reviewOutcomeInput, input);
  const [review] = /^\d{1,9}$/.test(id)
    ? await ctx.db
        .select()
        .from(reviews)
        .where(and(eq(reviews.id, Number(id)), eq(reviews.caseId, row.id)))
    : [];
  if (!review) throw notFound('reviews.not_found', '没有找到该复议或诉讼记录');
  checkDates(today(ctx.clock), review.filedOn, data.outcome, data.decidedOn);
  const [updated] = await ctx.db
    .update(reviews)
    .set({ outcome: data.outcome, decidedOn: data.decidedOn ?? null, ...(data.note === undefined ? {} : { note: data.note }) })
    .where(eq(reviews.id, review.id))
    .returning();
  return updated!;
}
