// Administrators watch the background queues: statutory timers (due, pending, failing) and mail
// (counts, pending and failed mail with errors, retry).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { toShanghaiIso } from '../calendar/dates.js';
import type { AppContext } from '../context.js';
import { staffOnly } from '../http/auth.js';
import { ERRORS, STAFF } from '../http/openapi.js';
import { adminStatusSchema, outboxSchema, retriedSchema } from './admin.schemas.js';
import { notFound } from '../common/errors.js';
import { parseInput } from '../common/validation.js';
import { countOutbox, listOutbox, MAIL_QUEUED, retryMail } from '../notifications/outbox.repository.js';
import { timerCounts } from '../timers/timers.repository.js';

const outboxQuery = z.object({ status: z.enum(['pending', 'sent', 'failed']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });

export async function outboxOverview(ctx: AppContext, input: unknown) {
  const { status, limit } = parseInput(outboxQuery, input);
  const [counts, items] = await Promise.all([countOutbox(ctx.db), listOutbox(ctx.db, { status, limit })]);
  return {
    counts: { pending: counts.pending ?? 0, sent: counts.sent ?? 0, failed: counts.failed ?? 0, retrying: counts.retrying },
    items: items.map((m) => ({
      ...m,
      nextAttemptAt: toShanghaiIso(m.nextAttemptAt),
      createdAt: toShanghaiIso(m.createdAt),
      sentAt: m.sentAt ? toShanghaiIso(m.sentAt) : null,
    })),
  };
}

export async function retryOutboxMail(ctx: AppContext, id: string): Promise<void> {
  if (!/^\d{1,15}$/.test(id) || !(await retryMail(ctx.db, Number(id), ctx.clock.now()))) throw notFound('outbox.not_found', '没有找到该邮件，或它已经发出、正在发送');
  ctx.events.emit(MAIL_QUEUED);
}

export async function queuesRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const admin = staffOnly(ctx, ['admin']);
  const tags = ['administration'];
  const security = STAFF;
  const status = { tags, security, summary: 'Timers and mail queues at a glance (administrator)', response: { 200: adminStatusSchema, ...ERRORS } };
  const outbox = {
    tags,
    security,
    summary: 'Mail: counts and the latest messages, by status (administrator)',
    querystring: outboxQuery,
    response: { 200: outboxSchema, ...ERRORS },
  };
  const retry = {
    tags,
    security,
    summary: 'Send a failed or pending mail again (administrator)',
    params: z.object({ id: z.string() }),
    response: { 200: retriedSchema, ...ERRORS },
  };
  app.get('/api/admin/status', { schema: status, preHandler: admin }, async () => ({
    timers: await timerCounts(ctx.db, ctx.clock.now()),
    outbox: (await outboxOverview(ctx, { limit: 1 })).counts,
    // Identity numbers sealed at rest (requests/personal-data.ts): false on PostgreSQL without PERSONAL_DATA_KEY.
    idNumbersSealed: ctx.personalDataKey !== null,
  }));
  app.get('/api/admin/outbox', { schema: outbox, preHandler: admin }, async (request) => outboxOverview(ctx, request.query));
  app.post<{ Params: { id: string } }>('/api/admin/outbox/:id/retry', { schema: retry, preHandler: admin }, async (request) => {
    await retryOutboxMail(ctx, request.params.id);
    return { status: 'pending' };
  });
}
