import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { staffOnly } from '../http/auth.js';
import { notFound } from '../shared/errors.js';
import { readBody } from '../http/multipart.js';
import { attachmentContent, findAttachment } from '../requests/cases.repository.js';
import { reissueAccessCode } from '../requests/access-codes.js';
import { registerApplication } from '../requests/intake.service.js';
import { applyStaffEvent } from '../requests/workflow.service.js';
import { addNote, caseView, findVisibleCase, getCase, listCases } from './desk.service.js';
import { sendFile } from '../http/files.js';

type WithTn = { Params: { trackingNumber: string } };

export async function caseRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }) {
  const staff = staffOnly(ctx);

  app.get('/api/cases', { preHandler: staff }, async (request) => listCases(ctx, request.principal!, request.query));

  app.post('/api/cases', { preHandler: staff }, async (request, reply) => {
    const { fields, uploads } = await readBody(ctx, request);
    return reply.status(201).send(await registerApplication(ctx, { principal: request.principal!, input: fields, uploads }));
  });

  app.get<WithTn>('/api/cases/:trackingNumber', { preHandler: staff }, async (request) => getCase(ctx, request.principal!, request.params.trackingNumber));

  app.post<WithTn>('/api/cases/:trackingNumber/events', { preHandler: staff }, async (request) => {
    const { fields, uploads } = await readBody(ctx, request);
    const row = await applyStaffEvent(ctx, { trackingNumber: request.params.trackingNumber.toUpperCase(), principal: request.principal!, input: fields, uploads });
    return caseView(ctx, request.principal!, row);
  });

  // A working note for staff only (never in the applicant's view).
  app.post<WithTn>('/api/cases/:trackingNumber/notes', { preHandler: staff }, async (request, reply) => {
    const row = await addNote(ctx, request.principal!, request.params.trackingNumber, request.body ?? {});
    return reply.status(201).send(await caseView(ctx, request.principal!, row));
  });

  // An applicant who lost the access code gets a new one; the old one stops working.
  app.post<WithTn>('/api/cases/:trackingNumber/access-code', { preHandler: staff }, async (request) =>
    reissueAccessCode(ctx, request.principal!, request.params.trackingNumber),
  );

  app.get<WithTn & { Params: { id: string } }>('/api/cases/:trackingNumber/attachments/:id', { preHandler: staff }, async (request, reply) => {
    const row = await findVisibleCase(ctx, request.principal!, request.params.trackingNumber);
    const file = /^[0-9a-f-]{36}$/.test(request.params.id) ? await findAttachment(ctx.db, row.id, request.params.id) : null;
    if (!file) throw notFound('attachments.not_found', '没有找到该附件');
    return sendFile(reply, file, attachmentContent(ctx.db, file.id));
  });
}
