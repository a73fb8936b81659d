import type {} from '@fastify/csrf-protection';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { staffPage } from '../http/auth.js';
import { orRefusalPage, redirectWithNotice } from '../http/views.js';
import { chineseDate } from '../letters/chinese-dates.js';
import { getPublished, publishAnswer, searchPublished } from './published.service.js';

export async function publishedPages(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  app.get<{ Querystring: { q?: string } }>('/published', async (request, reply) => {
    const q = typeof request.query.q === 'string' ? request.query.q : '';
    const items = (await searchPublished(ctx, q)).map((i) => ({ ...i, publishedOnText: chineseDate(i.publishedOn) }));
    return reply.page('published', { title: '公开答复', q, items });
  });

  app.get<{ Params: { id: string } }>('/published/:id', async (request, reply) => {
    const item = await getPublished(ctx, request.params.id);
    return reply.page('published-item', { title: item.title, item: { ...item, publishedOnText: chineseDate(item.publishedOn) } });
  });

  app.post<{ Params: { trackingNumber: string } }>('/staff/cases/:trackingNumber/publish', { preHandler: [staffPage(ctx), app.csrfProtection] }, async (request, reply) => {
    const tn = request.params.trackingNumber.toUpperCase();
    return orRefusalPage(reply, '无法公开', async () => {
      const id = await publishAnswer(ctx, request.principal!, tn, request.body);
      return redirectWithNotice(reply, `/published/${id}`, 'published');
    });
  });
}
