import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import type { ClientLimits } from '../throttling/client-limits.js';
import { readBody } from '../http/multipart.js';
import { textField } from '../shared/validation.js';
import { DuplicateSubmission, idempotencyKeyOf, submitApplication } from './intake.service.js';
import { correctByApplicant, explainByApplicant, lookupRequestJson, withdrawByApplicant } from './tracking.service.js';

/** The applicant's view, JSON already: sent as it is. */
const json = (reply: FastifyReply, body: string) => reply.type('application/json; charset=utf-8').send(body);

export async function requestRoutes(app: FastifyInstance, { ctx, limits }: { ctx: AppContext; limits: ClientLimits }) {
  app.post('/api/requests', { onRequest: limits.submission }, async (request, reply) => {
    const { fields, uploads } = await readBody(ctx, request);
    const { idempotencyKey, refused } = idempotencyKeyOf(request.headers['idempotency-key']);
    try {
      const receipt = await submitApplication(ctx, { input: fields, uploads, idempotencyKey, refused });
      return reply.status(201).send(receipt);
    } catch (err) {
      if (!(err instanceof DuplicateSubmission)) throw err;
      // The access code was in the first answer (and the acknowledgment mail); it is stored only as a hash.
      return reply.status(409).send({
        error: 'request.duplicate',
        message: `这份申请已经提交过，申请编号为 ${err.trackingNumber}，无需重复提交；查询码见第一次提交的回执或确认邮件`,
        trackingNumber: err.trackingNumber,
      });
    }
  });

  app.get<{ Params: { trackingNumber: string }; Querystring: { accessCode?: string } }>(
    '/api/requests/:trackingNumber',
    { onRequest: limits.accessCode },
    async (request, reply) => json(reply, await lookupRequestJson(ctx, { trackingNumber: request.params.trackingNumber, accessCode: request.query.accessCode ?? '' })),
  );

  // The applicant withdraws the request: { accessCode, reason? } → the applicant's view, now closed.
  app.post<{ Params: { trackingNumber: string } }>('/api/requests/:trackingNumber/withdraw', { onRequest: limits.accessCode }, async (request, reply) => {
    const accessCode = textField(request.body, 'accessCode');
    await withdrawByApplicant(ctx, { trackingNumber: request.params.trackingNumber, accessCode, input: request.body });
    return json(reply, await lookupRequestJson(ctx, { trackingNumber: request.params.trackingNumber, accessCode }));
  });

  // The applicant corrects the application (art. 30): { accessCode, text } as JSON, or multipart with
  // files in `attachments` → the applicant's view, the answer period running again.
  app.post<{ Params: { trackingNumber: string } }>('/api/requests/:trackingNumber/correction', { onRequest: limits.accessCode }, async (request, reply) => {
    const { fields, uploads } = await readBody(ctx, request);
    const accessCode = textField(fields, 'accessCode');
    await correctByApplicant(ctx, { trackingNumber: request.params.trackingNumber, accessCode, input: fields, uploads });
    return json(reply, await lookupRequestJson(ctx, { trackingNumber: request.params.trackingNumber, accessCode }));
  });

  // The applicant explains the requests (art. 35): { accessCode, text } → the applicant's view.
  app.post<{ Params: { trackingNumber: string } }>('/api/requests/:trackingNumber/reasons', { onRequest: limits.accessCode }, async (request, reply) => {
    const accessCode = textField(request.body, 'accessCode');
    await explainByApplicant(ctx, { trackingNumber: request.params.trackingNumber, accessCode, input: request.body });
    return json(reply, await lookupRequestJson(ctx, { trackingNumber: request.params.trackingNumber, accessCode }));
  });
}
