import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import type { ClientLimits } from '../throttling/client-limits.js';
import { z } from 'zod';
import { ERRORS, trackingNumberParams } from '../http/openapi.js';
import { readBody } from '../http/multipart.js';
import { textField } from '../common/validation.js';
import { DuplicateSubmission, idempotencyKeyOf, submitApplication } from './intake.service.js';
import { applicationSchema } from './application.schema.js';
import { accessCodeField, accessCodeQuery, applicantViewSchema, receiptSchema } from './requests.schemas.js';
import { correctByApplicant, correctionInput, explainByApplicant, lookupRequestJson, reasonsInput, withdrawalInput, withdrawByApplicant } from './tracking.service.js';

const tags = ['applicant'];
/** JSON, or multipart/form-data with the same fields (nested ones flattened: `applicant.name`) and files in `attachments`. */
const JSON_OR_MULTIPART = ['application/json', 'multipart/form-data', 'application/x-www-form-urlencoded'];
const view = { 200: applicantViewSchema, ...ERRORS };

const SCHEMAS = {
  submit: {
    tags,
    summary: 'File an application (arts. 27–29)',
    description:
      'JSON, or multipart/form-data with the same fields and up to 5 files of 10 MB in `attachments`. An `Idempotency-Key` header (1–200 visible ASCII characters) makes a retry safe: the same application sent again is answered 409 request.duplicate with its tracking number. Nothing is stored on a 400.',
    consumes: JSON_OR_MULTIPART,
    headers: z.object({ 'idempotency-key': z.string().optional() }),
    body: applicationSchema('2026-01-01'),
    response: { 201: receiptSchema, ...ERRORS },
  },
  lookup: {
    tags,
    summary: 'The applicant’s view of a request; an unknown number and a wrong code give the same 404',
    params: trackingNumberParams,
    querystring: accessCodeQuery,
    response: view,
  },
  withdraw: { tags, summary: 'Withdraw the request', params: trackingNumberParams, body: withdrawalInput.extend(accessCodeField), response: view },
  correct: {
    tags,
    summary: 'Send the correction the 补正告知书 asked for (art. 30); files in `attachments` (multipart)',
    consumes: JSON_OR_MULTIPART,
    params: trackingNumberParams,
    body: correctionInput.extend(accessCodeField),
    response: view,
  },
  reasons: {
    tags,
    summary: 'Explain the requests, as the 说明理由告知书 asked (art. 35)',
    params: trackingNumberParams,
    body: reasonsInput.extend(accessCodeField),
    response: view,
  },
};

/** The applicant's view, JSON already: sent as it is. */
const json = (reply: FastifyReply, body: string) => reply.type('application/json; charset=utf-8').send(body);

export async function requestRoutes(app: FastifyInstance, { ctx, limits }: { ctx: AppContext; limits: ClientLimits }) {
  app.post('/api/requests', { schema: SCHEMAS.submit, onRequest: limits.submission }, async (request, reply) => {
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
    { schema: SCHEMAS.lookup, onRequest: limits.accessCode },
    async (request, reply) => json(reply, await lookupRequestJson(ctx, { trackingNumber: request.params.trackingNumber, accessCode: request.query.accessCode ?? '' })),
  );

  // The applicant withdraws the request: { accessCode, reason? } → the applicant's view, now closed.
  app.post<{ Params: { trackingNumber: string } }>('/api/requests/:trackingNumber/withdraw', { schema: SCHEMAS.withdraw, onRequest: limits.accessCode }, async (request, reply) => {
    const accessCode = textField(request.body, 'accessCode');
    await withdrawByApplicant(ctx, { trackingNumber: request.params.trackingNumber, accessCode, input: request.body });
    return json(reply, await lookupRequestJson(ctx, { trackingNumber: request.params.trackingNumber, accessCode }));
  });

  // The applicant corrects the application (art. 30): { accessCode, text } as JSON, or multipart with
  // files in `attachments` → the applicant's view, the answer period running again.
  app.post<{ Params: { trackingNumber: string } }>(
    '/api/requests/:trackingNumber/correction',
    { schema: SCHEMAS.correct, onRequest: limits.accessCode },
    async (request, reply) => {
      const { fields, uploads } = await readBody(ctx, request);
      const accessCode = textField(fields, 'accessCode');
      await correctByApplicant(ctx, { trackingNumber: request.params.trackingNumber, accessCode, input: fields, uploads });
      return json(reply, await lookupRequestJson(ctx, { trackingNumber: request.params.trackingNumber, accessCode }));
    },
  );

  // The applicant explains the requests (art. 35): { accessCode, text } → the applicant's view.
  app.post<{ Params: { trackingNumber: string } }>('/api/requests/:trackingNumber/reasons', { schema: SCHEMAS.reasons, onRequest: limits.accessCode }, async (request, reply) => {
    const accessCode = textField(request.body, 'accessCode');
    await explainByApplicant(ctx, { trackingNumber: request.params.trackingNumber, accessCode, input: request.body });
    return json(reply, await lookupRequestJson(ctx, { trackingNumber: request.params.trackingNumber, accessCode }));
  });
}
