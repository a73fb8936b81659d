import type { FastifyInstance } from 'fastify';
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
  app.get('/health', check);
  // Ready to take traffic: the database answers, the instance is not shutting down, and its
  // PERSONAL_DATA_KEY is still the one the numbers are sealed with.
  app.get('/ready', async (request, reply) => {
    if (app.ogi.draining) return reply.status(503).send({ status: 'draining' });
    if (ctx.personalDataKeyRetired) return reply.status(503).send({ status: 'key_retired' });
    return check(request, reply);
  });
}
