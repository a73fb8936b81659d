import type {} from '@fastify/csrf-protection';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { z } from 'zod';
import { resolvePrincipal, staffOnly, staffPage } from '../http/auth.js';
import { ERRORS } from '../http/openapi.js';
import { noticeOf, orRefusalPage, redirectWithNotice } from '../http/views.js';
import { chineseDate } from '../letters/chinese-dates.js';
import { canSeeAgency } from '../staff/principal.js';
import { toShanghaiIso } from '../calendar/dates.js';
import { getPublished, publishAnswer, searchPublished, withdrawPublished } from './published.service.js';

export async function publishedPages(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  app.get<{ Querystring: { q?: string } }>('/published', async (request, reply) => {
    const q = typeof request.query.q === 'string' ? request.query.q : '';
    const items = (await searchPublished(ctx, q)).map((i) => ({ ...i, publishedOnText: chineseDate(i.publishedOn) }));
    return reply.page('published', { title: '公开答复', q, items });
  });

  app.get<{ Params: { id: string } }>('/published/:id', async (request, reply) => {
    const item = await getPublished(ctx, request.params.id);
    // Signed in as staff of the answer's agency: offered the withdrawal.
    const principal = await resolvePrincipal(ctx, request, 'web');
    return reply.page('published-item', {
      title: item.title,
      item: {
        ...item,
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

  app.post<{ Params: { trackingNumber: string } }>('/staff/cases/:trackingNumber/publish', { preHandler: [staffPage(ctx), app.csrfProtection] }, async (request, reply) => {
    const tn = request.params.trackingNumber.toUpperCase();
    return orRefusalPage(reply, '无法公开', async () => {
      const id = await publishAnswer(ctx, request.principal!, tn, request.body);
      return redirectWithNotice(reply, `/published/${id}`, 'published');
    });
  });
}
