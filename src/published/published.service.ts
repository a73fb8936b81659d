// The reading room (/published): answers an agency chose to publish for everyone (art. 44), as the
// clerk wrote them for publication: a title, the question and the answer, no applicant data.
import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { today } from '../calendar/clock.js';
import type { AppContext } from '../context.js';
import { uniqueViolation, type Executor } from '../db/client.js';
import { agencies, publishedAnswers } from '../db/schema.js';
import { notFound, ruleViolation, validationFailed } from '../http/errors.js';
import { parseInput } from '../http/validation.js';
import { appendTimeline, lockCase } from '../requests/cases.repository.js';
import { openCaseIdNumber } from '../requests/personal-data.service.js';
import { canSeeAgency, staffActor, type Principal } from '../staff/principal.js';

const publishSchema = z.object({
  title: z.string().trim().min(4).max(200),
  question: z.string().trim().min(5).max(2000),
  answer: z.string().trim().min(5).max(20_000),
});

export async function publishAnswer(ctx: AppContext, principal: Principal, trackingNumber: string, input: unknown): Promise<number> {
  const data = parseInput(publishSchema, input);
  return ctx.db.transaction(async (tx) => {
    const row = await lockCase(tx, { trackingNumber: trackingNumber.toUpperCase() });
    if (!row || !canSeeAgency(principal, row.agencyId)) throw notFound('cases.not_found', '没有找到这件申请');
    if (row.state !== 'answered') throw ruleViolation('art44_publish_answered_only', '只有已经答复的申请才能主动公开（条例第四十四条）');
    // The applicant's name, ID, contact details and address must not appear in what is published.
    const personal = [row.applicant.name, openCaseIdNumber(ctx, row), row.applicant.phone, row.applicant.email, row.applicant.address].filter((v): v is string => Boolean(v) && v!.length >= 2);
    const leaked = personal.find((v) => [data.title, data.question, data.answer].some((text) => text.includes(v)));
    if (leaked) throw validationFailed({ _: '公开内容中含有申请人的个人信息，请删除后再公开' }, '公开内容中含有申请人的个人信息，请删除后再公开');
    try {
      const [published] = await tx
        .insert(publishedAnswers)
        .values({ caseId: row.id, agencyId: row.agencyId, ...data, publishedOn: today(ctx.clock), publishedBy: principal.id })
        .returning({ id: publishedAnswers.id });
      await appendTimeline(tx, { caseId: row.id, type: 'PUBLISHED', on: today(ctx.clock), at: ctx.clock.now(), actor: staffActor(principal, row), stateAfter: row.state, dueOnAfter: row.dueOn, payload: { publishedId: published!.id } });
      return published!.id;
    } catch (err) {
      if (uniqueViolation(err) !== null) throw ruleViolation('art44_published_once', '该答复已经公开');
      throw err;
    }
  });
}

export async function findPublishedOfCase(db: Executor, caseId: number) {
  const [row] = await db.select({ id: publishedAnswers.id }).from(publishedAnswers).where(eq(publishedAnswers.caseId, caseId));
  return row ?? null;
}

export async function searchPublished(ctx: AppContext, q: string) {
  const term = q.trim().slice(0, 100);
  const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return ctx.db
    .select({ id: publishedAnswers.id, title: publishedAnswers.title, question: sql<string>`left(${publishedAnswers.question}, 120)`, publishedOn: publishedAnswers.publishedOn, agencyName: agencies.name })
    .from(publishedAnswers)
    .innerJoin(agencies, eq(agencies.id, publishedAnswers.agencyId))
    .where(term ? sql`(${publishedAnswers.title} || ' ' || ${publishedAnswers.question} || ' ' || ${publishedAnswers.answer}) ilike ${pattern}` : undefined)
    .orderBy(desc(publishedAnswers.publishedOn), desc(publishedAnswers.id))
    .limit(100);
}

export async function getPublished(ctx: AppContext, id: string) {
  const [row] = /^\d{1,9}$/.test(id)
    ? await ctx.db
        .select({ id: publishedAnswers.id, title: publishedAnswers.title, question: publishedAnswers.question, answer: publishedAnswers.answer, publishedOn: publishedAnswers.publishedOn, agencyName: agencies.name, agencySlug: agencies.slug })
        .from(publishedAnswers)
        .innerJoin(agencies, eq(agencies.id, publishedAnswers.agencyId))
        .where(and(eq(publishedAnswers.id, Number(id))))
    : [];
  if (!row) throw notFound('published.not_found', '没有找到该公开答复');
  return row;
}
