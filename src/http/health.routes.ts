import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { ping } from '../db/client.js';

export async function healthRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const check = async (_req: unknown, reply: import('fastify').FastifyReply) => {
    try {
      await ping(ctx.db);
      return { status: 'ok' };
    } catch {
      return reply.status(503).send({ status: 'unavailable' });
    }
  };
  const health = (summary: string) => ({
    schema: { tags: ['health'], summary, response: { 200: z.object({ status: z.literal('ok') }), 503: z.object({ status: z.enum(['unavailable', 'draining', 'key_retired']) }) } },
  });
  app.get('/health', health('Liveness: 200 once the database answers'), check);
  // Ready to take traffic: the database answers, the instance is not shutting down, and its
  // PERSONAL_DATA_KEY is still the one the numbers are sealed with.
  app.get('/ready', health('Readiness: 503 while shutting down or running with a retired key'), async (request, reply) => {
    if (app.ogi.draining) return reply.status(503).send({ status: 'draining' });
    if (ctx.personalDataKeyRetired) return reply.status(503).send({ status: 'key_retired' });
    return check(request, reply);
  });
}
