// The reading room (/published): answers an agency chose to publish for everyone (art. 44), as the
// clerk wrote them for publication: a title, the question and the answer, no applicant data.
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { today } from '../calendar/clock.js';
import type { AppContext } from '../context.js';
import { uniqueViolation, type Executor } from '../db/client.js';
import { agencies, publishedAnswers } from '../db/schema.js';
import { AppError, notFound, ruleViolation, type Place } from '../common/errors.js';
import { findPersonalData, KIND_LABELS } from '../common/personal-data-detector.js';
import { parseInput } from '../common/validation.js';
import { appendTimeline, lockCase } from '../requests/cases.repository.js';
import { openCaseIdNumber } from '../requests/personal-data.service.js';
import { canSeeAgency, staffActor, type Principal } from '../staff/principal.js';

const publishSchema = z.object({
  title: z.string().trim().min(4).max(200),
  question: z.string().trim().min(5).max(2000),
  answer: z.string().trim().min(5).max(20_000),
});

const FIELD_LABELS: Record<string, string> = { title: '标题', question: '申请内容', answer: '答复内容' };

/**
 * Where what is to be published holds personal data: anyone's identity number, mobile number or
 * e-mail address however written (shared/personal-data-detector.ts), and the applicant's own name,
 * numbers and address as recorded on the case.
 */
function personalDataIn(data: Record<'title' | 'question' | 'answer', string>, own: (string | null)[]): Place[] {
  const places: Place[] = [];
  for (const [field, text] of Object.entries(data)) {
    for (const f of findPersonalData(text)) places.push({ field, excerpt: `${KIND_LABELS[f.kind]} ${f.excerpt}` });
    for (const value of own) {
      if (!value || value.length < 2) continue;
      const at = text.indexOf(value);
      if (at >= 0 && !places.some((p) => p.field === field && p.excerpt.includes(value)))
        places.push({ field, excerpt: `申请人的个人信息 ${text.slice(Math.max(0, at - 10), at + value.length + 10)}` });
    }
  }
  return places;
}

export async function publishAnswer(ctx: AppContext, principal: Principal, trackingNumber: string, input: unknown): Promise<number> {
  const data = parseInput(publishSchema, input);
  return ctx.db.transaction(async (tx) => {
    const row = await lockCase(tx, { trackingNumber: trackingNumber.toUpperCase() });
    if (!row || !canSeeAgency(principal, row.agencyId)) throw notFound('cases.not_found', '没有找到这件申请');
    if (row.state !== 'answered') throw ruleViolation('art44_publish_answered_only', '只有已经答复的申请才能主动公开（条例第四十四条）');
    const places = personalDataIn(data, [row.applicant.name, openCaseIdNumber(ctx, row), row.applicant.phone, row.applicant.email, row.applicant.address]);
    if (places.length) {
      const where = places.map((p) => `${FIELD_LABELS[p.field]}：“${p.excerpt}”`).join('；');
      throw new AppError(400, 'publication.personal_data', `公开内容中含有个人信息，请删除后再公开：${where}`, { places });
    }
    try {
      const [published] = await tx
        .insert(publishedAnswers)
        .values({ caseId: row.id, agencyId: row.agencyId, ...data, publishedOn: today(ctx.clock), publishedBy: principal.id })
        .returning({ id: publishedAnswers.id });
      await appendTimeline(tx, {
        caseId: row.id,
        type: 'PUBLISHED',
        on: today(ctx.clock),
        at: ctx.clock.now(),
        actor: staffActor(principal, row),
        stateAfter: row.state,
        dueOnAfter: row.dueOn,
        payload: { publishedId: published!.id },
      });
      return published!.id;
    } catch (err) {
      if (uniqueViolation(err) !== null) throw ruleViolation('art44_published_once', '该答复已经公开');
      throw err;
    }
  });
}

export async function findPublishedOfCase(db: Executor, caseId: number) {
  const [row] = await db
    .select({ id: publishedAnswers.id })
    .from(publishedAnswers)
    .where(and(eq(publishedAnswers.caseId, caseId), isNull(publishedAnswers.withdrawnAt)));
  return row ?? null;
}

export async function searchPublished(ctx: AppContext, q: string) {
  const term = q.trim().slice(0, 100);
  const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return ctx.db
    .select({
      id: publishedAnswers.id,
      title: publishedAnswers.title,
      question: sql<string>`left(${publishedAnswers.question}, 120)`,
      publishedOn: publishedAnswers.publishedOn,
      agencyName: agencies.name,
    })
    .from(publishedAnswers)
    .innerJoin(agencies, eq(agencies.id, publishedAnswers.agencyId))
    .where(
      and(
        isNull(publishedAnswers.withdrawnAt),
        term ? sql`(${publishedAnswers.title} || ' ' || ${publishedAnswers.question} || ' ' || ${publishedAnswers.answer}) ilike ${pattern}` : undefined,
      ),
    )
    .orderBy(desc(publishedAnswers.publishedOn), desc(publishedAnswers.id))
    .limit(100);
}

export async function getPublished(ctx: AppContext, id: string) {
  const [row] = /^\d{1,9}$/.test(id)
    ? await ctx.db
        .select({
          id: publishedAnswers.id,
          title: publishedAnswers.title,
          question: publishedAnswers.question,
          answer: publishedAnswers.answer,
          publishedOn: publishedAnswers.publishedOn,
          agencyId: publishedAnswers.agencyId,
          agencyName: agencies.name,
          agencySlug: agencies.slug,
          withdrawnAt: publishedAnswers.withdrawnAt,
          withdrawalReason: publishedAnswers.withdrawalReason,
        })
        .from(publishedAnswers)
        .innerJoin(agencies, eq(agencies.id, publishedAnswers.agencyId))
        .where(and(eq(publishedAnswers.id, Number(id))))
    : [];
  if (!row) throw notFound('published.not_found', '没有找到该公开答复');
  // A withdrawn item says so, and no longer what it said.
  return row.withdrawnAt ? { ...row, question: '', answer: '' } : row;
}

const withdrawalSchema = z.object({ reason: z.string().trim().min(2).max(500) });

/**
 * The agency takes a published answer down (a mistake, personal data found after publishing): it is
 * no longer listed or shown, its page says it was withdrawn and why, and the case's timeline records
 * it. Staff of the answer's agency; once.
 */
export async function withdrawPublished(ctx: AppContext, principal: Principal, id: string, input: unknown): Promise<void> {
  const { reason } = parseInput(withdrawalSchema, input);
  await ctx.db.transaction(async (tx) => {
    const [item] = /^\d{1,9}$/.test(id)
      ? await tx
          .select()
          .from(publishedAnswers)
          .where(eq(publishedAnswers.id, Number(id)))
          .for('update')
      : [];
    if (!item || !canSeeAgency(principal, item.agencyId)) throw notFound('published.not_found', '没有找到该公开答复');
    if (item.withdrawnAt) throw ruleViolation('published_withdrawn_once', '该公开答复已经撤回');
    const row = (await lockCase(tx, { id: item.caseId }))!;
    const at = ctx.clock.now();
    await tx.update(publishedAnswers).set({ withdrawnAt: at, withdrawnBy: principal.id, withdrawalReason: reason }).where(eq(publishedAnswers.id, item.id));
    await appendTimeline(tx, {
      caseId: row.id,
      type: 'PUBLICATION_WITHDRAWN',
      on: today(ctx.clock),
      at,
      actor: staffActor(principal, row),
      stateAfter: row.state,
      dueOnAfter: row.dueOn,
      payload: { publishedId: item.id, reason },
    });
  });
}
