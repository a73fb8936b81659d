// The reading room (/published): answers an agency chose to publish for everyone (art. 44), as the
// clerk wrote them for publication: a title, the question and the answer, no applicant data.
import { and, desc, eq, gte, inArray, isNull, lte, sql } from 'drizzle-orm';
import { matchesWords } from '../common/bigram-search.js';
import { z } from 'zod';
import { today } from '../calendar/clock.js';
import type { AppContext } from '../context.js';
import { uniqueViolation, type Executor, type Tx } from '../db/client.js';
import { agencies, publishedAnswers } from '../db/schema.js';
import { AppError, notFound, ruleViolation, validationFailed, type Place } from '../common/errors.js';
import { findPersonalData, KIND_LABELS } from '../common/personal-data-detector.js';
import { dropEmpty, parseInput } from '../common/validation.js';
import { findAgencyById, findAgencyBySlug } from '../agencies/agencies.repository.js';
import { appendTimeline, findCase, lockCase } from '../requests/cases.repository.js';
import { attachmentBytes, findAttachment, listAttachments } from '../requests/attachments.repository.js';
import { readPdfText } from '../documents/redaction.js';
import { openCaseIdNumber } from '../requests/personal-data.service.js';
import { canSeeAgency, staffActor, type Principal } from '../staff/principal.js';

const publishSchema = z.object({
  title: z.string({ error: '请填写标题' }).trim().min(4, '标题至少4个字').max(200, '标题不超过200字'),
  question: z.string().trim().max(2000, '申请内容不超过2000字').default(''),
  answer: z.string({ error: '请填写公开的内容' }).trim().min(5, '公开的内容至少5个字').max(20_000, '公开的内容不超过20000字'),
  /** Released files of the case (attachments with role `released`), published with the text. */
  files: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.uuid('不是本案的答复文件')).max(50, '一次最多公开50个文件'))
    .default([]),
});

/** The contract's body (`POST /api/cases/:tn/publication`): the text to publish is the answer rewritten for everyone. */
export const publicationInput = z.object({
  title: z.string().describe('the item’s title'),
  text: z.string().describe('the answer rewritten in the third person, without the applicant’s data'),
  files: z.array(z.string()).optional().describe('ids of the case’s released files to publish with it'),
});

const FIELD_LABELS: Record<string, string> = { title: '标题', question: '申请内容', answer: '答复内容', files: '文件' };

/**
 * Where what is to be published holds personal data: anyone's identity number, mobile number or
 * e-mail address however written (shared/personal-data-detector.ts), and the applicant's own name,
 * numbers and address as recorded on the case.
 */
function personalDataIn(data: Record<string, string>, own: (string | null)[], agencyNumbers: string[]): Place[] {
  const places: Place[] = [];
  const digits = (text: string) => text.normalize('NFKC').replace(/\D/g, '');
  const public_ = new Set(agencyNumbers.map(digits).filter((d) => d.length >= 7));
  for (const [field, text] of Object.entries(data)) {
    for (const f of findPersonalData(text)) {
      // The agency's own office telephone and fax are public (its guide lists them).
      if (f.kind === 'landline' && public_.has(digits(text.slice(f.index, f.index + f.length)))) continue;
      places.push({ field, excerpt: `${KIND_LABELS[f.kind]} ${f.excerpt}` });
    }
    for (const value of own) {
      if (!value || value.length < 2) continue;
      const at = text.indexOf(value);
      if (at >= 0 && !places.some((p) => p.field === field && p.excerpt.includes(value)))
        places.push({ field, excerpt: `申请人的个人信息 ${text.slice(Math.max(0, at - 10), at + value.length + 10)}` });
    }
  }
  return places;
}

/**
 * Publishes an answered case's answer to the reading room (art. 44): the text as the clerk rewrote it
 * for everyone, and the released files chosen. Refused, with every place listed and nothing stored,
 * when the text or a file name holds personal data.
 */
export async function publishAnswer(ctx: AppContext, principal: Principal, trackingNumber: string, input: unknown): Promise<number> {
  const data = parseInput(publishSchema, input);
  // The PDFs' text layer, read before the transaction (a stored file does not change): guarded and searched like the text.
  const fileTexts = await textOfFiles(ctx, trackingNumber, [...new Set(data.files)]);
  return ctx.db.transaction(async (tx) => {
    const row = await lockCase(tx, { trackingNumber: trackingNumber.toUpperCase() });
    if (!row || !canSeeAgency(principal, row.agencyId)) throw notFound('cases.not_found', '没有找到这件申请');
    if (row.state !== 'answered') throw ruleViolation('art44_publish_answered_only', '只有已经答复的申请才能主动公开（条例第四十四条）');
    const released = new Map((await listAttachments(tx, row.id)).filter((a) => a.role === 'released').map((a) => [a.id, a]));
    const files = [...new Set(data.files)];
    if (files.some((id) => !released.has(id))) throw validationFailed({ files: '只能公开本案答复时提供的文件' });
    const fileNames = files.map((id) => released.get(id)!.filename).join(' ');
    const texts = { title: data.title, question: data.question, answer: data.answer, files: fileNames };
    const agency = (await findAgencyById(tx, row.agencyId))!;
    const own = [row.applicant.name, openCaseIdNumber(ctx, row), row.applicant.phone, row.applicant.email, row.applicant.address];
    const places = personalDataIn(texts, own, [agency.phone, agency.fax]);
    // In the files' text, each place says which file and page.
    for (const file of fileTexts)
      for (const [n, page] of file.pages.entries())
        for (const p of personalDataIn({ files: page }, own, [agency.phone, agency.fax])) places.push({ field: 'files', excerpt: `《${file.filename}》第${n + 1}页 ${p.excerpt}` });
    if (places.length) {
      const where = places.map((p) => `${FIELD_LABELS[p.field]}：“${p.excerpt}”`).join('；');
      throw new AppError(400, 'publication.personal_data', `公开内容中含有个人信息，请删除后再公开：${where}`, { places });
    }
    try {
      const [published] = await tx
        .insert(publishedAnswers)
        .values({
          caseId: row.id,
          agencyId: row.agencyId,
          title: data.title,
          question: data.question,
          answer: data.answer,
          files,
          filesText: fileTexts
            .flatMap((f) => f.pages)
            .join('\n')
            .slice(0, 200_000),
          publishedOn: today(ctx.clock),
          indexNumber: await indexNumberOf(ctx, tx, agency, today(ctx.clock)),
          publishedBy: principal.id,
        })
        .returning({ id: publishedAnswers.id });
      await appendTimeline(tx, {
        caseId: row.id,
        type: 'PUBLISHED',
        on: today(ctx.clock),
        at: ctx.clock.now(),
        actor: staffActor(principal, row),
        stateAfter: row.state,
        dueOnAfter: row.dueOn,
        payload: { publishedId: published!.id, files: files.length },
      });
      return published!.id;
    } catch (err) {
      if (uniqueViolation(err) !== null) throw ruleViolation('art44_published_once', '该答复已经公开');
      throw err;
    }
  });
}

/** The next 索引号 of an agency in the year: its code, the year, a number of the year's own series. */
async function indexNumberOf(ctx: AppContext, tx: Tx, agency: { id: number; code: string }, on: string): Promise<string> {
  const year = Number(on.slice(0, 4));
  const [n] = await ctx.numbers.drawEach(tx, [{ series: 'catalogue', agencyId: agency.id, year }]);
  return `${agency.code}/${year}-${String(n).padStart(5, '0')}`;
}

/** The text layer of each chosen PDF, page by page (none for images and scans). */
async function textOfFiles(ctx: AppContext, trackingNumber: string, ids: string[]) {
  const row = ids.length ? await findCase(ctx.db, trackingNumber.trim().toUpperCase()) : null;
  if (!row) return [];
  const out: { filename: string; pages: string[] }[] = [];
  for (const id of ids) {
    const file = /^[0-9a-f-]{36}$/.test(id) ? await findAttachment(ctx.db, row.id, id) : null;
    if (!file || file.mime !== 'application/pdf') continue;
    const { pages, runs } = await readPdfText(await attachmentBytes(ctx.db, file.id)).catch(() => ({ pages: [], runs: [] }));
    out.push({
      filename: file.filename,
      pages: pages.map((_, n) =>
        runs
          .filter((r) => r.page === n + 1)
          .map((r) => r.text)
          .join(''),
      ),
    });
  }
  return out;
}

export async function findPublishedOfCase(db: Executor, caseId: number) {
  const [row] = await db
    .select({ id: publishedAnswers.id })
    .from(publishedAnswers)
    .where(and(eq(publishedAnswers.caseId, caseId), isNull(publishedAnswers.withdrawnAt)));
  return row ?? null;
}

export const PAGE_SIZE = 20;
/** A search counts its matches up to this many: past it the page says "more than", and pages stop there. */
export const COUNT_CAP = 1000;

export const publishedQuery = z.object({
  q: z.string().trim().max(100, '搜索词不超过100字').default(''),
  agency: z.string().trim().max(64).optional(),
  jurisdiction: z.string().trim().max(12).optional(),
  year: z.coerce.number({ error: '年份应为数字' }).int().min(2008, '年份应在2008年以后').max(2100, '年份有误').optional(),
  page: z.coerce.number({ error: '页码应为数字' }).int().min(1, '页码从1开始').max(100_000, '页码过大').default(1),
});

/**
 * The reading room's search: words of two or more characters found inside words of the title,
 * question or answer (bigrams, src/common/bigram-search.ts), by agency, jurisdiction (and those below
 * it) and year; newest first, 20 a page, with the total. A search by words counts up to COUNT_CAP
 * (`capped` past it): a word in every item must not cost a count of them all. Withdrawn items are not
 * listed.
 */
export async function searchPublished(ctx: AppContext, query: unknown) {
  const q = parseInput(publishedQuery, dropEmpty(query));
  let agencyIds: number[] | undefined;
  if (q.jurisdiction) {
    const tree = await ctx.jurisdictions.current();
    const j = tree.byCode(q.jurisdiction);
    agencyIds = j ? tree.agenciesWithin(j.id) : [];
  }
  if (q.agency) {
    const agency = await findAgencyBySlug(ctx.db, q.agency, { includeRetired: true });
    agencyIds = agency && (!agencyIds || agencyIds.includes(agency.id)) ? [agency.id] : [];
  }
  const where = and(
    isNull(publishedAnswers.withdrawnAt),
    q.q
      ? matchesWords({
          q: q.q,
          bigrams: (words) => sql`${publishedAnswers.bigrams} @> ${words}`,
          text: sql`(${publishedAnswers.title} || ' ' || ${publishedAnswers.question} || ' ' || ${publishedAnswers.answer} || ' ' || ${publishedAnswers.filesText})`,
        })
      : undefined,
    agencyIds ? inArray(publishedAnswers.agencyId, agencyIds.length ? agencyIds : [-1]) : undefined,
    q.year ? and(gte(publishedAnswers.publishedOn, `${q.year}-01-01`), lte(publishedAnswers.publishedOn, `${q.year}-12-31`)) : undefined,
  );
  const matching = ctx.db
    .select({ one: sql`1` })
    .from(publishedAnswers)
    .where(where);
  const [items, [count]] = await Promise.all([
    ctx.db
      .select({
        id: publishedAnswers.id,
        title: publishedAnswers.title,
        indexNumber: publishedAnswers.indexNumber,
        excerpt: sql<string>`left(case when ${publishedAnswers.question} = '' then ${publishedAnswers.answer} else ${publishedAnswers.question} end, 120)`,
        publishedOn: publishedAnswers.publishedOn,
        agencySlug: agencies.slug,
        agencyName: agencies.name,
        files: sql<number>`cardinality(${publishedAnswers.files})`,
      })
      .from(publishedAnswers)
      .innerJoin(agencies, eq(agencies.id, publishedAnswers.agencyId))
      .where(where)
      .orderBy(desc(publishedAnswers.publishedOn), desc(publishedAnswers.id))
      .limit(PAGE_SIZE)
      .offset((q.page - 1) * PAGE_SIZE),
    q.q
      ? ctx.db.select({ n: sql<number>`count(*)::int` }).from(matching.limit(COUNT_CAP + 1).as('m'))
      : ctx.db
          .select({ n: sql<number>`count(*)::int` })
          .from(publishedAnswers)
          .where(where),
  ]);
  const counted = count?.n ?? 0;
  const capped = counted > COUNT_CAP;
  const total = capped ? COUNT_CAP : counted;
  return { query: q, items, total, capped, page: q.page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

export async function getPublished(ctx: AppContext, id: string): Promise<PublishedItem> {
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
          caseId: publishedAnswers.caseId,
          files: publishedAnswers.files,
          indexNumber: publishedAnswers.indexNumber,
        })
        .from(publishedAnswers)
        .innerJoin(agencies, eq(agencies.id, publishedAnswers.agencyId))
        .where(and(eq(publishedAnswers.id, Number(id))))
    : [];
  if (!row) throw notFound('published.not_found', '没有找到该公开答复');
  // A withdrawn item says so, and no longer what it said nor its files.
  if (row.withdrawnAt) return { ...row, question: '', answer: '', files: [] };
  const released = (await listAttachments(ctx.db, row.caseId)).filter((a) => row.files.includes(a.id));
  return { ...row, files: released.map((a) => ({ id: a.id, filename: a.filename, size: a.size, mime: a.mime })) };
}

export type PublishedItem = {
  id: number;
  title: string;
  question: string;
  answer: string;
  publishedOn: string;
  agencyId: number;
  agencyName: string;
  agencySlug: string;
  withdrawnAt: Date | null;
  withdrawalReason: string | null;
  caseId: number;
  files: { id: string; filename: string; size: number; mime: string }[];
  indexNumber: string | null;
};

/** A file published with an item: only one the item lists, while it is published. */
export async function publishedFile(ctx: AppContext, id: string, fileId: string) {
  const item = await getPublished(ctx, id);
  const file = item.files.find((f) => f.id === fileId);
  if (!file) throw notFound('published.file_not_found', '没有找到该文件');
  return (await findAttachment(ctx.db, item.caseId, file.id))!;
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
