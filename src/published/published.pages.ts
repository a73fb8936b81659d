import type {} from '@fastify/csrf-protection';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { z } from 'zod';
import { AppError } from '../common/errors.js';
import { resolvePrincipal, staffOnly, staffPage } from '../http/auth.js';
import { day, ERRORS, trackingNumberParams } from '../http/openapi.js';
import { noticeOf, orRefusalPage, redirectWithNotice } from '../http/views.js';
import { chineseDate } from '../letters/chinese-dates.js';
import { canSeeAgency } from '../staff/principal.js';
import { toShanghaiIso } from '../calendar/dates.js';
import { getPublished, publicationInput, publishAnswer, publishedFile, publishedQuery, searchPublished, withdrawPublished } from './published.service.js';
import { listAgencies } from '../agencies/agencies.repository.js';
import { today } from '../calendar/clock.js';
import { sendFile } from '../http/files.js';
import { attachmentContent } from '../requests/attachments.repository.js';

export async function publishedPages(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  // The reading room: search inside words, filters, the total and pages.
  app.get('/published', async (request, reply) =>
    orRefusalPage(reply, '无法检索', async () => {
      const found = await searchPublished(ctx, request.query);
      const { q, agency, jurisdiction, year } = found.query;
      const [agencyRows, tree] = await Promise.all([listAgencies(ctx.db), ctx.jurisdictions.current()]);
      const thisYear = Number(today(ctx.clock).slice(0, 4));
      const pageUrl = (page: number) =>
        `/published?${new URLSearchParams(Object.entries({ q, agency, jurisdiction, year, page: page > 1 ? page : undefined }).flatMap(([k, v]) => (v ? [[k, String(v)]] : [])))}`;
      return reply.page('published', {
        title: '公开答复',
        q,
        filtered: Boolean(q || agency || jurisdiction || year),
        items: found.items.map((i) => ({ ...i, publishedOnText: chineseDate(i.publishedOn) })),
        total: found.total,
        capped: found.capped,
        page: found.page,
        pages: found.pages,
        prevUrl: found.page > 1 ? pageUrl(found.page - 1) : null,
        nextUrl: found.page < found.pages ? pageUrl(found.page + 1) : null,
        agencies: agencyRows.map((a) => ({ value: a.slug, label: a.name, selected: a.slug === agency })),
        jurisdictions: tree.rows.map((j) => ({ value: j.code, label: j.name, selected: j.code === jurisdiction })),
        years: Array.from({ length: thisYear - 2018 }, (_, k) => thisYear - k).map((y) => ({ value: y, selected: y === year })),
      });
    }),
  );

  app.get(
    '/api/published',
    {
      schema: {
        tags: ['published'],
        summary: 'Search the reading room: words of two or more characters inside words, by agency, jurisdiction and year; 20 a page',
        querystring: publishedQuery,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number().int(),
                title: z.string(),
                indexNumber: z.string().nullable().describe('索引号 (政府信息公开目录); null for items published before it was kept'),
                agency: z.object({ slug: z.string(), name: z.string() }),
                publishedOn: day,
                url: z.string().describe('the item’s page'),
                excerpt: z.string(),
                files: z.number().int().describe('how many released files it offers'),
              }),
            ),
            total: z.number().int().describe('how many match; with `capped`, at least this many'),
            capped: z.boolean().describe('a search by words counts up to 1,000 matches'),
            page: z.number().int(),
            pages: z.number().int(),
          }),
          ...ERRORS,
        },
      },
    },
    async (request) => {
      const found = await searchPublished(ctx, request.query);
      return {
        items: found.items.map((i) => ({
          id: i.id,
          title: i.title,
          indexNumber: i.indexNumber,
          agency: { slug: i.agencySlug, name: i.agencyName },
          publishedOn: i.publishedOn,
          url: `/published/${i.id}`,
          excerpt: i.excerpt,
          files: i.files,
        })),
        total: found.total,
        capped: found.capped,
        page: found.page,
        pages: found.pages,
      };
    },
  );

  // An Atom feed of the newest items (art. 24: findable), for readers and other portals to follow.
  app.get('/published/feed.xml', async (_request, reply) => {
    const found = await searchPublished(ctx, {});
    const base = ctx.config.publicUrl;
    const xml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
    const updated = found.items[0]?.publishedOn ?? today(ctx.clock);
    const entries = found.items.map(
      (i) =>
        `<entry><id>${base}/published/${i.id}</id><title>${xml(i.title)}</title><link href="${base}/published/${i.id}"/><updated>${i.publishedOn}T00:00:00+08:00</updated><author><name>${xml(i.agencyName)}</name></author><summary>${xml(i.excerpt)}</summary></entry>`,
    );
    return reply
      .type('application/atom+xml; charset=utf-8')
      .send(
        `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><id>${base}/published</id><title>公开答复</title><link rel="self" href="${base}/published/feed.xml"/><link href="${base}/published"/><updated>${updated}T00:00:00+08:00</updated>${entries.join('')}</feed>`,
      );
  });

  // A released file published with an item; gone with the item's withdrawal.
  app.get<{ Params: { id: string; fileId: string } }>('/published/:id/files/:fileId', async (request, reply) => {
    const file = await publishedFile(ctx, request.params.id, request.params.fileId);
    return sendFile(reply, file, attachmentContent(ctx.db, file.id));
  });

  // Staff of the case's agency publish its answer (art. 44): the contract's JSON twin of the case page's form.
  app.post<{ Params: { trackingNumber: string } }>(
    '/api/cases/:trackingNumber/publication',
    {
      schema: {
        tags: ['published'],
        security: [{ bearer: [] }],
        summary: 'Publish an answered case’s answer to the reading room (art. 44), with released files',
        description: 'Refused with 400 `publication.personal_data` and `places: [{ field, excerpt }]` when the text or a file name holds personal data; nothing is stored.',
        params: trackingNumberParams,
        body: publicationInput,
        response: { 201: z.object({ id: z.number().int(), url: z.string() }), ...ERRORS },
      },
      preHandler: staffOnly(ctx),
    },
    async (request, reply) => {
      const body = request.body as { title?: unknown; text?: unknown; files?: unknown };
      try {
        const id = await publishAnswer(ctx, request.principal!, request.params.trackingNumber, { title: body.title, answer: body.text, files: body.files });
        return reply.status(201).send({ id, url: `/published/${id}` });
      } catch (err) {
        // The contract calls the answer's text `text`: field messages and places name it so.
        throw err instanceof AppError ? err.renamingField('answer', 'text') : err;
      }
    },
  );

  app.get<{ Params: { id: string } }>('/published/:id', async (request, reply) => {
    const item = await getPublished(ctx, request.params.id);
    // Signed in as staff of the answer's agency: offered the withdrawal.
    const principal = await resolvePrincipal(ctx, request, 'web');
    return reply.page('published-item', {
      title: item.title,
      item: {
        ...item,
        files: item.files.map((f) => ({ ...f, sizeText: `${Math.max(1, Math.round(f.size / 1024))} KB` })),
        publishedOnText: chineseDate(item.publishedOn),
        withdrawnOnText: item.withdrawnAt ? chineseDate(toShanghaiIso(item.withdrawnAt).slice(0, 10)) : null,
      },
      // Staff of the answer's agency may take it down.
      canWithdraw: Boolean(principal && canSeeAgency(principal, item.agencyId) && !item.withdrawnAt),
      notice: noticeOf(request),
    });
  });

  // The agency takes a published answer down: no longer listed or shown; its page says so.
  app.post<{ Params: { id: string } }>(
    '/api/published/:id/withdrawal',
    {
      schema: {
        tags: ['published'],
        security: [{ bearer: [] }],
        summary: 'Withdraw a published answer (staff of its agency): no longer listed or shown; its page says it was withdrawn',
        params: z.object({ id: z.string() }),
        body: z.object({ reason: z.string() }),
        response: { 200: z.object({ id: z.number().int(), withdrawn: z.literal(true) }), ...ERRORS },
      },
      preHandler: staffOnly(ctx),
    },
    async (request) => {
      await withdrawPublished(ctx, request.principal!, request.params.id, request.body);
      return { id: Number(request.params.id), withdrawn: true as const };
    },
  );

  app.post<{ Params: { id: string } }>('/published/:id/withdraw', { preHandler: [staffPage(ctx), app.csrfProtection] }, async (request, reply) =>
    orRefusalPage(reply, '无法撤回', async () => {
      await withdrawPublished(ctx, request.principal!, request.params.id, request.body);
      return redirectWithNotice(reply, `/published/${request.params.id}`, 'withdrawn_publication');
    }),
  );
}
