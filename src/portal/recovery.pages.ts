// Finding a lost access code (src/requests/access-code-recovery.service.ts): the form, the link's
// confirmation page, and the API twin. Every route here shares the access-code budget per client.
import type {} from '@fastify/csrf-protection';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { AppError } from '../common/errors.js';
import { findAgencyById } from '../agencies/agencies.repository.js';
import { ERRORS } from '../http/openapi.js';
import { refusalOf, refusalText } from '../http/views.js';
import { publicUrlOf } from '../jurisdictions/jurisdictions.service.js';
import { RECOVERY_SENT, recoveryInput, recoveryValid, requestRecovery, useRecovery } from '../requests/access-code-recovery.service.js';
import type { ClientLimits } from '../throttling/client-limits.js';

export async function recoveryPages(app: FastifyInstance, { ctx, limits }: { ctx: AppContext; limits: ClientLimits }) {
  const publicBase = async (agencyId: number) => publicUrlOf(ctx, (await findAgencyById(ctx.db, agencyId))!);

  app.get('/track/lost', async (_request, reply) => reply.page('track-lost', { title: '找回查询码', values: {} }));
  app.post('/track/lost', { onRequest: limits.accessCode, preHandler: app.csrfProtection }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      await requestRecovery(ctx, body, publicBase);
      return reply.page('track-lost', { title: '找回查询码', sent: RECOVERY_SENT });
    } catch (err) {
      const { status, body: refusal } = refusalOf(err);
      return reply
        .status(status)
        .page('track-lost', { title: '找回查询码', error: refusalText(refusal), values: { trackingNumber: String(body.trackingNumber ?? ''), email: String(body.email ?? '') } });
    }
  });
  app.get<{ Querystring: { token?: string } }>('/track/recover', { onRequest: limits.accessCode }, async (request, reply) => {
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    return reply.page('track-recover', { title: '找回查询码', token, valid: await recoveryValid(ctx, token) });
  });
  app.post('/track/recover', { onRequest: limits.accessCode, preHandler: app.csrfProtection }, async (request, reply) => {
    const token = String(((request.body ?? {}) as Record<string, unknown>).token ?? '');
    try {
      // The new code is shown on this answer only; the page is not kept.
      reply.header('cache-control', 'no-store');
      return reply.page('track-recover', { title: '找回查询码', issued: await useRecovery(ctx, token) });
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode !== 404) throw err;
      return reply.status(404).page('track-recover', { title: '找回查询码', valid: false });
    }
  });

  app.post(
    '/api/requests/access-code-recovery',
    {
      schema: {
        tags: ['requests'],
        summary: 'A lost access code: a one-time link to a new one is mailed to the e-mail address given in the application',
        description:
          'Answers 202 whether or not the tracking number and the address match (nothing is revealed); at most three links a day per request; the old code works until a link is used.',
        body: recoveryInput,
        response: { 202: z.object({ message: z.string() }), ...ERRORS },
      },
      onRequest: limits.accessCode,
    },
    async (request, reply) => {
      await requestRecovery(ctx, request.body, publicBase);
      return reply.status(202).send({ message: RECOVERY_SENT });
    },
  );
}
